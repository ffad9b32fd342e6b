"""真实性 (authenticity): every original is the file the ledger recorded when it was made.

For each original (and the volume PDF) the check re-hashes the stored bytes (SHA-256 and SM3,
one streaming pass) and compares them with two records: the digests the archive's description
carries (``StoredFile``) and those written in the ledger event that recorded the file
(``document.issue`` → ``pdf_sha256``/``pdf_sm3``, ``recording.create`` → ``sha256``/``sm3``;
any event of the object with a ``<prefix>sha256`` and ``<prefix>sm3`` pair counts, the newest
wins). A database row can be edited; the ledger entry cannot without breaking the tree, so the
entry is then proved included in a *signed* checkpoint: the entry body is re-hashed to its
leaf, the RFC 9162 inclusion proof is checked against the checkpoint's root, and the
checkpoint's signatures against the deployment's public keys. When the newest entries are not
covered yet, a fresh checkpoint is signed first.

``inclusion_evidence`` returns the same proof as a dict (the shape ``tools/sanxiang_verify.py``
reads), for the transfer package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from sanxiang.archive.spec import LedgerRef
from sanxiang.ledger import keys
from sanxiang.ledger.checkpoint import NoteError, open_checkpoint
from sanxiang.ledger.merkle import ProofError, verify_inclusion
from sanxiang.ledger.models import Checkpoint, LedgerEntry
from sanxiang.ledger.selectors import checkpoint_latest, inclusion_proof_get
from sanxiang.ledger.services import LedgerInconsistentError, checkpoint_sign, ledger_hasher

from .files import ReadFile
from .report import Finding


@dataclass(frozen=True)
class RecordedDigest:
    """The ledger entry that recorded an original's digests."""

    seq: int
    action: str
    sha256: str
    sm3: str


