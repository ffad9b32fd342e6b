"""A migration that adds a column re-registers untouched rows only (ledger/rebase.py)."""

from __future__ import annotations

import pytest
from django.apps import apps

from sanxiang.ledger import upgrade
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.report import OBJECT_CHANGED
from sanxiang.ledger.services import ledger_append, object_digest
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.models import Staff
from sanxiang.testing import factories

pytestmark = pytest.mark.django_db


def test_a_new_column_rebases_untouched_rows_and_keeps_tampered_ones():
    agency = factories.agency(name="重登记测试局", short="登")
    kept, tampered = (factories.officer(agency=agency) for _ in range(2))
    # As if "position" had just been added: the last events' digests do not cover it.
    for staff in (kept, tampered):
        ledger_append(
            actor=None,
            action="staff.update",
            object_type="org.staff",
            object_id=str(staff.pk),
            digest=object_digest(
                staff,
                excluded=(*Staff.ledger_excluded_fields, "position"),
                secret=Staff.ledger_secret_fields,
            ),
        )
    Staff.objects.filter(pk=tampered.pk).update(email="changed@example.invalid")

    rebased = upgrade.rebase_new_columns(apps, "org.Staff", ("position",), "staff.digest_rebase")

    events = LedgerEntry.objects.filter(action="staff.digest_rebase")
    assert rebased == 1 and list(events.values_list("object_id", flat=True)) == [str(kept.pk)]
    assert '"added_fields":["position"]' in events.get().body
    report = verify_ledger()
    assert report.kinds() == {OBJECT_CHANGED} and report.problems_total == 1
    assert f"的第 {tampered.pk} 行" in report.first.message
