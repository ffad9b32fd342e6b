"""This instance as a witness of other instances' logs (c2sp.org/tlog-witness; ADR 0191).

A national bureau's instance witnesses each province's log: a province sends each new
checkpoint with a consistency proof from the last one this witness cosigned; the witness
checks the log's signature and the proof, keeps the new head and returns its cosignature.
A checkpoint of a size already seen with another root (a split view) or one whose proof does
not hold is refused, and the refusal is kept as evidence (:class:`WitnessConflict`, a ledger
event, listed on the public transparency page).

Checking the old size and storing the new head happen under a row lock in one transaction,
as the spec requires (two racing submissions must not roll the head back).
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .checkpoint import NoteError, NoteVerifier, open_checkpoint
from .cosignature import cosign, ensure_witness_key
from .hashing import get_hasher
from .merkle import ProofError, verify_consistency
from .models import WitnessConflict, WitnessedLog
from .services import ledger_append

__all__ = ["WitnessReply", "add_checkpoint", "register_log"]

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class WitnessReply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _parse_verifiers(text: str) -> list[NoteVerifier]:
    lines = [line.strip() for line in text.splitlines()]
    return [NoteVerifier.from_vkey(line) for line in lines if line and not line.startswith("#")]


@transaction.atomic
def register_log(
    *, origin: str, name: str, verifier_keys: str, hash_name: str = "sm3", actor: Any = None
) -> WitnessedLog:
    """Start witnessing the log ``origin`` signed by ``verifier_keys`` (its keys.txt)."""
    try:
        verifiers = _parse_verifiers(verifier_keys)
        get_hasher(hash_name)
    except (NoteError, ValueError) as exc:
        raise ValueError(_("公钥或哈希算法无效：%(error)s") % {"error": exc}) from exc
    if not verifiers or any(v.name != origin for v in verifiers):
        raise ValueError(_("公钥文件中须有该账本来源名下的公钥。"))
    ensure_witness_key()
    log, _created = WitnessedLog.objects.update_or_create(
        origin=origin,
        defaults={"name": name, "verifier_keys": verifier_keys, "hash_name": hash_name},
    )
    ledger_append(actor=actor, action="witness.log_register", obj=log)
    return log


def _parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    text = body.decode("utf-8")
    split = text.find("\n\n")
    if split < 0:
        raise ValueError("no empty line before the checkpoint")
    header, note = text[: split + 1].split("\n")[:-1], text[split + 2 :]
    if not header or not header[0].startswith("old "):
        raise ValueError("missing old size line")
    old = header[0].removeprefix("old ")
    if not _DECIMAL.fullmatch(old) or len(header) - 1 > MAX_PROOF_LINES:
        raise ValueError("bad old size or too many proof lines")
    proof = [base64.b64decode(line, validate=True) for line in header[1:]]
    return int(old), proof, note


def _conflict(log: WitnessedLog, kind: str, note: str) -> None:
    conflict = WitnessConflict.objects.create(
        log=log,
        kind=kind,
        seen_size=log.tree_size,
        seen_root=bytes(log.root_hash),
        submitted_note=note,
    )
    ledger_append(actor=None, action="witness.conflict", obj=conflict)


def add_checkpoint(body: bytes) -> WitnessReply:
    """Handle one ``add-checkpoint`` request; the status codes are the spec's."""
    try:
        old, proof, note = _parse_request(body)
    except (UnicodeDecodeError, ValueError) as exc:
        return WitnessReply(400, f"bad request: {exc}\n")
    origin = note.split("\n", 1)[0]
    with transaction.atomic():
        log = WitnessedLog.objects.select_for_update().filter(origin=origin).first()
        if log is None:
            return WitnessReply(404, "unknown log\n")
        try:
            head = open_checkpoint(note, _parse_verifiers(log.verifier_keys))
        except NoteError as exc:
            return WitnessReply(403, f"checkpoint not signed by the log's keys: {exc}\n")
        if old > head.size:
            return WitnessReply(400, "old size is larger than the checkpoint\n")
        if old != log.tree_size:
            return WitnessReply(409, f"{log.tree_size}\n", SIZE_CONTENT_TYPE)
        seen_root = bytes(log.root_hash)
        if old == head.size and old > 0:
            if head.root_hash != seen_root:
                _conflict(log, WitnessConflict.Kind.SPLIT_VIEW, note)
                return WitnessReply(409, f"{log.tree_size}\n", SIZE_CONTENT_TYPE)
        elif old == 0:
            if proof:
                return WitnessReply(422, "a proof from size 0 must be empty\n")
        else:
            try:
                hasher = get_hasher(log.hash_name)
                verify_consistency(hasher, old, head.size, proof, seen_root, head.root_hash)
            except ProofError:
                _conflict(log, WitnessConflict.Kind.BAD_PROOF, note)
                return WitnessReply(422, "consistency proof does not verify\n")
        log.tree_size, log.root_hash = head.size, head.root_hash
        log.cosigned_at = timezone.now()
        log.save(update_fields=["tree_size", "root_hash", "cosigned_at"])
        ledger_append(
            actor=None,
            action="witness.cosign",
            obj=log,
            details={"tree_size": head.size, "root_hash": head.root_hash.hex()},
        )
        return WitnessReply(200, cosign(note, int(time.time())))
