"""Checkpoint key rotation: a new key pair announced by a statement the old keys sign.

Why a statement and not just new keys on the page: whoever saved the old verifier keys must be
able to move to the new ones without trusting the web page that shows them. The statement —
a C2SP signed note — names the old and the new verifier keys and the size of the last
checkpoint the old keys signed; it carries the signatures of the old keys (the agency that
held them announces the change) and of the new keys (they are held by the one announcing).
``tools/sanxiang_verify.py --rotation`` walks a chain of such statements from the keys one
trusts; the transparency page and ``keys.txt`` keep the retired keys, with their limit.

A retired key stays valid for checkpoints up to the size in its statement and no further:
a checkpoint beyond that size that only a retired key signed is reported by ``ledger_verify``
(someone holding an old private key forging a newer head).

Files in the key directory (``SANXIANG_KEY_DIR``), never the database::

    rotations/0001.txt            the signed statement (public)
    retired/0001/ledger-*.pub     the retired verifier keys (public)
    retired/0001/ledger-*.key     the retired private keys: take them offline after rotation

The order of the steps makes a crash safe: the statement and the new pair are written to
``rotations/NNNN.pending/`` first; only then are the old files moved to ``retired/`` and the
new ones into place. :func:`finish_pending` completes a rotation cut off half-way, and
``ensure_keys`` refuses to make fresh keys while a rotation is pending or after any rotation
(a missing key then is a mis-mounted directory, not a first start).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from . import keys
from .checkpoint import NoteError, NoteSigner, NoteVerifier, open_note, sign_note
from .signing import PRIVATE_SUFFIX, PUBLIC_SUFFIX, generate_signing_key, write_key_pair

__all__ = [
    "STATEMENT_HEADER",
    "KeyRotationError",
    "RetiredGeneration",
    "epoch_problem",
    "finish_pending",
    "invalid_statements",
    "retired_generations",
    "rotate_keys",
    "statement_text",
    "statements",
]

STATEMENT_HEADER = "sanxiang/key-rotation/v1"
ROTATIONS = "rotations"
RETIRED = "retired"
_NUMBER = re.compile(r"^(\d{4})\.txt$")


class KeyRotationError(RuntimeError):
    """The rotation could not be made (no keys, a pending one, an unreadable statement)."""


@dataclass(frozen=True)
class RetiredGeneration:
    """Keys retired by statement ``number``: valid for checkpoints of size ≤ ``last_size``."""

    number: int
    last_size: int
    verifiers: tuple[NoteVerifier, ...]
    statement: str


def statement_text(
    *, number: int, last_size: int, old: list[NoteVerifier], new: list[NoteVerifier]
) -> str:
    """The statement's body: one field a line, the keys in verifier-key (vkey) form."""
    lines = [
        STATEMENT_HEADER,
        f"origin {keys.key_name()}",
        f"sequence {number}",
        f"last-size {last_size}",
        *(f"old {verifier.vkey()}" for verifier in old),
        *(f"new {verifier.vkey()}" for verifier in new),
    ]
    return "".join(f"{line}\n" for line in lines)


def parse_statement(text: str) -> dict[str, Any]:
    """Fields of a statement body; raises :class:`NoteError` on anything unexpected."""
    lines = text[:-1].split("\n") if text.endswith("\n") else []
    if len(lines) < 6 or lines[0] != STATEMENT_HEADER:
        raise NoteError("not a key rotation statement")
    fields: dict[str, Any] = {"old": [], "new": []}
    for line in lines[1:]:
        name, _sep, value = line.partition(" ")
        if name in ("old", "new"):
            fields[name].append(NoteVerifier.from_vkey(value))
        elif name in ("origin", "sequence", "last-size") and name not in fields:
            fields[name] = value
        else:
            raise NoteError(f"unexpected statement line {line!r}")
    if not fields["old"] or not fields["new"] or len(fields) != 5:
        raise NoteError("incomplete key rotation statement")
    if not fields["sequence"].isdigit() or not fields["last-size"].isdigit():
        raise NoteError("malformed statement numbers")
    return fields


def _directory() -> Path:
    return keys.key_dir()


def statements() -> list[tuple[int, str]]:
    """The published statements, oldest first: ``(number, signed note)``."""
    folder = _directory() / ROTATIONS
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NUMBER.match(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path.read_text(encoding="utf-8")))
    return sorted(found)


def retired_generations() -> list[RetiredGeneration]:
    """Every retired key generation with its limit, read from its statement.

    Each statement must verify with its own old keys (those in ``retired/NNNN/``): a statement
    edited on disk is left out here (its keys are then not trusted at all) rather than
    silently widening an old key's validity; ``ledger_verify`` reports it
    (:func:`invalid_statements`).
    """
    return [g for g in _generations() if isinstance(g, RetiredGeneration)]


def invalid_statements() -> list[str]:
    """Why each statement on disk that does not verify was left out."""
    return [str(g) for g in _generations() if isinstance(g, KeyRotationError)]


