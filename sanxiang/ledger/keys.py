"""The deployment's checkpoint signing keys: files in ``SANXIANG_KEY_DIR``, never the database.

Why files: a checkpoint is only worth something if whoever can rewrite the database cannot
also re-sign the rewritten log. Keeping the private keys outside the database (a directory
readable by the application account only, ideally on another volume or an HSM later) means a
database administrator — or an attacker with SQL access — holds no signing key.

There is one SM2 key (GM/T 0003, the national algorithm supervisory bodies expect) and one
Ed25519 key (what the transparency-log ecosystem verifies). Both sign every checkpoint under
the same key name, the log's origin (``SANXIANG_LEDGER_ORIGIN``), as c2sp.org/tlog-checkpoint
recommends; their key IDs differ because the signature type is part of the ID.

Keys are created only by :func:`ensure_keys` (``manage.py ledger_keys``), never silently on
first use: a mis-mounted key directory must fail loudly rather than start signing with a new
key that nobody holding the old verifier keys would accept.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import secrets
from .checkpoint import Checkpoint as TreeHead
from .checkpoint import NoteError, NoteSigner, NoteVerifier, parse_note
from .signing import (
    ED25519,
    PRIVATE_SUFFIX,
    PUBLIC_SUFFIX,
    SM2,
    SigningKey,
    generate_signing_key,
    load_signing_key,
    load_verifying_key,
    write_key_pair,
)

__all__ = [
    "KEY_FILES",
    "PublishedKey",
    "RetiredKey",
    "clear_caches",
    "current_verifiers",
    "ensure_keys",
    "key_dir",
    "key_name",
    "missing_keys",
    "note_signers",
    "note_verifiers",
    "published_keys",
    "remember_checkpoint",
    "remembered_checkpoint",
    "retired_keys",
    "verifier_key_file",
]

# algorithm -> file stem in the key directory; SM2 first: it is the primary signature.
KEY_FILES = {SM2: "ledger-sm2", ED25519: "ledger-ed25519"}
ALGORITHM_LABELS = {
    SM2: gettext_lazy("SM2（GM/T 0003，SM3 摘要）"),
    ED25519: gettext_lazy("Ed25519（RFC 8032）"),
}


def key_dir() -> Path:
    return Path(settings.SANXIANG_KEY_DIR)


def key_name() -> str:
    """The signed-note key name of both keys: the log's origin."""
    return settings.SANXIANG_LEDGER_ORIGIN


def missing_keys() -> list[str]:
    """Algorithms whose private key file is not in the key directory."""
    directory = key_dir()
    return [
        alg
        for alg, stem in KEY_FILES.items()
        if not (directory / f"{stem}{PRIVATE_SUFFIX}").exists()
    ]


def ensure_keys() -> list[str]:
    """Generate the keys that are missing (idempotent); return the algorithms generated.

    ``write_key_pair`` opens the private file with ``O_EXCL``, so two processes racing here
    cannot overwrite each other's key: the loser keeps the winner's.
    """
    from . import cosignature, rotation

    created = []
    secrets.ensure_mac_key(key_dir())  # the MAC key of secret columns (ADR 0061)
    rotation.finish_pending()
    cosignature.ensure_witness_key()  # the witness key (ADR 0191), its own Ed25519 key
    if missing_keys() and rotation.has_rotated():
        raise ImproperlyConfigured(
            _("密钥目录中已有密钥更替记录，但缺少当前签名密钥：请检查密钥目录是否挂载正确。")
        )
    for algorithm in missing_keys():
        try:
            write_key_pair(generate_signing_key(algorithm), key_dir(), KEY_FILES[algorithm])
        except FileExistsError:
            continue
        created.append(algorithm)
    return created


def _file_stamp(path: Path) -> tuple[str, int]:
    return str(path), path.stat().st_mtime_ns


@functools.lru_cache(maxsize=8)
def _load_private(stamp: tuple[str, int]) -> SigningKey:
    # Cached by path and mtime: building an SM2 key costs a scalar multiplication in Python.
    return load_signing_key(stamp[0])


def note_signers() -> list[NoteSigner]:
    """Signers for checkpoints, SM2 first; refuses to sign when a key is missing."""
    missing = missing_keys()
    if missing:
        raise ImproperlyConfigured(
            _("缺少检查点签名密钥（%(algs)s），请先运行 manage.py ledger_keys。")
            % {"algs": "、".join(missing)}
        )
    directory = key_dir()
    return [
        NoteSigner(key_name(), _load_private(_file_stamp(directory / f"{stem}{PRIVATE_SUFFIX}")))
        for stem in KEY_FILES.values()
    ]


