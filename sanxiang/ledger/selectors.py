"""Reads of the ledger: an object's history, entries, checkpoints and Merkle proofs.

The ledger is one log for the whole agency tree — a proof needs the whole tree — so its
reads are not cut by agency scope: the API lets any signed-in staff member read entries and
proofs, and entries hold identifiers and digests only, never personal data. Checkpoints and
verifier keys are public by design.

Proofs come out as exactly the JSON objects ``tools/sanxiang_verify.py`` reads, with the
signed checkpoint(s) they are checked against, so a proof can be handed over as a file.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .merkle import consistency_proof, inclusion_proof
from .models import Checkpoint, LedgerEntry
from .services import ledger_hasher, object_type_of, read_nodes


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


def entry_get(*, seq: int) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(seq=seq).first()
    if entry is None:
        raise LedgerLookupError(_("账本中没有序号为 %(seq)s 的记录。") % {"seq": seq})
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


def inclusion_proof_get(*, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """Inclusion proof of entry ``seq`` in the checkpoint of ``tree_size`` (default: latest).

    Leaf index is ``seq - 1``. The stored body and leaf hash are returned as they are, so a
    tampered entry yields a proof that fails, rather than a proof of something recomputed.
    """
    entry = entry_get(seq=seq)
    checkpoint = _covering_checkpoint(seq, tree_size)
    hasher = ledger_hasher()
    proof = inclusion_proof(hasher, seq - 1, checkpoint.tree_size, read_nodes)
    return {
        "hash": hasher.name,
        "leaf_index": seq - 1,
        "tree_size": checkpoint.tree_size,
        "entry": entry.body,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
        "proof": [node.hex() for node in proof],
        "checkpoint": checkpoint.note,
    }


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
