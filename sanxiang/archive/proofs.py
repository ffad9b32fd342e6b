"""Ledger evidence for an archived original: the entry that recorded its digest, and the proof.

An original (an issued PDF, a recording) is authentic when the ledger entry that recorded its
digest at the time is in the signed log. This module finds that entry among the ledger
object's events (``document.issue`` records ``pdf_sha256``/``pdf_sm3`` in its details,
``recording.create`` ``sha256``/``sm3``; any later event that records the digest will do) and
returns its inclusion proof in exactly the JSON ``tools/sanxiang_verify.py inclusion`` reads,
through the same selector the public proof API uses (``ledger.selectors.inclusion_proof_get``).

Which entry recorded the digest and the covering checkpoint come from the 四性检测's
authenticity check, so the package and the check prove the same entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.ledger import selectors
from sanxiang.ledger.models import Checkpoint, LedgerEntry

from .checks.authenticity import covering_checkpoint as checks_covering_checkpoint
from .checks.authenticity import recorded_digest
from .spec import LedgerRef, StoredFile

DigestPath = tuple[str, ...]


class EvidenceMissing(LookupError):
    """No ledger entry records this original's digest: it cannot be proven, so not exported."""


@dataclass(frozen=True)
class LedgerEvidence:
    """The entry that recorded a file's digest, and where in the entry body the digest is."""

    entry: LedgerEntry
    digest_paths: dict[str, DigestPath]  # {"sha256": ("details", "pdf_sha256"), "sm3": (...)}


def _find_paths(value: Any, wanted: dict[str, str], path: DigestPath) -> dict[str, DigestPath]:
    found: dict[str, DigestPath] = {}
    if isinstance(value, dict):
        for key, child in value.items():
            for algorithm, child_path in _find_paths(child, wanted, (*path, key)).items():
                found.setdefault(algorithm, child_path)
    elif isinstance(value, str):
        for algorithm, digest in wanted.items():
            if value.lower() == digest:
                found[algorithm] = path
    return found


def ledger_evidence(file: StoredFile) -> LedgerEvidence:
    """The event of ``file.ledger`` that recorded the file's digests — the newest event that
    records a digest pair, as the 四性检测 reads it (``checks.authenticity.recorded_digest``),
    and it must name this file's SHA-256 and SM3."""
    recorded = recorded_digest(file.ledger, file.sha256)
    if recorded is None or (recorded.sha256, recorded.sm3) != (
        file.sha256.lower(),
        file.sm3.lower(),
    ):
        raise EvidenceMissing(
            _("账本中没有记录“%(name)s”摘要值的条目，无法证明其真实性。")
            % {"name": file.name or file.path}
        )
    entry = LedgerEntry.objects.get(seq=recorded.seq)
    wanted = {"sha256": recorded.sha256, "sm3": recorded.sm3}
    paths = _find_paths(json.loads(entry.body).get("details"), wanted, ("details",))
    return LedgerEvidence(entry=entry, digest_paths=paths)


def covering_checkpoint(max_seq: int) -> Checkpoint:
    """The latest signed checkpoint, signing a fresh one first if it does not cover ``max_seq``."""
    checkpoint, _signed = checks_covering_checkpoint(max_seq)
    assert checkpoint is not None and checkpoint.tree_size >= max_seq
    return checkpoint


def inclusion_evidence(ref: LedgerRef, *, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """Inclusion proof of entry ``seq`` (about ``ref``) with the entry body and checkpoint.

    The dict is the verifier's inclusion-proof JSON (hash, leaf_index, tree_size, entry,
    leaf_hash, proof, checkpoint) plus the ledger object and ``seq``; extra keys are ignored
    by ``sanxiang_verify inclusion``, so each proof file verifies on its own too.
    """
    proof = selectors.inclusion_proof_get(seq=seq, tree_size=tree_size, user=selectors.FULL)
    return {**proof, "object_type": ref.object_type, "object_id": ref.object_id, "seq": seq}