def clear_caches() -> None:
    _load_private.cache_clear()


def note_verifiers() -> list[NoteVerifier]:
    """Verifiers from the *public* key files only: what an outside checker would hold.

    The current keys and every retired generation's (ADR 0190): older checkpoints, receipts
    and packages keep verifying after a rotation; how far a retired key reaches is checked by
    ``rotation.epoch_problem``.
    """
    from . import rotation

    verifiers = current_verifiers()
    for generation in rotation.retired_generations():
        verifiers += [v for v in generation.verifiers if v not in verifiers]
    return verifiers


def current_verifiers() -> list[NoteVerifier]:
    """The verifiers of the keys that sign from now on."""
    directory = key_dir()
    verifiers = []
    for stem in KEY_FILES.values():
        path = directory / f"{stem}{PUBLIC_SUFFIX}"
        if path.exists():
            verifiers.append(NoteVerifier(key_name(), load_verifying_key(path)))
    return verifiers


@dataclass(frozen=True)
class PublishedKey:
    """A verifier key as shown on the transparency page and in the API."""

    algorithm: str
    label: str
    name: str
    key_id: str
    vkey: str
    pem: str


def published_keys() -> list[PublishedKey]:
    directory = key_dir()
    keys = []
    for algorithm, stem in KEY_FILES.items():
        path = directory / f"{stem}{PUBLIC_SUFFIX}"
        if not path.exists():
            continue
        verifier = NoteVerifier(key_name(), load_verifying_key(path))
        keys.append(
            PublishedKey(
                algorithm=algorithm,
                label=str(ALGORITHM_LABELS[algorithm]),
                name=verifier.name,
                key_id=f"{verifier.key_id:08x}",
                vkey=verifier.vkey(),
                pem=path.read_text(encoding="ascii"),
            )
        )
    return keys


@dataclass(frozen=True)
class RetiredKey:
    """A verifier key retired by a rotation statement, valid up to ``last_size``."""

    number: int
    last_size: int
    key_id: str
    vkey: str


def retired_keys() -> list[RetiredKey]:
    from . import rotation

    return [
        RetiredKey(
            number=generation.number,
            last_size=generation.last_size,
            key_id=f"{verifier.key_id:08x}",
            vkey=verifier.vkey(),
        )
        for generation in rotation.retired_generations()
        for verifier in generation.verifiers
    ]


def verifier_key_file() -> str:
    """The key file ``tools/sanxiang_verify.py --key`` reads: one verifier key a line.

    Retired keys follow the current ones, so what was signed before a rotation still
    verifies; the standalone verifier limits them only when given the statements
    (``--rotation``), the platform always (``rotation.epoch_problem``)."""
    lines = [f"# {_('账本来源')} {key_name()}"]
    for key in published_keys():
        lines += [f"# {key.label}", key.vkey]
    for retired in retired_keys():
        lines += [
            "# "
            + _("已停用（第 %(number)s 次密钥更替，仅对树大小不超过 %(size)s 的检查点有效）")
            % {"number": retired.number, "size": retired.last_size},
            retired.vkey,
        ]
    return "\n".join(lines) + "\n"


# --- the last signed checkpoint, kept beside the keys -------------------------------------------

REMEMBERED_CHECKPOINT = "checkpoint-latest.txt"


def remembered_checkpoint() -> str | None:
    """The last checkpoint this deployment signed, as kept outside the database, if any.

    Signing checks the log against it as well as against the database's checkpoints, so
    deleting the checkpoint rows does not get a rewritten log a fresh signature.
    """
    path = key_dir() / REMEMBERED_CHECKPOINT
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def remember_checkpoint(note: str, size: int) -> None:
    """Keep ``note`` as the last signed checkpoint unless a larger one is kept already."""
    current = remembered_checkpoint()
    if current is not None:
        try:
            if TreeHead.parse(parse_note(current)[0]).size > size:
                return
        except NoteError:
            pass  # unreadable: replace it
    path = key_dir() / REMEMBERED_CHECKPOINT
    temporary = path.with_suffix(".tmp")
    temporary.write_text(note, encoding="utf-8")
    os.replace(temporary, path)
