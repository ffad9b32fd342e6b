"""`ledger_verify` on an intact ledger: what it covers, its reports, its options (JL-USE-3)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sanxiang.api.tokens import api_token_create
from sanxiang.ledger import scan, services
from sanxiang.ledger.checkpoint import NoteSigner
from sanxiang.ledger.merkle import root_from_leaves
from sanxiang.ledger.models import LedgerEntry, TreeNode
from sanxiang.ledger.signing import generate_signing_key
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org import services as org
from sanxiang.registry import services as registry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def busy_ledger(mines, province, officer):
    """A 20-odd entry log with updates, a person, and checkpoints at several sizes."""
    services.checkpoint_sign()
    for mine in mines:
        registry.mine_update(actor=officer, mine=mine, address="测试省新地址")
    services.checkpoint_sign()
    factories.person(agency=province["b"])
    org.agency_update(actor=factories.superuser(), agency=province["b"], phone="0351-1234567")
    services.checkpoint_sign()
    factories.mine(agency=province["b"])
    return LedgerEntry.objects.count()


def test_intact_ledger_verifies(busy_ledger, capsys):
    report = verify_ledger()
    assert report.ok, report.text()
    assert report.tree_size == report.entries_checked == busy_ledger
    assert report.checkpoints_checked == 3
    assert report.nodes_checked == TreeNode.objects.count()  # every stored node compared
    # every row of every covered table, at least each object the log names (ADR 0060)
    assert report.objects_checked >= len(
        set(LedgerEntry.objects.values_list("object_type", "object_id"))
    )
    call_command("ledger_verify")
    out = capsys.readouterr().out
    assert "全部一致" in out and f"日志共 {busy_ledger} 条记录" in out


@pytest.mark.parametrize("chunk_level", [0, 1, 2, 3])
def test_chunked_scan_joins_to_the_same_roots(busy_ledger, chunk_level):
    """Small chunks exercise the join of chunk roots that large logs use."""
    report = verify_ledger(chunk_level=chunk_level)
    assert report.ok, report.text()
    assert report.nodes_checked == verify_ledger().nodes_checked


def test_json_report(busy_ledger, capsys):
    call_command("ledger_verify", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["first_broken_seq"] is None and data["problems"] == []
    assert data["tree_size"] == busy_ledger and data["hash"] == "sm3"


def test_recomputed_root_is_the_signed_one(busy_ledger):
    hasher = services.ledger_hasher()
    signed = services.checkpoint_sign()
    leaves = [hasher.leaf(b.encode()) for b in LedgerEntry.objects.values_list("body", flat=True)]
    assert bytes(signed.root_hash) == root_from_leaves(hasher, leaves)
    assert verify_ledger().ok


def test_external_checkpoint_file_is_checked(busy_ledger, tmp_path, capsys):
    published = tmp_path / "published.txt"
    published.write_text(services.checkpoint_sign().note, encoding="utf-8")
    call_command("ledger_verify", "--checkpoint", str(published))
    assert "检查点 5 个" in capsys.readouterr().out  # four in the database and the file


def test_checkpoints_signed_by_other_keys_are_refused(busy_ledger, tmp_path, settings, capsys):
    stranger = NoteSigner(settings.SANXIANG_LEDGER_ORIGIN, generate_signing_key("ed25519"))
    key_file = tmp_path / "other.txt"
    key_file.write_text(stranger.verifier.vkey() + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify", "--key", str(key_file), "--json")
    assert exc.value.returncode == 1
    data = json.loads(capsys.readouterr().out)
    assert {p["kind"] for p in data["problems"]} == {"checkpoint_signature_invalid"}
    assert data["problems_total"] == 3


def test_empty_ledger_verifies(db):
    report = verify_ledger()
    assert report.ok and report.tree_size == 0


def test_column_check_handles_whole_seconds_escapes_and_nulls(db):
    """The fast column comparison must agree with canonical JSON on awkward values."""
    actor = SimpleNamespace(pk=None, full_name='张"三\\ \u2028 \t', agency_id=None)
    moments = [
        datetime.datetime(2026, 3, 1, 8, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 1, 8, 0, 0, 500, tzinfo=datetime.UTC),
    ]
    for moment in moments:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            services.ledger_append(
                actor=actor, action="test.event", object_type="", object_id='a"b</script>'
            )
    bodies = list(LedgerEntry.objects.values_list("body", flat=True))
    assert '"time":"2026-03-01T08:00:00Z"' in bodies[0]
    assert '"time":"2026-03-01T08:00:00.000500Z"' in bodies[1]
    services.checkpoint_sign()
    slow = mock.patch.object(scan, "_mismatched_column", wraps=scan._mismatched_column)
    with slow as slow_check:
        report = verify_ledger()
    assert report.ok, report.text()
    assert slow_check.call_count == 0  # the fast prefix/suffix comparison matched as is


def test_routine_stamps_outside_the_services_are_not_breaks(officer, mines):
    """Logging in and using an API token stamp rows without a ledger event; that is no break."""
    token, raw = api_token_create(actor=officer, name="对接终端", scopes=["ledger:read"])
    client = Client()
    sign_in(client, officer)  # stamps last_login
    own = LedgerEntry.objects.filter(action="mine.create").first().seq  # one he may read
    response = Client().get(f"/api/ledger/entries/{own}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    report = verify_ledger()
    assert report.ok, report.text()
    # every row of every covered table, at least each object the log names (ADR 0060)
    assert report.objects_checked >= len(
        set(LedgerEntry.objects.values_list("object_type", "object_id"))
    )


def test_digest_is_of_the_row_as_stored_not_as_handed_to_the_service(province):
    """``Decimal(30)`` reads back as ``30.0`` from a one-decimal column: no false alarm."""
    mine = factories.mine(agency=province["a"], capacity_10kt=Decimal(30))
    services.checkpoint_sign()
    report = verify_ledger()
    assert report.ok, report.text()
    entry = LedgerEntry.objects.filter(object_id=str(mine.pk), action="mine.create").get()
    mine.refresh_from_db()
    assert mine.capacity_10kt == Decimal("30.0")
    assert entry.object_digest == services.object_digest(mine)