def _digest_pairs(details: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in details.items():
        if key.endswith("sha256") and isinstance(value, str):
            sm3 = details.get(key[: -len("sha256")] + "sm3")
            if isinstance(sm3, str):
                pairs.append((value.lower(), sm3.lower()))
    return pairs


def recorded_digest(ref: LedgerRef, sha256: str = "") -> RecordedDigest | None:
    """The newest ledger event of ``ref`` that records a file digest pair.

    When one event records several pairs (a unit event naming several files), the pair whose
    SHA-256 is ``sha256`` is taken, else the first.
    """
    entries = LedgerEntry.objects.filter(
        object_type=ref.object_type, object_id=str(ref.object_id)
    ).order_by("-seq")
    for entry in entries.only("seq", "action", "body").iterator():
        try:
            details = json.loads(entry.body).get("details") or {}
        except (ValueError, AttributeError):
            continue
        pairs = _digest_pairs(details) if isinstance(details, dict) else []
        if pairs:
            chosen = next((p for p in pairs if p[0] == sha256.lower()), pairs[0])
            return RecordedDigest(entry.seq, entry.action, *chosen)
    return None


def covering_checkpoint(max_seq: int) -> tuple[Checkpoint | None, bool]:
    """The newest signed checkpoint, signing a fresh one when it does not reach ``max_seq``."""
    latest = checkpoint_latest()
    if max_seq and (latest is None or latest.tree_size < max_seq):
        return checkpoint_sign(), True
    return latest, False


def inclusion_evidence(ledger_ref: LedgerRef, *, tree_size: int | None = None) -> dict[str, Any]:
    """Proof that the entry recording ``ledger_ref``'s file digest is in a signed checkpoint.

    Keys: ``seq``, ``leaf_index``, ``tree_size``, ``hash`` (the ledger's hash name),
    ``leaf_hash`` and ``proof`` (hex), ``entry`` (the canonical entry body), ``checkpoint``
    (the signed note text), ``object_type``, ``object_id``, ``sha256``, ``sm3``. Signs a
    checkpoint first when none covers the entry yet. Raises LookupError when no ledger entry
    recorded a digest for the object.
    """
    recorded = recorded_digest(ledger_ref)
    if recorded is None:
        raise LookupError(_("账本中没有记录该文件摘要的事项。"))
    if tree_size is None:
        checkpoint, _signed = covering_checkpoint(recorded.seq)
        tree_size = checkpoint.tree_size if checkpoint else None
    evidence = inclusion_proof_get(seq=recorded.seq, tree_size=tree_size)
    evidence.update(
        seq=recorded.seq,
        object_type=ledger_ref.object_type,
        object_id=str(ledger_ref.object_id),
        sha256=recorded.sha256,
        sm3=recorded.sm3,
    )
    return evidence


def verify_evidence(evidence: dict[str, Any], root: bytes) -> str:
    """'' when ``evidence`` proves its entry body under ``root``; else what is wrong, in words."""
    hasher = ledger_hasher()
    leaf = hasher.leaf(evidence["entry"].encode("utf-8"))
    if leaf.hex() != evidence["leaf_hash"]:
        return _("账本记录的内容与其叶哈希不符（账本记录被改动）")
    try:
        verify_inclusion(
            hasher,
            evidence["leaf_index"],
            evidence["tree_size"],
            leaf,
            [bytes.fromhex(h) for h in evidence["proof"]],
            root,
        )
    except (ProofError, ValueError) as exc:
        return _("包含证明不能推出签名检查点的根哈希（%(e)s）") % {"e": exc}
    return ""


@dataclass
class AuthenticityResult:
    findings: list[Finding]
    proofs: dict[str, dict[str, Any]]
    checkpoint_size: int | None
    checkpoint_signed_now: bool
    checkpoint_note: str


def check(files: list[ReadFile]) -> AuthenticityResult:
    """Compare each file's bytes with its description and its ledger entry, and prove the entry."""
    findings: list[Finding] = []
    recorded: dict[str, RecordedDigest] = {}
    for target in files:
        found = recorded_digest(target.stored.ledger, target.stored.sha256)
        if found is None:
            findings.append(
                Finding(
                    False,
                    target.label,
                    _("账本中没有记录该文件摘要的事项，无法证明其真实性"),
                    "not_ledgered",
                    target.ref,
                )
            )
        else:
            recorded[target.ref] = found
    try:
        checkpoint, signed_now = covering_checkpoint(
            max((r.seq for r in recorded.values()), default=0)
        )
    except (LedgerInconsistentError, ImproperlyConfigured) as exc:
        checkpoint, signed_now = checkpoint_latest(), False
        findings.append(
            Finding(
                False,
                _("签名检查点"),
                _("无法签署新的检查点（%(e)s）") % {"e": exc},
                "checkpoint_unsigned",
                "unit",
            )
        )
    root = None
    note = checkpoint.note if checkpoint else ""
    if checkpoint is not None:
        try:
            root = open_checkpoint(note, keys.note_verifiers()).root_hash
        except NoteError as exc:
            findings.append(
                Finding(
                    False,
                    _("签名检查点"),
                    _("检查点签名无法用本系统公布的公钥验证（%(e)s）") % {"e": exc},
                    "checkpoint_signature",
                    "unit",
                )
            )
    proofs: dict[str, dict[str, Any]] = {}
    for target in files:
        found = recorded.get(target.ref)
        if found is None:
            continue
        findings.append(_compare(target, found))
        if checkpoint is None or root is None:
            continue
        if found.seq > checkpoint.tree_size:
            findings.append(
                Finding(
                    False,
                    target.label,
                    _("账本第 %(seq)s 号记录尚未被签名检查点覆盖，无法给出包含证明")
                    % {"seq": found.seq},
                    "not_covered",
                    target.ref,
                )
            )
            continue
        evidence = inclusion_proof_get(seq=found.seq, tree_size=checkpoint.tree_size)
        problem = verify_evidence(evidence, root)
        if problem:
            findings.append(Finding(False, target.label, problem, "proof_failed", target.ref))
            continue
        evidence.pop("checkpoint", None)  # kept once, in the report's facts
        evidence.update(seq=found.seq, sha256=found.sha256, sm3=found.sm3)
        proofs[target.ref] = evidence
        findings.append(
            Finding(
                True,
                target.label,
                _("账本第 %(seq)s 号记录已包含在签名检查点（树大小 %(size)s）中，包含证明验证通过")
                % {"seq": found.seq, "size": checkpoint.tree_size},
                "proved",
                target.ref,
            )
        )
    return AuthenticityResult(
        findings=findings,
        proofs=proofs,
        checkpoint_size=checkpoint.tree_size if checkpoint else None,
        checkpoint_signed_now=signed_now,
        checkpoint_note=note,
    )


def _compare(target: ReadFile, found: RecordedDigest) -> Finding:
    stored = target.stored
    if not target.readable:
        return Finding(
            False,
            target.label,
            _("无法读取原件（%(e)s），不能核对摘要") % {"e": target.error},
            "unreadable",
            target.ref,
        )
    actual = (target.sha256, target.sm3)
    if actual != (found.sha256, found.sm3):
        return Finding(
            False,
            target.label,
            _(
                "原件内容已改变：重新计算的摘要（SHA-256 %(now)s…）与账本第 %(seq)s 号记录"
                "登记的摘要（SHA-256 %(then)s…）不一致"
            )
            % {"now": target.sha256[:16], "then": found.sha256[:16], "seq": found.seq},
            "digest_mismatch",
            target.ref,
        )
    if actual != (stored.sha256.lower(), stored.sm3.lower()) or target.size != stored.size:
        return Finding(
            False,
            target.label,
            _("档案登记的摘要或大小与原件不一致（原件与账本一致，档案登记信息有误）"),
            "description_mismatch",
            target.ref,
        )
    return Finding(
        True,
        target.label,
        _("SHA-256 与 SM3 摘要与账本第 %(seq)s 号记录一致") % {"seq": found.seq},
        "digest_ok",
        target.ref,
    )
