"""Tampering through the database is refused by triggers, and what gets past them is caught.

Each test tampers with raw SQL, as someone with database access would; where that needs the
append-only triggers out of the way, the test drops them with the statements of
``triggers.py`` inside its own transaction, which the test run rolls back (PostgreSQL and
SQLite both roll DDL back). Run on SQLite and on PostgreSQL (JL-ARC-4, JL-USE-3).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sanxiang.ledger import keys, merkle, services, triggers
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
from sanxiang.ledger.checkpoint import sign_checkpoint
from sanxiang.ledger.models import Checkpoint, LedgerEntry, TreeNode
from sanxiang.ledger.verification import (
    CHECKPOINT_INCONSISTENT,
    CHECKPOINT_SIGNATURE_INVALID,
    CONTENT_CHANGED,
    ENTRY_MISSING,
    OBJECT_CHANGED,
    OBJECT_DELETED,
    OBJECT_UNRECORDED,
    TREE_NODE_MISMATCH,
    verify_ledger,
)
from sanxiang.testing import factories


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def drop_triggers() -> None:
    for statement in triggers.drop_statements(connection.vendor):
        sql(statement)


def last_seq_of(obj) -> int:
    return (
        LedgerEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )


def verify_command(*args: str) -> tuple[int, str]:
    """Run ``ledger_verify``; return its exit status and its output."""
    out = StringIO()
    try:
        call_command("ledger_verify", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


# --- the triggers ------------------------------------------------------------------------------


@pytest.mark.parametrize("table", triggers.LEDGER_TABLES)
def test_triggers_refuse_update_and_delete(signed, table):
    before = sql_rows(f"SELECT * FROM {table}")
    column = {"ledger_ledgerentry": "actor_name", "ledger_treenode": "level"}.get(table, "note")
    value = 7 if column == "level" else "改写"
    for statement, params in [
        (f"UPDATE {table} SET {q(column)} = %s", [value]),
        (f"DELETE FROM {table}", []),
    ]:
        with pytest.raises(DatabaseError, match="账本只允许追加"), transaction.atomic():
            sql(statement, params)
    assert sql_rows(f"SELECT * FROM {table}") == before


def test_orm_writes_are_refused_too(signed):
    for queryset in (LedgerEntry.objects.all(), TreeNode.objects.all(), Checkpoint.objects.all()):
        with pytest.raises(DatabaseError, match="账本只允许追加"), transaction.atomic():
            queryset.delete()
    with pytest.raises(DatabaseError, match="账本只允许追加"), transaction.atomic():
        LedgerEntry.objects.filter(seq=1).update(action="agency.update")


def test_postgresql_refuses_truncate(signed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers the same ground")
    with pytest.raises(DatabaseError, match="账本只允许追加"), transaction.atomic():
        sql("TRUNCATE ledger_ledgerentry")


def sql_rows(statement: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor]


# --- business rows changed outside the services -------------------------------------------------


def test_business_row_updated_by_raw_sql(signed, mines):
    mine = mines[1]
    sql(f"UPDATE registry_coalmine SET {q('name')} = %s WHERE id = %s", ["改名煤矿", mine.pk])
    report = verify_ledger()
    assert report.kinds() == {OBJECT_CHANGED}
    assert report.first_broken_seq == last_seq_of(mine)
    assert f"registry_coalmine 的第 {mine.pk} 行" in report.first.message

    status, out = verify_command()
    assert status == 1
    assert f"最早出问题的序号为 #{last_seq_of(mine)}（对象在业务服务之外被修改）" in out


def test_business_row_deleted_by_raw_sql(signed, mines):
    mine = mines[0]
    seq = last_seq_of(mine)
    sql("DELETE FROM registry_coalmine WHERE id = %s", [mine.pk])
    status, out = verify_command("--json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False
    assert report["first_broken_seq"] == seq
    assert report["first_break"]["kind"] == OBJECT_DELETED
    assert {p["kind"] for p in report["problems"]} == {OBJECT_DELETED}


# --- ledger rows changed with the triggers dropped ---------------------------------------------


@pytest.mark.parametrize("chunk_level", [16, 1])  # one chunk; chunks of two joined above
def test_entry_body_updated(signed, chunk_level):
    drop_triggers()
    body = LedgerEntry.objects.get(seq=5).body
    sql("UPDATE ledger_ledgerentry SET body = %s WHERE seq = 5", [body.replace("}", " }", 1)])
    report = verify_ledger(chunk_level=chunk_level)
    assert report.first_broken_seq == 5
    assert report.first.kind == CONTENT_CHANGED and report.first.detail["field"] == "body"
    # The signed checkpoint no longer matches either, and says where the break is.
    assert report.kinds() == {CONTENT_CHANGED, CHECKPOINT_INCONSISTENT}
    assert report.of_kind(CHECKPOINT_INCONSISTENT)[0].seq == 5
    status, out = verify_command()
    assert status == 1 and "最早出问题的序号为 #5（记录内容被改动）" in out


def test_entry_column_updated(signed):
    drop_triggers()
    sql("UPDATE ledger_ledgerentry SET actor_name = %s WHERE seq = 4", ["冒名顶替"])
    report = verify_ledger()
    assert [(p.kind, p.seq, p.detail["field"]) for p in report.problems] == [
        (CONTENT_CHANGED, 4, "actor_name")
    ]


def test_entry_deleted_in_the_middle(signed):
    drop_triggers()
    sql("DELETE FROM ledger_ledgerentry WHERE seq IN (3, 4)")
    report = verify_ledger()
    assert report.first_broken_seq == 3
    assert report.first.kind == ENTRY_MISSING
    assert report.first.detail == {"first_missing": 3, "last_missing": 4}
    assert CHECKPOINT_INCONSISTENT not in report.kinds()  # the leaves survive in the tree


def test_tail_entries_deleted(signed, province):
    factories.mine(agency=province["a"])
    size = services.checkpoint_sign().tree_size
    drop_triggers()
    sql("DELETE FROM ledger_ledgerentry WHERE seq > %s", [size - 2])
    report = verify_ledger()
    # The mine whose events were cut off is a row without any event now (ADR 0060).
    assert report.kinds() == {ENTRY_MISSING, OBJECT_UNRECORDED}
    assert report.first_broken_seq == size - 1
    # The leftover leaf nodes and both checkpoints (sizes 9 and 10) show the cut.
    assert [p.seq for p in report.of_kind(ENTRY_MISSING)] == [size - 1] * 3
    status, out = verify_command()
    assert status == 1 and f"#{size - 1}" in out and "记录缺失" in out


def test_tree_node_updated(signed):
    drop_triggers()
    sql(
        f"UPDATE ledger_treenode SET hash = %s WHERE level = 1 AND {q('index')} = 1",
        [bytes(32)],
    )
    report = verify_ledger()
    assert [(p.kind, p.seq) for p in report.problems] == [(TREE_NODE_MISMATCH, 3)]
    assert report.first.detail == {"level": 1, "index": 1}


def test_leaf_node_updated(signed):
    drop_triggers()
    sql(f"UPDATE ledger_treenode SET hash = %s WHERE level = 0 AND {q('index')} = 6", [bytes(32)])
    report = verify_ledger()
    assert [(p.kind, p.seq) for p in report.problems] == [(TREE_NODE_MISMATCH, 7)]


def test_checkpoint_note_forged(signed):
    drop_triggers()
    forged = signed.note.replace(f"\n{signed.tree_size}\n", f"\n{signed.tree_size + 5}\n")
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [forged, signed.pk])
    report = verify_ledger()
    assert report.kinds() == {CHECKPOINT_SIGNATURE_INVALID}
    assert report.first.detail["checkpoint_id"] == signed.pk


def test_checkpoint_columns_changed(signed):
    drop_triggers()
    sql("UPDATE ledger_checkpoint SET root_hash = %s WHERE id = %s", [bytes(32), signed.pk])
    report = verify_ledger()
    assert report.kinds() == {CHECKPOINT_INCONSISTENT}


# --- a fully recomputed forged log --------------------------------------------------------------


def forge_entry(seq: int, actor: str) -> None:
    """Rewrite one entry and recompute every hash after it, as a capable insider would."""
    hasher = services.ledger_hasher()
    drop_triggers()
    entry = LedgerEntry.objects.get(seq=seq)
    body = json.loads(entry.body)
    body["actor"] = actor
    new_body = canonical_json(body)
    sql(
        "UPDATE ledger_ledgerentry SET body = %s, actor_name = %s, leaf_hash = %s WHERE seq = %s",
        [new_body.decode(), actor, hasher.leaf(new_body), seq],
    )
    store = merkle.MemoryNodeStore(hasher)
    for body_text in LedgerEntry.objects.order_by("seq").values_list("body", flat=True):
        store.append(hasher.leaf(body_text.encode()))
    sql("DELETE FROM ledger_treenode")
    TreeNode.objects.bulk_create(
        [TreeNode(level=lvl, index=idx, hash=h) for (lvl, idx), h in store.nodes.items()]
    )


def test_forged_log_fails_against_the_published_checkpoint(
    mines, tmp_path, run_tool, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = services.checkpoint_sign()  # kept outside: on the portal, upstairs
    assert keys.remembered_checkpoint() == published.note  # and beside the keys
    forge_entry(6, "冒名顶替")

    # Every entry and node agrees with every other: only the signatures stand in the way.
    report = verify_ledger()
    assert report.kinds() == {CHECKPOINT_INCONSISTENT}
    assert report.first_broken_seq == 1

    # The forger deletes the checkpoints too; the copy kept beside the keys still catches him
    # (always compared, ADR 0062), and so does one held outside.
    sql("DELETE FROM ledger_checkpoint")
    assert verify_ledger().kinds() == {CHECKPOINT_INCONSISTENT}
    assert verify_ledger(remembered=False).ok
    kept = tmp_path / "published.txt"
    kept.write_text(published.note, encoding="utf-8")
    status, out = verify_command("--checkpoint", str(kept))
    assert status == 1 and "检查点不一致" in out and str(kept) in out

    # And the standalone tool refuses the forged entry against the published checkpoint...
    hasher = services.ledger_hasher()
    entry = LedgerEntry.objects.get(seq=6)
    proof = merkle.inclusion_proof(hasher, 5, published.tree_size, services.read_nodes)
    result = run_tool(
        "inclusion",
        {
            "hash": hasher.name,
            "leaf_index": 5,
            "tree_size": published.tree_size,
            "entry": entry.body,
            "proof": [p.hex() for p in proof],
            "checkpoint": published.note,
        },
    )
    assert result.returncode == 1 and "包含证明与检查点根哈希不符" in result.stderr

    # ...the platform itself refuses to sign the forged log (it kept the last checkpoint)...
    with pytest.raises(services.LedgerInconsistentError):
        services.checkpoint_sign()

    # ...and had the forger the private keys, his own signature could not extend the old one.
    root = merkle.root_at(hasher, published.tree_size, services.read_nodes)
    forged_head = TreeHead(settings.SANXIANG_LEDGER_ORIGIN, published.tree_size, root)
    resigned = sign_checkpoint(forged_head, keys.note_signers())
    result = run_tool(
        "consistency",
        {
            "hash": hasher.name,
            "old_checkpoint": published.note,
            "new_checkpoint": resigned,
            "proof": [],
        },
    )
    assert result.returncode == 1 and "同一大小的根哈希不同" in result.stderr


def test_forged_log_break_is_located_after_the_last_good_checkpoint(mines, province):
    good = services.checkpoint_sign()
    factories.mine(agency=province["a"])
    factories.mine(agency=province["a"])
    services.checkpoint_sign()
    forge_entry(good.tree_size + 2, "冒名顶替")
    report = verify_ledger()
    assert report.kinds() == {CHECKPOINT_INCONSISTENT}
    assert report.first_broken_seq == good.tree_size + 1
    assert report.first.detail["last_seq"] == good.tree_size + 2
