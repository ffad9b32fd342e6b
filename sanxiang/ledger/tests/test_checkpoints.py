"""Signed checkpoints: keys outside the database, the service, the command and the task (JL-ARC-4, SH-RESP-5)."""

from __future__ import annotations

import datetime
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sanxiang.ledger import keys, services, tasks, triggers
from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
from sanxiang.ledger.checkpoint import open_checkpoint, parse_note
from sanxiang.ledger.merkle import MemoryNodeStore, root_from_leaves
from sanxiang.ledger.models import Checkpoint, LedgerEntry, TreeNode
from sanxiang.ledger.signing import ED25519, SM2
from sanxiang.testing import factories


def _recomputed_root() -> bytes:
    hasher = services.ledger_hasher()
    bodies = LedgerEntry.objects.order_by("seq").values_list("body", flat=True)
    return root_from_leaves(hasher, (hasher.leaf(body.encode()) for body in bodies))


def test_checkpoint_signs_current_head_with_sm2_and_ed25519(mines, settings):
    checkpoint = services.checkpoint_sign()
    size = LedgerEntry.objects.count()
    assert checkpoint.tree_size == size > 0
    assert bytes(checkpoint.root_hash) == _recomputed_root()

    head = open_checkpoint(checkpoint.note, keys.note_verifiers())
    assert head == TreeHead(settings.SANXIANG_LEDGER_ORIGIN, size, _recomputed_root())
    _text, signatures = parse_note(checkpoint.note)
    verifiers = {v.key.algorithm: v for v in keys.note_verifiers()}
    assert [(s.name, s.key_id) for s in signatures] == [
        (settings.SANXIANG_LEDGER_ORIGIN, verifiers[SM2].key_id),
        (settings.SANXIANG_LEDGER_ORIGIN, verifiers[ED25519].key_id),
    ]
    # Each key alone verifies the note: a holder of either public key can check it.
    for verifier in verifiers.values():
        assert open_checkpoint(checkpoint.note, [verifier]).size == size


def test_checkpoint_appends_nothing_to_the_ledger(mines):
    before = LedgerEntry.objects.count()
    services.checkpoint_sign()
    services.checkpoint_sign()
    assert LedgerEntry.objects.count() == before
    assert Checkpoint.objects.count() == 2


def test_only_if_grown_skips_an_unchanged_log(mines, province):
    size = LedgerEntry.objects.count()
    assert services.checkpoint_sign(only_if_grown=True).tree_size == size
    assert services.checkpoint_sign(only_if_grown=True) is None
    factories.mine(agency=province["a"])
    assert services.checkpoint_sign(only_if_grown=True).tree_size == size + 1


def test_empty_log_is_not_signed_when_only_if_grown(db):
    assert services.checkpoint_sign(only_if_grown=True) is None
    empty = services.checkpoint_sign()
    assert empty.tree_size == 0
    assert bytes(empty.root_hash) == services.ledger_hasher().empty_root()


def test_only_system_administrators_may_ask_for_a_checkpoint(officer, province):
    with pytest.raises(PermissionDenied):
        services.checkpoint_sign(actor=officer)
    admin = factories.staff(agency=province["provincial"], roles=["system_admin"])
    assert services.checkpoint_sign(actor=admin) is not None


def test_signing_refuses_without_keys_instead_of_inventing_new_ones(mines, tmp_path):
    with override_settings(SANXIANG_KEY_DIR=tmp_path / "empty"):
        with pytest.raises(ImproperlyConfigured, match="ledger_keys"):
            services.checkpoint_sign()
        assert not (tmp_path / "empty").exists()
    assert not Checkpoint.objects.exists()


def test_ledger_keys_command_is_idempotent(tmp_path, capsys):
    key_dir = tmp_path / "keys"
    with override_settings(SANXIANG_KEY_DIR=key_dir):
        call_command("ledger_keys")
        first = {p.name: p.read_bytes() for p in key_dir.iterdir()}
        out = capsys.readouterr().out
        call_command("ledger_keys")
        again = capsys.readouterr().out
        assert {p.name: p.read_bytes() for p in key_dir.iterdir()} == first
        vkeys = [key.vkey for key in keys.published_keys()]
    assert sorted(first) == [
        "ledger-ed25519.key.pem",
        "ledger-ed25519.pub.pem",
        "ledger-mac.key",  # the MAC key of secret columns (ADR 0061)
        "ledger-sm2.key.pem",
        "ledger-sm2.pub.pem",
        "witness-ed25519.key.pem",  # the witness key (ADR 0191)
        "witness-ed25519.pub.pem",
    ]
    assert len((key_dir / "ledger-mac.key").read_bytes()) == 32
    for name in (
        "ledger-ed25519.key.pem",
        "ledger-sm2.key.pem",
        "ledger-mac.key",
        "witness-ed25519.key.pem",
    ):
        assert stat.S_IMODE((key_dir / name).stat().st_mode) == 0o600
    assert "已生成" in out and "已生成" not in again and "已存在" in again
    assert len(vkeys) == 2 and all(vkey in out and vkey in again for vkey in vkeys)


