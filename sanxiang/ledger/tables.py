"""The table walk of ``ledger_verify``: every covered row against the ledger (ADR 0060).

For each table in ``coverage``:

* a table whose rows are objects of their own (``OWN_EVENTS``): every row's digest must be the
  one of its last event; a row without any event, or whose last event deleted it, is reported
  as *unrecorded*; an object whose last event did not delete it but whose row is gone, as
  *deleted*;
* a child table (``CHILDREN``): the same, against the listing (``details["rows"]``) in the
  last event of each parent object;
* the roles the actor of each entry held (``context.actor_roles``, read from the table when
  the entry was appended) against the roles listed for him in the ledger at that point — a
  role written into ``org_staffrole`` and removed again after use is found by the entries
  made with it (``scan`` compares each entry; :func:`role_timeline` is the expectation).

Problems name the table (``db_table``) and the row.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _

from . import coverage
from .canonical import canonical_json
from .models import LedgerEntry
from .report import OBJECT_CHANGED, OBJECT_DELETED, OBJECT_UNRECORDED, ProblemLog
from .services import ledger_hasher, object_digest

_FETCH = 2000
_BATCH = 500


def _last_seqs(object_type: str):
    return (
        LedgerEntry.objects.filter(object_type=object_type)
        .order_by()
        .values("object_id")
        .annotate(last=Max("seq"))
        .values_list("last", flat=True)
    )


def last_events(object_type: str) -> dict[str, tuple[int, str]]:
    """``object_id -> (seq, digest)`` of each object's last event."""
    result: dict[str, tuple[int, str]] = {}
    seqs = list(_last_seqs(object_type).iterator(_FETCH))
    for start in range(0, len(seqs), _BATCH):
        for seq, oid, digest in LedgerEntry.objects.filter(
            seq__in=seqs[start : start + _BATCH]
        ).values_list("seq", "object_id", "object_digest"):
            result[oid] = (seq, digest)
    return result


def last_listings(parent: str) -> dict[str, dict[str, tuple[int, str]]]:
    """``child label -> {row id: (seq, digest)}`` from the last event of each ``parent`` object
    that lists its rows (every ``ledger_append(obj=parent)`` does; one appended by reference
    only, such as an upgrade's rebase, says nothing about the children)."""
    listed: dict[str, dict[str, tuple[int, str]]] = {}
    seqs = list(
        LedgerEntry.objects.filter(object_type=parent, body__contains='"rows":')
        .order_by()
        .values("object_id")
        .annotate(last=Max("seq"))
        .values_list("last", flat=True)
        .iterator(_FETCH)
    )
    for start in range(0, len(seqs), _BATCH):
        for seq, body in LedgerEntry.objects.filter(
            seq__in=seqs[start : start + _BATCH]
        ).values_list("seq", "body"):
            rows = _rows_of(body)
            for label, digests in rows.items():
                target = listed.setdefault(label, {})
                for oid, digest in digests.items():
                    target[oid] = (seq, digest)
    return listed


def _rows_of(body: str) -> dict[str, dict[str, str]]:
    try:
        rows = json.loads(body).get("details", {}).get("rows", {})
    except (ValueError, AttributeError):
        return {}
    return rows if isinstance(rows, dict) else {}


def _table_rows(model: type[models.Model]) -> Iterator[models.Model]:
    return model._base_manager.order_by("pk").iterator(_FETCH)


def _where(model: type[models.Model], oid: str) -> dict[str, str]:
    return {"table": model._meta.db_table, "object_type": model._meta.label_lower, "object_id": oid}


def _check_table(
    model: type[models.Model],
    expected: dict[str, tuple[int, str]],
    problems: ProblemLog,
    *,
    recheck=None,
) -> int:
    """Compare every row of ``model`` with ``expected`` (``id -> (seq, digest)``)."""
    table = model._meta.db_table
    seen: set[str] = set()
    checked = 0
    for row in _table_rows(model):
        checked += 1
        oid = str(row.pk)
        seen.add(oid)
        seq, digest = expected.get(oid, (None, ""))
        if digest and object_digest(row) == digest:
            continue
        if recheck is not None:  # a service may have changed the row since the listing was read
            seq, digest = recheck(oid) or (seq, digest)
            fresh = model._base_manager.filter(pk=row.pk).first()
            if fresh is None or (digest and object_digest(fresh) == digest):
                continue
        if not digest:
            problems.add(
                OBJECT_UNRECORDED,
                seq,
                (
                    _("表 %(table)s 的第 %(id)s 行没有任何账本记录：它在业务服务之外被插入。")
                    if seq is None
                    else _(
                        "表 %(table)s 的第 %(id)s 行仍然存在，而账本最后一条相关记录 #%(seq)s "
                        "记载它已删除：它在业务服务之外被插入或恢复。"
                    )
                )
                % {"table": table, "id": oid, "seq": seq},
                **_where(model, oid),
            )
        else:
            problems.add(
                OBJECT_CHANGED,
                seq,
                _(
                    "表 %(table)s 的第 %(id)s 行的当前内容与账本最后一条相关记录 #%(seq)s "
                    "的摘要不符：它在业务服务之外被修改。"
                )
                % {"table": table, "id": oid, "seq": seq},
                **_where(model, oid),
            )
    for oid, (seq, digest) in sorted(expected.items(), key=lambda item: item[1][0]):
        if not digest or oid in seen:
            continue
        if recheck is not None:
            seq, digest = recheck(oid) or (seq, digest)
            if not digest or model._base_manager.filter(pk=_pk(model, oid)).exists():
                continue
        problems.add(
            OBJECT_DELETED,
            seq,
            _(
                "表 %(table)s 的第 %(id)s 行已不存在，而账本最后一条相关记录 #%(seq)s "
                "并未记载删除：它在业务服务之外被删除。"
            )
            % {"table": table, "id": oid, "seq": seq},
            **_where(model, oid),
        )
    return checked


