"""Appending to the ledger: the one write path every app uses inside its own transaction.

``ledger_append`` runs in the caller's transaction, so a failed append rolls back the
business change with it, and a rolled-back business change leaves no event behind.
Appends are serialised — an advisory lock on PostgreSQL, an IMMEDIATE transaction on
SQLite (see settings) — so sequence numbers and the tree can never fork.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.core.audit import current as current_audit

from .canonical import canonical_json
from .hashing import Hasher, get_hasher
from .merkle import Frontier, NodeID
from .models import LedgerEntry, TreeNode

ADVISORY_LOCK_KEY = 0x53414E58  # "SANX"


def ledger_hasher() -> Hasher:
    return get_hasher(getattr(settings, "SANXIANG_LEDGER_HASH", "sm3"))


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def canonical_content(obj: models.Model) -> dict[str, Any]:
    """The fields of a row that its digest covers: every concrete column except volatile ones.

    A model lists columns that legitimately change outside services (``last_login``) in
    ``ledger_excluded_fields``; everything else changing without a ledger event is tampering.
    """
    excluded = set(getattr(obj, "ledger_excluded_fields", ()))
    return {
        field.attname: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.attname not in excluded and field.name not in excluded
    }


def object_digest(obj: models.Model) -> str:
    return ledger_hasher().hash(canonical_json(canonical_content(obj))).hex()


def read_nodes(ids: Sequence[NodeID]) -> list[bytes]:
    """Batch reader of stored perfect-subtree hashes, in the order asked for."""
    if not ids:
        return []
    query = models.Q()
    for level, index in ids:
        query |= models.Q(level=level, index=index)
    found = {
        (level, index): bytes(node_hash)
        for level, index, node_hash in TreeNode.objects.filter(query).values_list(
            "level", "index", "hash"
        )
    }
    return [found[node_id] for node_id in ids]


def tree_size() -> int:
    return LedgerEntry.objects.aggregate(size=Max("seq"))["size"] or 0


def _lock_log() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def entry_body(
    *,
    seq: int,
    recorded_at: datetime.datetime,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    digest: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    audit = current_audit()
    return {
        "seq": seq,
        "time": recorded_at,
        "actor_id": getattr(actor, "pk", None),
        "actor": (getattr(actor, "full_name", "") or getattr(actor, "username", ""))
        if actor
        else "系统",
        "agency_id": getattr(actor, "agency_id", None),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_digest": digest,
        "details": details,
        "context": audit.as_details(),
    }


@transaction.atomic
def ledger_append(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    digest: str = "",
    details: dict[str, Any] | None = None,
) -> LedgerEntry:
    """Record one event about ``obj`` (or an explicit object reference) and extend the tree."""
    hasher = ledger_hasher()
    if obj is not None:
        object_type, object_id = object_type_of(obj), str(obj.pk)
        digest = object_digest(obj)
    _lock_log()
    size = tree_size()
    seq = size + 1
    recorded_at = timezone.now()
    body = entry_body(
        seq=seq,
        recorded_at=recorded_at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        digest=digest,
        details=details or {},
    )
    body_bytes = canonical_json(body)
    leaf_hash = hasher.leaf(body_bytes)
    frontier = Frontier.load(hasher, size, read_nodes)
    _, completed = frontier.append(hasher, leaf_hash)
    entry = LedgerEntry.objects.create(
        seq=seq,
        recorded_at=recorded_at,
        actor_id=body["actor_id"],
        actor_name=body["actor"],
        agency_id=body["agency_id"],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_digest=digest,
        body=body_bytes.decode("utf-8"),
        leaf_hash=leaf_hash,
    )
    TreeNode.objects.bulk_create(
        [TreeNode(level=n.level, index=n.index, hash=n.hash) for n in completed]
    )
    return entry
