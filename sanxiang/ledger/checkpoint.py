"""Signed checkpoints: C2SP tlog-checkpoint bodies inside C2SP signed notes.

A hash chain alone does not stop an administrator who recomputes every hash; what does is a
signed tree head that leaves the database (published on the portal, sent to the superior
agency). The standard text formats are used so that outside tools can check them:

Checkpoint body (c2sp.org/tlog-checkpoint)::

    <origin>\\n<tree size, decimal>\\n<base64 root hash>\\n[<extension line>\\n ...]

Signed note (c2sp.org/signed-note): the body, a blank line, then one line per signature::

    — <key name> <base64(4-byte big-endian key ID || signature)>\\n

The key ID is ``SHA-256(key name || 0x0A || signature type || public key)[:4]`` and a published
*verifier key* is ``<key name>+<8 hex digit key ID>+<base64(signature type || public key)>``
(the encoding of Go's golang.org/x/mod/sumdb/note).

Signature types:

* Ed25519 — type byte ``0x01`` as assigned by the signed-note spec; 32-byte public key;
  signature is RFC 8032 over the note text.
* SM2 — the spec assigns no byte to SM2. It reserves ``0xff`` for unassigned signature types,
  "RECOMMENDED … followed by a longer identifier that is unlikely to collide". This ledger's SM2
  type is therefore the 20 bytes ``0xff || "sanxiang/sm2-sm3-v1"`` (ASCII). "v1" fixes: public
  key 65 bytes ``04 || x || y`` on the SM2 recommended curve; signature 64 bytes ``r || s``
  (big-endian) per GM/T 0003.2 over ``SM3(Z_A || note text)`` with the default user ID
  ``"1234567812345678"``. Key ID and verifier key use the whole 20-byte type, e.g.
  ``key ID = SHA-256(name || 0x0A || 0xff || "sanxiang/sm2-sm3-v1" || 04 || x || y)[:4]``.

The root hash is whatever hash the log uses (SM3 by default, see ``hashing``); the checkpoint
format does not say which, so it is published with the verifier key.

Verification follows the spec: signatures by unknown keys are ignored, a signature by a known
key that fails to verify rejects the whole note, and at least one known key must have signed.
"""

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .signing import (
    ED25519,
    SM2,
    Ed25519VerifyingKey,
    SigningKey,
    SM2VerifyingKey,
    VerifyingKey,
)

__all__ = [
    "ED25519_SIGNATURE_TYPE",
    "MAX_SIGNATURES",
    "SM2_SIGNATURE_TYPE",
    "Checkpoint",
    "Note",
    "NoteError",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_note",
    "sign_checkpoint",
    "sign_note",
]

ED25519_SIGNATURE_TYPE = b"\x01"
SM2_SIGNATURE_TYPE = b"\xff" + b"sanxiang/sm2-sm3-v1"
_SIGNATURE_TYPES = {ED25519: ED25519_SIGNATURE_TYPE, SM2: SM2_SIGNATURE_TYPE}

MAX_SIGNATURES = 100  # the spec requires accepting at least 16; Go's note package allows 100
_SIG_PREFIX = "— "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class NoteError(ValueError):
    """A note or checkpoint is malformed or does not verify."""


def _b64decode(text: str) -> bytes:
    """Strict standard base64: padding required, no stray bits, no other characters."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise NoteError("invalid base64") from exc
    if base64.b64encode(data).decode() != text:
        raise NoteError("non-canonical base64")
    return data


def _check_key_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise NoteError(f"invalid key name {name!r}")


def _check_text(text: str) -> None:
    if not text.endswith("\n") or _CONTROL.search(text):
        raise NoteError("note text must end with a newline and contain no control characters")


def key_id(name: str, key: VerifyingKey) -> int:
    """Signed-note key ID: ``SHA-256(name || 0x0A || type || public key)[:4]`` as uint32."""
    digest = hashlib.sha256(
        name.encode() + b"\n" + _SIGNATURE_TYPES[key.algorithm] + key.public_bytes
    ).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, key ID and the raw signature (without the key ID)."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        payload = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_SIG_PREFIX}{self.name} {base64.b64encode(payload).decode()}\n"


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A trusted public key under a key name."""

    name: str
    key: VerifyingKey

    def __post_init__(self) -> None:
        _check_key_name(self.name)

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.key)

    def vkey(self) -> str:
        """Verifier key text ``<name>+<hex key ID>+<base64(type || public key)>`` to publish."""
        blob = _SIGNATURE_TYPES[self.key.algorithm] + self.key.public_bytes
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(blob).decode()}"

    @classmethod
    def from_vkey(cls, vkey: str) -> "NoteVerifier":
        """Parse a verifier key; the key ID must match the name and key it claims."""
        parts = vkey.split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteError("malformed verifier key")
        name, id_hex, blob_b64 = parts
        blob = _b64decode(blob_b64)
        key_type: type[VerifyingKey]
        if blob.startswith(ED25519_SIGNATURE_TYPE):
            key_type, public_bytes = Ed25519VerifyingKey, blob[len(ED25519_SIGNATURE_TYPE) :]
        elif blob.startswith(SM2_SIGNATURE_TYPE):
            key_type, public_bytes = SM2VerifyingKey, blob[len(SM2_SIGNATURE_TYPE) :]
        else:
            raise NoteError("verifier key has an unknown signature type")
        try:
            key = key_type(public_bytes)
        except ValueError as exc:
            raise NoteError(f"malformed verifier key: {exc}") from exc
        verifier = cls(name, key)
        if verifier.key_id != int(id_hex, 16):
            raise NoteError("verifier key ID does not match its name and public key")
        return verifier