def _pk(model: type[models.Model], oid: str) -> Any:
    try:
        return model._meta.pk.to_python(oid)
    except Exception:
        return None


def _recheck_own(object_type: str):
    def recheck(oid: str) -> tuple[int, str] | None:
        return (
            LedgerEntry.objects.filter(object_type=object_type, object_id=oid)
            .order_by("-seq")
            .values_list("seq", "object_digest")
            .first()
        )

    return recheck


def check_tables(problems: ProblemLog) -> int:
    """Walk every covered table; return the number of rows checked."""
    checked = 0
    for label in sorted(coverage.OWN_EVENTS):
        model = _model(label)
        if model is not None:
            checked += _check_table(
                model, last_events(label), problems, recheck=_recheck_own(label)
            )
    for parent in sorted(coverage.CHILDREN):
        listed = last_listings(parent)
        for child in coverage.children_of(parent):
            model = _model(child.label)
            if model is None:
                continue
            expected = dict(listed.get(child.label, {}))
            for oid, event in last_events(child.label).items():  # rows with events of their own
                if event[0] > expected.get(oid, (0, ""))[0]:
                    expected[oid] = event
            checked += _check_table(model, expected, problems)
    return checked


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- the roles each entry's actor held ----------------------------------------------------------

STAFF = "org.staff"
STAFF_ROLE = "org.staffrole"


class RoleTimeline:
    """Per actor, the roles the ledger shows him holding from each staff event on.

    ``claims`` are the canonical JSON texts of the sorted role lists, as ``ledger_append``
    writes ``actor_roles`` into the body, so the scan compares text with text.
    """

    def __init__(self, points: dict[int, tuple[list[int], list[str]]]) -> None:
        self.points = points

    def expected(self, actor_id: int, seq: int) -> tuple[int, int, str]:
        """``(from, until, text)``: the roles granted to ``actor_id`` for seqs in [from, until)."""
        seqs, texts = self.points.get(actor_id, ([], []))
        i = bisect.bisect_right(seqs, seq)
        low = seqs[i - 1] if i else 0
        high = seqs[i] if i < len(seqs) else 1 << 62
        return low, high, texts[i - 1] if i else "[]"


def role_timeline() -> RoleTimeline:
    """Read every staff event's role listing; a row's role is found from its digest."""
    try:
        role_model = apps.get_model(STAFF_ROLE)
    except LookupError:
        return RoleTimeline({})
    codes = [choice[0] for choice in role_model._meta.get_field("role").choices or ()]
    hasher = ledger_hasher()
    points: dict[int, tuple[list[int], list[str]]] = {}
    entries = (
        LedgerEntry.objects.filter(object_type=STAFF)
        .order_by("seq")
        .values_list("seq", "object_id", "object_digest", "body")
    )
    for seq, oid, digest, body in entries.iterator(_FETCH):
        try:
            staff_id = int(oid)
        except ValueError:
            continue
        if '"rows":' not in body:
            continue  # an event from before role listings: says nothing about roles
        listing = _rows_of(body).get(STAFF_ROLE, {}) if digest else {}
        roles = sorted(
            _role_of(hasher, codes, row_id, staff_id, row_digest)
            for row_id, row_digest in listing.items()
        )
        seqs, texts = points.setdefault(staff_id, ([], []))
        seqs.append(seq)
        texts.append(canonical_json(roles).decode())
    return RoleTimeline(points)


def _role_of(hasher, codes: list[str], row_id: str, staff_id: int, digest: str) -> str:
    for code in codes:
        content = {"id": int(row_id), "role": code, "staff_id": staff_id}
        if hasher.hash(canonical_json(content)).hex() == digest:
            return code
    return "?"