def _generations() -> list[RetiredGeneration | KeyRotationError]:
    generations: list[RetiredGeneration | KeyRotationError] = []
    for number, note in statements():
        folder = _directory() / RETIRED / f"{number:04d}"
        verifiers = [
            NoteVerifier(keys.key_name(), keys.load_verifying_key(path))
            for path in sorted(folder.glob(f"*{PUBLIC_SUFFIX}"))
        ]
        try:
            fields = parse_statement(open_note(note, verifiers).text)
        except (NoteError, ValueError) as exc:
            generations.append(
                KeyRotationError(
                    _("密钥更替声明 %(number)04d 无法用其旧公钥验证（%(error)s）。")
                    % {"number": number, "error": exc}
                )
            )
            continue
        generations.append(
            RetiredGeneration(
                number=number,
                last_size=int(fields["last-size"]),
                verifiers=tuple(fields["old"]),
                statement=note,
            )
        )
    return generations


def has_rotated() -> bool:
    directory = _directory()
    return (directory / ROTATIONS).is_dir() and any((directory / ROTATIONS).iterdir())


def _pending() -> list[Path]:
    folder = _directory() / ROTATIONS
    return sorted(folder.glob("*.pending")) if folder.is_dir() else []


def finish_pending() -> int | None:
    """Complete a rotation cut off after its statement was written; return its number."""
    pending = _pending()
    if not pending:
        return None
    folder = pending[-1]
    number = int(folder.name.split(".")[0])
    directory = _directory()
    retired = directory / RETIRED / f"{number:04d}"
    retired.mkdir(parents=True, exist_ok=True)
    for stem in keys.KEY_FILES.values():
        for suffix in (PUBLIC_SUFFIX, PRIVATE_SUFFIX):
            current, new = directory / f"{stem}{suffix}", folder / f"{stem}{suffix}"
            if new.exists():
                if current.exists():
                    os.replace(current, retired / current.name)
                os.replace(new, current)
    os.replace(folder / "statement.txt", directory / ROTATIONS / f"{number:04d}.txt")
    folder.rmdir()
    return number


def rotate_keys(*, actor: Any = None) -> tuple[int, str]:
    """Retire the current checkpoint keys for a new pair; return ``(number, statement)``.

    A checkpoint is signed with the old keys first, so the boundary is exact: every
    checkpoint up to ``last-size`` carries an old signature, every later one a new one. The
    rotation is a ledger event (``ledger.key_rotated``) with the statement's SHA-256 and the
    new key IDs, so the log itself records when the keys changed and who changed them.
    """
    from .services import checkpoint_sign, ledger_append

    if _pending():
        raise KeyRotationError(_("上一次密钥更替尚未完成，请先运行 manage.py ledger_keys。"))
    if keys.missing_keys():
        raise KeyRotationError(_("缺少当前签名密钥，无法更替。"))
    old_signers = keys.note_signers()
    checkpoint = checkpoint_sign(actor=actor, only_if_grown=True)
    if checkpoint is None:
        from .models import Checkpoint

        checkpoint = Checkpoint.objects.order_by("-tree_size", "-id").first()
    last_size = checkpoint.tree_size if checkpoint else 0
    number = len(statements()) + 1
    new_keys = {stem: generate_signing_key(alg) for alg, stem in keys.KEY_FILES.items()}
    new_signers = [NoteSigner(keys.key_name(), key) for key in new_keys.values()]
    text = statement_text(
        number=number,
        last_size=last_size,
        old=[signer.verifier for signer in old_signers],
        new=[signer.verifier for signer in new_signers],
    )
    note = sign_note(text, old_signers + new_signers)
    staging = _directory() / ROTATIONS / f"{number:04d}.pending"
    staging.mkdir(parents=True)
    for stem, key in new_keys.items():
        write_key_pair(key, staging, stem)
    (staging / "statement.txt").write_text(note, encoding="utf-8")
    finish_pending()
    keys.clear_caches()
    with transaction.atomic():
        ledger_append(
            actor=actor,
            action="ledger.key_rotated",
            object_type="ledger.keys",
            object_id=settings.SANXIANG_LEDGER_ORIGIN,
            details={
                "sequence": number,
                "last_size": last_size,
                "statement_sha256": hashlib.sha256(note.encode("utf-8")).hexdigest(),
                "new_key_ids": [f"{signer.verifier.key_id:08x}" for signer in new_signers],
            },
        )
    return number, note


def epoch_problem(note: str, size: int) -> str | None:
    """Why a checkpoint of ``size`` may not rest on the keys that signed ``note``, if so.

    Accepted: a signature by a current key, or by a retired key whose statement's
    ``last-size`` is at least ``size``. A newer head signed only by retired keys is what
    someone who kept an old private key could forge; it is reported, not trusted.
    """
    generations = retired_generations()
    if not generations:
        return None
    current = {verifier.key_id for verifier in keys.current_verifiers()}
    limits: dict[int, int] = {}
    for generation in generations:
        for verifier in generation.verifiers:
            limits[verifier.key_id] = generation.last_size
    opened = open_note(note, keys.note_verifiers())
    for signature in opened.signatures:
        if signature.key_id in current or limits.get(signature.key_id, -1) >= size:
            return None
    return _("仅由已停用的签名密钥签署，而树大小 %(size)s 超出了该密钥停用时的范围。") % {
        "size": size
    }
