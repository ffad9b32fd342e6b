"""Ed25519 cosignatures (c2sp.org/tlog-cosignature, ``cosignature/v1``) and the witness key.

A cosignature is a signed-note signature line on a checkpoint whose key ID uses signature
type 0x04 and whose payload is ``key ID || u64 timestamp || Ed25519(message)``, the message
being ``"cosignature/v1\\ntime <timestamp>\\n"`` followed by the checkpoint body. It says: as
of that time, this is the largest consistent tree head the witness has seen for the log.

The witness key is its own Ed25519 key in the key directory (``witness-ed25519``), not the
checkpoint key: the spec forbids reusing a key across cosigners, and a rotation of the log's
keys must not change the witness's identity.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import struct
from dataclasses import dataclass

from django.conf import settings

from . import keys
from .checkpoint import NoteError, parse_note
from .signing import (
    PRIVATE_SUFFIX,
    Ed25519SigningKey,
    Ed25519VerifyingKey,
    load_signing_key,
    write_key_pair,
)

__all__ = [
    "COSIGNATURE_TYPE",
    "WITNESS_KEY_STEM",
    "CosignatureVerifier",
    "cosign",
    "ensure_witness_key",
    "witness_name",
    "witness_verifier",
]

COSIGNATURE_TYPE = b"\x04"
WITNESS_KEY_STEM = "witness-ed25519"
_HEADER = "cosignature/v1\n"


def witness_name() -> str:
    """The witness's key name: a schema-less URL-like name (``SANXIANG_WITNESS_NAME``)."""
    return getattr(settings, "SANXIANG_WITNESS_NAME", "") or (
        f"{settings.SANXIANG_LEDGER_ORIGIN}/witness"
    )


def _message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"{_HEADER}time {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness public key under its name, as configured by the log that asks it."""

    name: str
    public_bytes: bytes

    @property
    def key_id(self) -> int:
        digest = hashlib.sha256(
            self.name.encode() + b"\n" + COSIGNATURE_TYPE + self.public_bytes
        ).digest()
        return int.from_bytes(digest[:4], "big")

    def vkey(self) -> str:
        blob = base64.b64encode(COSIGNATURE_TYPE + self.public_bytes).decode()
        return f"{self.name}+{self.key_id:08x}+{blob}"

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("malformed witness key")
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise NoteError("malformed witness key") from exc
        if not blob.startswith(COSIGNATURE_TYPE) or len(blob) != 33:
            raise NoteError("not an Ed25519 cosignature key")
        verifier = cls(parts[0], blob[1:])
        if f"{verifier.key_id:08x}" != parts[1]:
            raise NoteError("witness key ID does not match its name and key")
        return verifier

    def timestamp_of(self, checkpoint_text: str, line: str) -> int | None:
        """The cosignature's time if ``line`` is this witness's valid cosignature, else None."""
        prefix = f"— {self.name} "
        if not line.startswith(prefix):
            return None
        try:
            payload = base64.b64decode(line[len(prefix) :].strip(), validate=True)
        except ValueError:
            return None
        if len(payload) != 4 + 8 + 64 or int.from_bytes(payload[:4], "big") != self.key_id:
            return None
        (timestamp,) = struct.unpack(">Q", payload[4:12])
        key = Ed25519VerifyingKey(self.public_bytes)
        if not key.verify(_message(checkpoint_text, timestamp), payload[12:]):
            return None
        return timestamp


def ensure_witness_key() -> None:
    """Create the witness key beside the ledger keys if it is missing (idempotent)."""
    if not (keys.key_dir() / f"{WITNESS_KEY_STEM}{PRIVATE_SUFFIX}").exists():
        with contextlib.suppress(FileExistsError):
            write_key_pair(Ed25519SigningKey.generate(), keys.key_dir(), WITNESS_KEY_STEM)


def _witness_key() -> Ed25519SigningKey:
    key = load_signing_key(keys.key_dir() / f"{WITNESS_KEY_STEM}{PRIVATE_SUFFIX}")
    assert isinstance(key, Ed25519SigningKey)
    return key


def witness_verifier() -> CosignatureVerifier | None:
    """This instance's witness key as the logs it witnesses configure it (None: no key yet)."""
    if not (keys.key_dir() / f"{WITNESS_KEY_STEM}{PRIVATE_SUFFIX}").exists():
        return None
    return CosignatureVerifier(witness_name(), _witness_key().verifying_key.public_bytes)


def cosign(note: str, timestamp: int) -> str:
    """The cosignature line (with its newline) of this witness on the checkpoint in ``note``."""
    text, _signatures = parse_note(note)
    key = _witness_key()
    verifier = CosignatureVerifier(witness_name(), key.verifying_key.public_bytes)
    payload = (
        verifier.key_id.to_bytes(4, "big")
        + struct.pack(">Q", timestamp)
        + key.sign(_message(text, timestamp))
    )
    return f"— {verifier.name} {base64.b64encode(payload).decode()}\n"
