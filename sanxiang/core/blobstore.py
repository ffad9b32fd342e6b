"""Write-once, content-addressed storage of files (PDFs now, evidence originals later).

A blob is stored under its SHA-256 (``blobs/ab/cd/abcd…``) through Django's storage API,
so the local folder and S3-compatible storage behave alike. Storing the same content twice
is a no-op; existing content is never overwritten. Both SHA-256 and SM3 are recorded: SM3
for national-standard integrity checks, SHA-256 for interoperability.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


@dataclass(frozen=True)
class BlobRef:
    path: str
    sha256: str
    sm3: str
    size: int


def blob_path(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def digests(data: bytes) -> tuple[str, str]:
    return hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest()


def blob_put(data: bytes) -> BlobRef:
    """Store ``data`` once; return where it is and what it hashes to."""
    sha256, sm3 = digests(data)
    path = blob_path(sha256)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # a concurrent writer stored the same content first
            default_storage.delete(saved)
    return BlobRef(path=path, sha256=sha256, sm3=sm3, size=len(data))


def blob_read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def blob_verify(ref_path: str, sha256: str) -> bool:
    """Whether the stored content still hashes to what was recorded (fixity)."""
    if not default_storage.exists(ref_path):
        return False
    digest = hashlib.sha256()
    with default_storage.open(ref_path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == sha256
