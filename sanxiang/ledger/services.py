"""Writes to the ledger: appending events (every app, inside its own transaction) and
signing checkpoints.

``ledger_append`` runs in the caller's transaction, so a failed append rolls back the
business change with it, and a rolled-back business change leaves no event behind.
Appends are serialised — an advisory lock on PostgreSQL, an IMMEDIATE transaction on
SQLite (see settings) — so sequence numbers and the tree can never fork.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.audit import current as current_audit
from sanxiang.core.permissions import require_role
from sanxiang.core.stepup import check_ledger_action
from sanxiang.org.roles import ORG_ADMIN_ROLES

from . import coverage, keys, lag
from .canonical import canonical_json
from .checkpoint import Checkpoint as TreeHead
from .checkpoint import NoteError, open_checkpoint, sign_checkpoint
from .hashing import Hasher, get_hasher
from .merkle import (
    Frontier,
    NodeID,
    ProofError,
    consistency_proof,
    root_at,
    verify_consistency,
)
from .models import Checkpoint, LedgerEntry, TreeNode
from .secrets import column_mac

ADVISORY_LOCK_KEY = 0x53414E58  # "SANX"


def ledger_hasher() -> Hasher:
    return get_hasher(getattr(settings, "SANXIANG_LEDGER_HASH", "sm3"))


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def canonical_content(
    obj: models.Model,
    *,
    excluded: Sequence[str] | None = None,
    secret: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The fields of a row that its digest covers: every concrete column except volatile ones.

    A model lists columns that legitimately change outside services (``last_login``) in
    ``ledger_excluded_fields``; everything else changing without a ledger event is tampering.
    Values are taken as the database gives them back (see :func:`_as_stored`), so the digest
    a service records from the object in hand equals the one ``verify`` recomputes from the
    row later. ``excluded`` overrides the model's list (a migration holds a historical model,
    which has no such attribute); so does ``secret`` the columns that enter as a keyed MAC
    (``ledger_secret_fields``, ADR 0061).
    """
    if excluded is None:
        excluded = getattr(obj, "ledger_excluded_fields", ())
    excluded = set(excluded)
    if secret is None:
        secret = getattr(obj, "ledger_secret_fields", ())
    secret = set(secret)
    content = {}
    for field in obj._meta.concrete_fields:
        if field.attname in excluded or field.name in excluded:
            continue
        value = _as_stored(field, field.value_from_object(obj))
        if field.attname in secret:
            value = column_mac(
                object_type_of(obj), obj.pk, field.attname, value, hash_name=ledger_hasher().name
            )
        content[field.attname] = value
    return content


def _as_stored(field: models.Field, value: Any) -> Any:
    """``value`` as it reads back from the column: ``Decimal(30)`` is ``30.0`` in a
    ``decimal_places=1`` column, ``"5"`` is ``5`` in an integer one, a file is its name."""
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    if value is None:
        return None
    try:
        value = field.to_python(value)
    except ValidationError:
        return value  # services validate before saving; leave anything odd to canonical_json
    if isinstance(field, models.DecimalField) and value is not None:
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def object_digest(
    obj: models.Model,
    *,
    excluded: Sequence[str] | None = None,
    secret: Sequence[str] | None = None,
) -> str:
    content = canonical_content(obj, excluded=excluded, secret=secret)
    return ledger_hasher().hash(canonical_json(content)).hex()


