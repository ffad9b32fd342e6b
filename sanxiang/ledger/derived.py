"""Derived public tables against the ledgered rows they are built from (ADR 0060).

The portal's search table (``publicity_publicentry``) is not ledgered row by row: it is a
function of the live publication versions, which are (children of their publication). So
``ledger_verify`` rebuilds every entry the live versions make — with the very function the
publication service writes them with — and compares it column by column with the table:
an entry changed (``party_name``, ``outcome`` …), an entry without a live version behind it,
and a live version without its entry are each reported with table, row and column. On SQLite
the FTS5 index over the entries is checked with FTS5's own ``integrity-check``; on
PostgreSQL the search vector is a stored generated column, which cannot be written apart
from the entry it is computed from.
"""

from __future__ import annotations

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from .report import DERIVED_MISMATCH, ProblemLog

_FETCH = 1000


def check_derived(problems: ProblemLog) -> int:
    """Check every derived table; return the number of rows compared."""
    checked = 0
    if apps.is_installed("sanxiang.evidence"):
        checked += _check_statutory_requirements(problems)
    if apps.is_installed("sanxiang.publicity"):
        checked += _check_public_entries(problems)
    return checked


def _check_statutory_requirements(problems: ProblemLog) -> int:
    """The recording requirements are the statutory data file, row for row."""
    import json

    from sanxiang.evidence.models import RecordingRequirement
    from sanxiang.evidence.rules import DATA_FILE

    table = RecordingRequirement._meta.db_table
    wanted = {
        (row["stage_kind"], row["activity"]): (True, row["basis"], True)
        for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["requirements"]
    }
    checked = 0
    for row in RecordingRequirement._base_manager.order_by("pk"):
        checked += 1
        key = (row.stage_kind, row.activity)
        if wanted.pop(key, None) != (row.statutory, row.basis, row.is_active):
            problems.add(
                DERIVED_MISMATCH,
                None,
                _(
                    "表 %(table)s 的第 %(id)s 行与法定记录要求数据文件不符（多出或被改动）："
                    "它在业务服务之外被写入。"
                )
                % {"table": table, "id": row.pk},
                table=table,
                object_id=str(row.pk),
            )
    for stage_kind, activity in sorted(wanted):
        problems.add(
            DERIVED_MISMATCH,
            None,
            _("表 %(table)s 缺少法定记录要求（%(stage)s：%(activity)s）：它在业务服务之外被删除。")
            % {"table": table, "stage": stage_kind, "activity": activity},
            table=table,
        )
    return checked


def _check_public_entries(problems: ProblemLog) -> int:
    from sanxiang.publicity.models import Publication, PublicEntry
    from sanxiang.publicity.services import public_entry_for
    from sanxiang.publicity.workflow import FINAL

    table = PublicEntry._meta.db_table
    fields = [f for f in PublicEntry._meta.concrete_fields if not f.primary_key]
    live = (
        Publication.objects.filter(live_version__isnull=False)
        .exclude(status__in=FINAL)
        .select_related("agency", "live_version")
        .order_by("pk")
    )
    expected = {}
    for publication in live.iterator(_FETCH):
        entry = public_entry_for(publication, publication.live_version)
        expected[entry.pk] = entry
    checked = 0
    for row in PublicEntry._base_manager.order_by("pk").iterator(_FETCH):
        checked += 1
        built = expected.pop(row.pk, None)
        if built is None:
            problems.add(
                DERIVED_MISMATCH,
                None,
                _(
                    "表 %(table)s 的第 %(id)s 行没有对应的现行公示版本：检索条目在业务服务之外"
                    "被插入，门户会展示它。"
                )
                % {"table": table, "id": row.pk},
                table=table,
                object_id=str(row.pk),
            )
            continue
        changed = [
            f.attname
            for f in fields
            if f.to_python(f.value_from_object(row)) != f.to_python(f.value_from_object(built))
        ]
        if changed:
            problems.add(
                DERIVED_MISMATCH,
                None,
                _(
                    "表 %(table)s 的第 %(id)s 行（公示 %(pub)s）的 %(columns)s 与现行公示版本"
                    "（publicity_publicationversion 第 %(version)s 行）不符：门户展示的内容在"
                    "业务服务之外被改写。"
                )
                % {
                    "table": table,
                    "id": row.pk,
                    "pub": built.publication_id,
                    "columns": "、".join(changed),
                    "version": built.version_id,
                },
                table=table,
                object_id=str(row.pk),
                columns=changed,
            )
    for key, built in sorted(expected.items()):
        problems.add(
            DERIVED_MISMATCH,
            None,
            _(
                "公示 %(pub)s 的现行版本（publicity_publicationversion 第 %(version)s 行）在表 "
                "%(table)s 中缺少检索条目（第 %(id)s 行）：它在业务服务之外被删除。"
            )
            % {"pub": built.publication_id, "version": built.version_id, "table": table, "id": key},
            table=table,
            object_id=str(key),
        )
    _check_fts(problems)
    return checked


def _check_fts(problems: ProblemLog) -> None:
    if connection.vendor != "sqlite":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO publicity_fts(publicity_fts, rank) VALUES ('integrity-check', 1)"
            )
    except DatabaseError as exc:
        problems.add(
            DERIVED_MISMATCH,
            None,
            _("全文索引 publicity_fts 与检索表 publicity_publicentry 不一致（%(error)s）。")
            % {"error": exc},
            table="publicity_fts",
        )
