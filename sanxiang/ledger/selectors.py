"""Reads of the ledger: an object's history, entries, checkpoints and Merkle proofs.

The ledger is one log for the whole agency tree — a proof needs the whole tree — but an
entry's *body* (actor, client address, details) is read only by those who may read the record
it names, through that app's own rule (``sanxiang.core.readable``, ADR 0065); an entry that
names no record follows its actor's agency scope. Checkpoints, verifier keys, consistency
proofs and inclusion proofs with the leaf hash are public: they hold hashes only.

Proofs come out as exactly the JSON objects ``tools/sanxiang_verify.py`` reads, with the
signed checkpoint(s) they are checked against, so a proof can be handed over as a file.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanxiang.core.readable import in_agency_scope, may_read

from .merkle import consistency_proof, inclusion_proof
from .models import Checkpoint, LedgerEntry
from .services import ledger_hasher, object_type_of, read_nodes

FULL = object()  # the operator's command line: every body (``ledger_prove``)


class LedgerLookupError(LookupError):
    """What was asked for does not exist (404) or is not covered by a checkpoint yet (409)."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def object_history(obj: models.Model) -> QuerySet[LedgerEntry]:
    """Who did what to ``obj`` and when, oldest first."""
    return LedgerEntry.objects.filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    ).order_by("seq")


def checkpoint_list() -> QuerySet[Checkpoint]:
    """Every signed checkpoint, newest (largest) first."""
    return Checkpoint.objects.order_by("-tree_size", "-id")


def checkpoint_latest() -> Checkpoint | None:
    return checkpoint_list().first()


def checkpoint_get(*, tree_size: int) -> Checkpoint:
    """The latest checkpoint signed at ``tree_size``."""
    checkpoint = checkpoint_list().filter(tree_size=tree_size).first()
    if checkpoint is None:
        raise LedgerLookupError(_("没有树大小为 %(size)s 的检查点。") % {"size": tree_size})
    return checkpoint


def entry_readable(user: Any, entry: LedgerEntry) -> bool:
    """ADR 0065: the body of ``entry`` is readable exactly when the record it names is readable
    by ``user`` through its app's rule; an entry naming no record follows its actor's agency."""
    if entry.object_type:
        return may_read(user, entry.object_type, entry.object_id)
    return in_agency_scope(user, entry.agency_id)


def _entry(seq: int) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(seq=seq).first()


def entry_get(*, seq: int, user: Any) -> LedgerEntry:
    """The entry ``seq`` if ``user`` may read it; otherwise the same answer as for a missing one."""
    entry = _entry(seq)
    if entry is None or not entry_readable(user, entry):
        raise LedgerLookupError(
            _("账本中没有序号为 %(seq)s 的记录，或您无权查看该记录。") % {"seq": seq}
        )
    return entry


def _covering_checkpoint(seq: int, tree_size: int | None) -> Checkpoint:
    if tree_size is not None:
        checkpoint = checkpoint_get(tree_size=tree_size)
        if seq > checkpoint.tree_size:
            raise LedgerLookupError(
                _("序号 %(seq)s 不在树大小为 %(size)s 的检查点内。")
                % {"seq": seq, "size": tree_size},
                status=422,
            )
        return checkpoint
    checkpoint = checkpoint_latest()
    if checkpoint is None or checkpoint.tree_size < seq:
        raise LedgerLookupError(
            _("序号 %(seq)s 的记录尚未被已签署的检查点覆盖，请在下一个检查点签署后再取证明。")
            % {"seq": seq},
            status=409,
        )
    return checkpoint


def inclusion_proof_get(
    *, seq: int, tree_size: int | None = None, user: Any = FULL
) -> dict[str, Any]:
    """Inclusion proof of entry ``seq`` in the checkpoint of ``tree_size`` (default: latest).

    Leaf index is ``seq - 1``. The stored body and leaf hash are returned as they are, so a
    tampered entry yields a proof that fails, rather than a proof of something recomputed.
    Anyone may have the proof with the leaf hash; the body (``entry``) is included only for a
    ``user`` who may read the entry (ADR 0065) — or, for the operator's command line, ``FULL``.
    """
    entry = _entry(seq)
    if entry is None:
        raise LedgerLookupError(_("账本中没有序号为 %(seq)s 的记录。") % {"seq": seq})
    checkpoint = _covering_checkpoint(seq, tree_size)
    hasher = ledger_hasher()
    proof = inclusion_proof(hasher, seq - 1, checkpoint.tree_size, read_nodes)
    result = {
        "hash": hasher.name,
        "leaf_index": seq - 1,
        "tree_size": checkpoint.tree_size,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
        "proof": [node.hex() for node in proof],
        "checkpoint": checkpoint.note,
    }
    if user is FULL or entry_readable(user, entry):
        result["entry"] = entry.body
    return result


def consistency_proof_get(*, old_size: int, new_size: int) -> dict[str, Any]:
    """Proof that the checkpoint of ``new_size`` extends the one of ``old_size`` unchanged."""
    if old_size > new_size:
        raise LedgerLookupError(_("旧树大小不能大于新树大小。"), status=422)
    old = checkpoint_get(tree_size=old_size)
    new = checkpoint_get(tree_size=new_size)
    hasher = ledger_hasher()
    proof = consistency_proof(hasher, old_size, new_size, read_nodes)
    return {
        "hash": hasher.name,
        "old_checkpoint": old.note,
        "new_checkpoint": new.note,
        "proof": [node.hex() for node in proof],
    }
