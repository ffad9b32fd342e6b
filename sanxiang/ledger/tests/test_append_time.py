"""The ledger's time comes from the database clock inside the append lock (issue 17, item 2):
with several application nodes, entries in sequence never go back in time because the next
one was appended by a node whose clock lags."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from sanxiang.ledger import services
from sanxiang.ledger.models import LedgerEntry


def _database_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_entries_take_the_database_clock_on_postgresql(db_vendor, monkeypatch):
    if db_vendor != "postgresql":
        pytest.skip("SQLite runs on one machine: its clock is the node's (ADR 0191 notes)")
    skewed = timezone.now() - datetime.timedelta(hours=3)
    monkeypatch.setattr(services, "_SYSTEM_NOW", lambda: skewed)  # this node's clock lags
    monkeypatch.setattr(timezone, "now", services._SYSTEM_NOW)
    before = _database_now()
    entry = services.ledger_append(
        actor=None, action="ledger.register", object_type="x", object_id="1"
    )
    after = _database_now()
    assert before <= entry.recorded_at <= after


@pytest.mark.django_db
def test_a_simulated_clock_is_used_as_it_is(monkeypatch):
    moment = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)  # the demo's history (ADR 0007)
    entry = services.ledger_append(
        actor=None, action="ledger.register", object_type="x", object_id="2"
    )
    assert entry.recorded_at == moment
    assert LedgerEntry.objects.get(seq=entry.seq).recorded_at == moment