def test_ledger_checkpoint_command(mines, capsys):
    call_command("ledger_checkpoint")
    out = capsys.readouterr().out
    assert Checkpoint.objects.get().note in out
    call_command("ledger_checkpoint", "--if-grown")
    assert "没有增长" in capsys.readouterr().out
    assert Checkpoint.objects.count() == 1


def test_schedule_needs_a_deferring_backend(db):
    with pytest.raises(CommandError, match="cron"):
        call_command("ledger_checkpoint", "--schedule")


def test_tick_signs_only_when_grown_and_does_not_recurse_on_the_immediate_backend(mines, province):
    size = LedgerEntry.objects.count()
    result = tasks.checkpoint_tick.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == size
    assert tasks.checkpoint_tick.enqueue().return_value is None
    factories.mine(agency=province["a"])
    assert tasks.checkpoint_tick.enqueue().return_value == size + 1
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [size + 1, size]


def test_checkpoint_interval_is_a_declared_setting_from_the_environment(tmp_path):
    """SANXIANG_CHECKPOINT_INTERVAL_SECONDS: one hour unless the environment says otherwise."""

    def declared(value: str | None) -> str:
        env = dict(os.environ, SANXIANG_DATA_DIR=str(tmp_path))
        env.pop("SANXIANG_CHECKPOINT_INTERVAL_SECONDS", None)
        if value is not None:
            env["SANXIANG_CHECKPOINT_INTERVAL_SECONDS"] = value
        code = "import config.settings.base as b; print(b.SANXIANG_CHECKPOINT_INTERVAL_SECONDS)"
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[3],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert declared(None) == "3600" and declared("900") == "900"
    assert isinstance(settings.SANXIANG_CHECKPOINT_INTERVAL_SECONDS, int)
    with override_settings(SANXIANG_CHECKPOINT_INTERVAL_SECONDS=120):
        assert tasks.checkpoint_interval() == datetime.timedelta(seconds=120)


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_tick_reschedules_itself_once_on_the_database_backend(
    mines, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DB_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.checkpoint_schedule(delay=datetime.timedelta(0))
        assert first is not None
        assert tasks.checkpoint_schedule() is None  # one waiting tick: no second chain
        waiting = DBTaskResult.objects.get(task_path=tasks.checkpoint_tick.module_path)
        assert waiting.status == TaskResultStatus.READY

        # The worker runs it: it signs, then enqueues the next tick one interval later.
        with django_capture_on_commit_callbacks(execute=True):
            waiting.delete()  # stands in for the worker claiming it
            assert tasks.checkpoint_tick.call() == LedgerEntry.objects.count()
        following = DBTaskResult.objects.get(task_path=tasks.checkpoint_tick.module_path)
        delay = following.run_after - following.enqueued_at
        assert abs(delay - tasks.checkpoint_interval()) < datetime.timedelta(seconds=5)


def _rewrite_entry_and_tree(seq: int) -> None:
    """Change one entry and recompute every hash, as an insider with SQL access could."""
    hasher = services.ledger_hasher()
    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
        body = LedgerEntry.objects.get(seq=seq).body.replace('"details":{}', '"details":{"x":1}')
        cursor.execute(
            "UPDATE ledger_ledgerentry SET body = %s, leaf_hash = %s WHERE seq = %s",
            [body, hasher.leaf(body.encode()), seq],
        )
        cursor.execute("DELETE FROM ledger_treenode")
    store = MemoryNodeStore(hasher)
    for text in LedgerEntry.objects.order_by("seq").values_list("body", flat=True):
        store.append(hasher.leaf(text.encode()))
    TreeNode.objects.bulk_create(
        [TreeNode(level=lvl, index=idx, hash=h) for (lvl, idx), h in store.nodes.items()]
    )


def test_a_log_inconsistent_with_the_last_checkpoint_is_never_signed(signed, province, caplog):
    factories.mine(agency=province["a"])
    _rewrite_entry_and_tree(2)
    with pytest.raises(services.LedgerInconsistentError, match="ledger_verify"):
        services.checkpoint_sign()
    with pytest.raises(CommandError, match="不一致"):
        call_command("ledger_checkpoint")
    # The scheduled tick logs it as an error (every time) instead of dying.
    result = tasks.checkpoint_tick.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is None
    assert "拒绝签署" in caplog.text
    assert list(Checkpoint.objects.values_list("tree_size", flat=True)) == [signed.tree_size]


def test_a_grown_consistent_log_is_signed_after_the_check(signed, province):
    factories.mine(agency=province["a"])
    assert services.checkpoint_sign().tree_size == signed.tree_size + 1