def read_nodes(ids: Sequence[NodeID]) -> list[bytes]:
    """Batch reader of stored perfect-subtree hashes, in the order asked for: ONE query.

    The ids are grouped by level into ``level = l AND index IN (...)`` terms (about twenty
    for a million-entry log), each an index range on the (level, index) unique key, so a
    proof costs one round trip whatever the log size.
    """
    if not ids:
        return []
    by_level: dict[int, list[int]] = {}
    for level, index in ids:
        by_level.setdefault(level, []).append(index)
    query = models.Q()
    for level, indexes in by_level.items():
        query |= models.Q(level=level, index__in=indexes)
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
    actor_roles: list[str] | None = None,
) -> dict[str, Any]:
    audit = current_audit()
    context = audit.as_details()
    if actor_roles is not None:
        context["actor_roles"] = actor_roles
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
        "context": context,
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
    deleted: bool = False,
) -> LedgerEntry:
    """Record one event about ``obj`` (or an explicit object reference) and extend the tree.

    The digest is that of ``obj`` as it is now; ``deleted=True`` records its deletion (an
    empty digest), which a service appends when it deletes a covered row. When ``obj`` has
    child tables in the ledger's coverage (``coverage.CHILDREN``: its links, items, roles),
    their rows and digests are listed in ``details["rows"]``. The acting staff member's roles
    at this moment, read from the database under the log lock, go into the body's context
    (``actor_roles``): ``ledger_verify`` checks them against the roles granted in the ledger,
    so a role written into the table and removed again after use is still found.

    An action on the step-up list (ADR 0071) asked for in a request without a fresh second
    factor is refused here, before anything is appended; the caller's transaction rolls back.
    """
    check_ledger_action(action)
    hasher = ledger_hasher()
    details = dict(details or {})
    if obj is not None:
        object_type, object_id = object_type_of(obj), str(obj.pk)
        digest = "" if deleted else object_digest(obj)
        if coverage.children_of(object_type):
            details["rows"] = {} if deleted else child_rows(obj)
    _lock_log()
    actor_roles = _actor_roles(actor)
    size = tree_size()
    seq = size + 1
    recorded_at = _append_time()
    body = entry_body(
        seq=seq,
        recorded_at=recorded_at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        digest=digest,
        details=details,
        actor_roles=actor_roles,
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
    lag.note_append(seq)
    return entry


_SYSTEM_NOW = timezone.now


def _append_time() -> datetime.datetime:
    """The entry's time, read inside the append lock from the database's clock.

    With several application nodes (issue 17, item 2) their clocks differ by some
    milliseconds or worse; entries appended in sequence under one lock must not go back in
    time because the next one came from a node whose clock lags. PostgreSQL's
    ``clock_timestamp()`` is one clock for all of them. SQLite runs on one machine, whose clock
    is the database's. A simulated clock (the demo's history, ADR 0007) replaces
    ``timezone.now`` and is used as it is.
    """
    if timezone.now is not _SYSTEM_NOW or connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _actor_roles(actor: Any) -> list[str] | None:
    """The roles ``actor`` holds now, from the table (not a cached copy), or None for the system."""
    if actor is None or getattr(actor, "pk", None) is None:
        return None
    grants = getattr(actor, "role_grants", None)  # a request's user may be a lazy object
    if grants is None:
        return None
    rows = grants.model._base_manager.filter(**{grants.field.attname: actor.pk})
    return sorted(set(rows.values_list("role", flat=True)))


def child_rows(obj: models.Model) -> dict[str, dict[str, str]]:
    """Digests of ``obj``'s child rows under the coverage (``coverage.CHILDREN``), by table.

    Every child table is listed, empty or not; only the tables that hold a row are read."""
    listing: dict[str, dict[str, str]] = {}
    children = coverage.children_of(object_type_of(obj))
    holding = _tables_holding_rows_of(obj, [child for child in children if not child.via])
    for child in children:
        model = apps.get_model(child.label)
        if child.via:
            parents = [int(pk) for pk in listing.get(child.via, {})]
            rows = model._base_manager.filter(**{f"{child.fk}__in": parents}) if parents else []
        elif child.label in holding:
            rows = model._base_manager.filter(**{child.fk: obj.pk}).order_by()
        else:
            rows = []
        listing[child.label] = {
            str(row.pk): object_digest(row) for row in sorted(rows, key=lambda r: r.pk)
        }
    return listing


def _tables_holding_rows_of(obj: models.Model, children: Sequence[Any]) -> set[str]:
    """Which of the direct child tables hold a row of ``obj``, in one query.

    A catalog version has a dozen item tables and fills one; asking each table in turn cost a
    round trip per table on every event of the version."""
    if len(children) < 2:
        return {child.label for child in children}
    quote = connection.ops.quote_name
    terms = []
    for child in children:
        meta = apps.get_model(child.label)._meta
        column = meta.get_field(child.fk).column
        terms.append(f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(column)} = %s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(terms), [obj.pk] * len(children))
        flags = cursor.fetchone()
    return {child.label for child, flag in zip(children, flags, strict=True) if flag}


@transaction.atomic
def checkpoint_sign(*, actor: Any = None, only_if_grown: bool = False) -> Checkpoint | None:
    """Sign the current tree head with the SM2 and the Ed25519 key and keep the signed note.

    Nothing is appended to the ledger for it, on purpose: a checkpoint is a statement *about*
    the log (its size and root), signed and self-authenticating, not a change of business
    state. Logging it would also make the tree grow with every checkpoint, so the scheduled
    "sign when the log grew" task would never find the log idle. The row itself is as
    append-only as the entries (triggers), and its note is what gets published.

    Before signing, the log must extend the last checkpoint in the database and the last one
    kept beside the keys (see ``_require_consistent``). No log lock is needed: nodes for
    every size up to the one read are already committed, and appends never change them. ``actor`` is None for the scheduler and commands; a
    person asking for a checkpoint must be a system administrator.
    """
    if actor is not None:
        require_role(actor, ORG_ADMIN_ROLES, _("签署检查点"))
    signers = keys.note_signers()
    size = tree_size()
    latest = Checkpoint.objects.order_by("-tree_size", "-id").first()
    if only_if_grown and size <= (latest.tree_size if latest else 0):
        return None
    root = root_at(ledger_hasher(), size, read_nodes)
    for reference in ([latest.note] if latest else []) + [keys.remembered_checkpoint()]:
        if reference is not None:
            _require_consistent(reference, size, root)
    head = TreeHead(origin=settings.SANXIANG_LEDGER_ORIGIN, size=size, root_hash=root)
    checkpoint = Checkpoint.objects.create(
        tree_size=size, root_hash=root, note=sign_checkpoint(head, signers)
    )
    transaction.on_commit(lambda: keys.remember_checkpoint(checkpoint.note, size))
    return checkpoint


class LedgerInconsistentError(RuntimeError):
    """The log no longer extends the last signed checkpoint: it will not be signed."""


def _require_consistent(note: str, size: int, root: bytes) -> None:
    """c2sp.org/tlog-checkpoint: a log MUST NOT sign a checkpoint inconsistent with an earlier one.

    The earlier root is taken from its *verified* note, and the proof from the stored nodes,
    so a log rewritten in the database (hashes recomputed and all) is refused here, before
    the scheduler could lend it a fresh signature.
    """
    hasher = ledger_hasher()
    previous_size: int | str = "?"
    try:
        previous = open_checkpoint(note, keys.note_verifiers())
        previous_size = previous.size
        if previous.size > size:
            raise ProofError(f"log has {size} entries, fewer than {previous.size}")
        proof = consistency_proof(hasher, previous.size, size, read_nodes)
        verify_consistency(hasher, previous.size, size, proof, previous.root_hash, root)
    except (NoteError, ProofError, LookupError) as exc:
        raise LedgerInconsistentError(
            _(
                "账本与已签署的检查点（树大小 %(size)s）不一致，拒绝签署新检查点；"
                "请运行 manage.py ledger_verify 查明原因。（%(error)s）"
            )
            % {"size": previous_size, "error": exc}
        ) from exc
