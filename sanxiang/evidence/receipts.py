"""Signed upload receipts: "stored and verified, safe to wipe the device".

A receipt is a C2SP signed note (the format of the ledger's checkpoints) signed with the
deployment's SM2 and Ed25519 keys, so the docking station — or anyone holding the published
verifier keys — can check it offline with ``tools/sanxiang_verify.py``'s note verifier. Its SM3
digest is written into the ledger with the upload's completion event.

Text (every line ``key value``; the first line names the format)::

    sanxiang-evidence-receipt v1
    origin <ledger origin>
    upload <upload id>
    recording <record number>
    file <file name>
    type <content type>
    size <bytes>
    sha256 <hex>
    sm3 <hex>
    stored-at <ISO 8601 time, UTC>
    stored-by <user name>
    verdict stored-and-verified
    advice safe-to-wipe-device
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings

from sanxiang.ledger import keys
from sanxiang.ledger.checkpoint import Note, open_note, sign_note

RECEIPT_FORMAT = "sanxiang-evidence-receipt v1"


def receipt_text(
    *,
    upload_id: str,
    recording_number: str,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
    sm3: str,
    stored_at: datetime.datetime,
    stored_by: str,
) -> str:
    lines = [
        RECEIPT_FORMAT,
        f"origin {settings.SANXIANG_LEDGER_ORIGIN}",
        f"upload {upload_id}",
        f"recording {recording_number}",
        f"file {filename}",
        f"type {content_type}",
        f"size {size}",
        f"sha256 {sha256}",
        f"sm3 {sm3}",
        f"stored-at {stored_at.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"stored-by {stored_by}",
        "verdict stored-and-verified",
        "advice safe-to-wipe-device",
    ]
    return "".join(f"{line}\n" for line in lines)


def receipt_sign(text: str) -> tuple[str, str]:
    """The signed note and its SM3 digest (hex)."""
    note = sign_note(text, keys.note_signers())
    return note, hashlib.new("sm3", note.encode("utf-8")).hexdigest()


def receipt_fields(text: str) -> dict[str, str]:
    lines = text.rstrip("\n").split("\n")
    if not lines or lines[0] != RECEIPT_FORMAT:
        raise ValueError("not an evidence receipt")
    return dict(line.split(" ", 1) for line in lines[1:])


def receipt_open(note: str) -> tuple[Note, dict[str, str]]:
    """Verify a receipt with this deployment's public keys; raise NoteError if it does not."""
    opened = open_note(note, keys.note_verifiers())
    return opened, receipt_fields(opened.text)