@dataclass(frozen=True, slots=True)
class NoteSigner:
    """A signing key under a key name (the log's key name should equal its origin)."""

    name: str
    key: SigningKey

    def __post_init__(self) -> None:
        _check_key_name(self.name)

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.key.verifying_key)

    def sign(self, text: str) -> NoteSignature:
        return NoteSignature(self.name, self.verifier.key_id, self.key.sign(text.encode()))


@dataclass(frozen=True, slots=True)
class Note:
    """An opened note: its text, the signatures verified, and those by unknown keys."""

    text: str
    signatures: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """Signed note of ``text`` (which must end with a newline) by every signer, in order."""
    _check_text(text)
    if not signers:
        raise ValueError("at least one signer is required")
    return text + "\n" + "".join(signer.sign(text).line() for signer in signers)


def parse_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into text and signatures without verifying anything."""
    if _CONTROL.search(note) or not note.endswith("\n"):
        raise NoteError("malformed note")
    split = note.rfind("\n\n")
    if split < 0 or split + 2 == len(note):
        raise NoteError("note has no signature lines")
    text, block = note[: split + 1], note[split + 2 : -1]
    lines = block.split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError(f"malformed signature line {line!r}")
        name, _, payload_b64 = line.removeprefix(_SIG_PREFIX).partition(" ")
        _check_key_name(name)
        payload = _b64decode(payload_b64)
        if len(payload) < 5:
            raise NoteError("signature too short")
        signatures.append(NoteSignature(name, int.from_bytes(payload[:4], "big"), payload[4:]))
    return text, signatures


def open_note(note: str, verifiers: Iterable[NoteVerifier]) -> Note:
    """Parse ``note`` and verify it against trusted ``verifiers``; raise :class:`NoteError`."""
    text, signatures = parse_note(note)
    known: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        if known.setdefault(slot, verifier) != verifier:
            raise NoteError(f"ambiguous key {verifier.name}+{verifier.key_id:08x}")
    message = text.encode()
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    for sig in dict.fromkeys(signatures):  # drop exact duplicates, keep order
        signer = known.get((sig.name, sig.key_id))
        if signer is None:
            unverified.append(sig)
        elif signer.key.verify(message, sig.signature):
            verified.append(sig)
        else:
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_id:08x}")
    if not verified:
        raise NoteError("note has no verifiable signatures")
    return Note(text, tuple(verified), tuple(unverified))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: log origin, tree size, root hash and optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            if not line or "\n" in line or _CONTROL.search(line):
                raise NoteError(f"invalid checkpoint line {line!r}")
        if self.size < 0 or not self.root_hash:
            raise NoteError("invalid checkpoint size or root hash")

    def body(self) -> str:
        root = base64.b64encode(self.root_hash).decode()
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), root, *self.extensions)
        )

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        _check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not _DECIMAL.fullmatch(lines[1]):
            raise NoteError("malformed checkpoint body")
        return cls(lines[0], int(lines[1]), _b64decode(lines[2]), tuple(lines[3:]))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> str:
    return sign_note(checkpoint.body(), signers)


def open_checkpoint(note: str, verifiers: Iterable[NoteVerifier]) -> Checkpoint:
    """Verify a signed checkpoint note and parse its body."""
    return Checkpoint.parse(open_note(note, verifiers).text)
