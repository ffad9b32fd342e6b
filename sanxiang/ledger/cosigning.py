"""Asking witnesses to cosign our checkpoints, and publishing what they return (ADR 0191).

The witnesses are configured by the operator in ``SANXIANG_WITNESSES``: one entry per witness,
``<witness verifier key> <submission URL prefix>`` (the superior's instance publishes its
witness key on its transparency page). After each checkpoint the task sends it with a
consistency proof from the size the witness last cosigned — remembered from the stored
cosignatures, or learnt from its ``409`` answer — and keeps every cosignature that verifies
under the configured key. The published checkpoint (``/transparency/checkpoint.txt``) carries
them as extra signature lines, so ``sanxiang_verify --witness`` can require a quorum.
"""

from __future__ import annotations

import base64
import datetime
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max

from .checkpoint import parse_note
from .cosignature import CosignatureVerifier
from .merkle import consistency_proof
from .models import Checkpoint, Cosignature
from .services import ledger_hasher, read_nodes

__all__ = ["Witness", "cosigned_note", "request_cosignatures", "witnesses"]

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Witness:
    verifier: CosignatureVerifier
    url: str


def witnesses() -> list[Witness]:
    """The configured witnesses; a malformed entry fails loudly rather than being skipped."""
    configured = getattr(settings, "SANXIANG_WITNESSES", []) or []
    found = []
    for entry in configured:
        vkey, _sep, url = entry.strip().partition(" ")
        found.append(Witness(CosignatureVerifier.from_vkey(vkey), url.strip().rstrip("/")))
    return found


def _last_cosigned_size(witness: Witness) -> int:
    size = Cosignature.objects.filter(witness=witness.verifier.name).aggregate(
        size=Max("checkpoint__tree_size")
    )["size"]
    return size or 0


def _body(checkpoint: Checkpoint, old: int) -> bytes:
    proof = (
        consistency_proof(ledger_hasher(), old, checkpoint.tree_size, read_nodes)
        if 0 < old < checkpoint.tree_size
        else []
    )
    lines = [f"old {old}", *(base64.b64encode(node).decode() for node in proof)]
    return ("\n".join(lines) + "\n\n" + checkpoint.note).encode("utf-8")


def _post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{url}/add-checkpoint", data=body, method="POST", headers={"Content-Type": "text/plain"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _ask(witness: Witness, checkpoint: Checkpoint) -> tuple[int, str]:
    old = min(_last_cosigned_size(witness), checkpoint.tree_size)
    status, text = _post(witness.url, _body(checkpoint, old))
    if status == 409 and text.strip().isdigit() and int(text) != old:
        # The witness has seen another size (ours were lost, or it is new to us): once more.
        old = int(text)
        if old <= checkpoint.tree_size:
            status, text = _post(witness.url, _body(checkpoint, old))
    return status, text


def request_cosignatures(checkpoint: Checkpoint | None = None) -> dict[str, int]:
    """Ask every witness to cosign ``checkpoint`` (default: the latest); the HTTP status each
    answered with (0: unreachable). Cosignatures that do not verify are not kept."""
    checkpoint = checkpoint or Checkpoint.objects.order_by("-tree_size", "-id").first()
    results: dict[str, int] = {}
    if checkpoint is None:
        return results
    text, _signatures = parse_note(checkpoint.note)
    for witness in witnesses():
        name = witness.verifier.name
        try:
            status, reply = _ask(witness, checkpoint)
        except (OSError, ValueError) as exc:
            logger.warning("witness %s unreachable: %s", name, exc)
            results[name] = 0
            continue
        results[name] = status
        if status != 200:
            logger.error("witness %s refused checkpoint %s: %s", name, checkpoint.tree_size, reply)
            continue
        for line in reply.splitlines():
            timestamp = witness.verifier.timestamp_of(text, line)
            if timestamp is not None:
                Cosignature.objects.update_or_create(
                    checkpoint=checkpoint,
                    witness=name,
                    defaults={
                        "key_id": f"{witness.verifier.key_id:08x}",
                        "line": line,
                        "cosigned_at": datetime.datetime.fromtimestamp(timestamp, datetime.UTC),
                    },
                )
    return results


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint with its witnesses' cosignatures appended as signature lines."""
    lines = [c.line for c in checkpoint.cosignatures.order_by("witness")]
    return checkpoint.note + "".join(f"{line}\n" for line in lines)
