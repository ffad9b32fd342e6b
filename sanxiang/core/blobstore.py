"""Write-once, content-addressed storage of files (PDFs now, evidence originals later).

A blob is stored under its SHA-256 (``blobs/ab/cd/abcd…``) through Django's storage API,
so the local folder and S3-compatible storage behave alike. Storing the same content twice
is a no-op; existing content is never overwritten. Both SHA-256 and SM3 are recorded: SM3
for national-standard integrity checks, SHA-256 for interoperability.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage


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


# --- Streaming path for large files (evidence originals) ---------------------------------------
#
# A multi-gigabyte video never passes through memory: it is written in chunks to a temporary
# file in the staging folder while SHA-256 and SM3 are computed in the same pass, and is moved
# into its content-addressed place only once it is complete and its digests are verified.
# On the local store the move is a hard link (atomic, never overwrites); on any other storage
# backend (S3-compatible object storage, see ADR 0020) the finished file is handed to
# ``storage.save``, which streams it. Stored originals are made read-only and never opened for
# writing again; ``blob_hash`` re-reads them for fixity checks.

CHUNK_SIZE = 1024 * 1024
# Start writing dirty pages back every so often, so that the final fsync has little left to do
# and the page cache does not fill with one upload (the process's own memory stays flat anyway).
_WRITEBACK_EVERY = 32 * 1024 * 1024
_hash_pool: ThreadPoolExecutor | None = None
_hash_pool_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _hash_pool
    with _hash_pool_lock:
        if _hash_pool is None:
            _hash_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hash")
        return _hash_pool


class DualHasher:
    """SHA-256 and SM3 of one byte stream, fed once.

    hashlib releases the GIL on large inputs, so SM3 (the slower of the two) runs on a helper
    thread while the caller computes SHA-256 and writes the chunk: the two digests together cost
    little more than SM3 alone. Chunks must be ``bytes`` (immutable) for that reason.
    """

    __slots__ = ("_pending", "sha256", "size", "sm3")

    def __init__(self, *, sha256: Any = None, sm3: Any = None, size: int = 0) -> None:
        self.sha256 = sha256 if sha256 is not None else hashlib.sha256()
        self.sm3 = sm3 if sm3 is not None else hashlib.new("sm3")
        self.size = size
        self._pending: Future | None = None

    def update(self, data: bytes) -> None:
        if not data:
            return
        self._wait()
        if len(data) >= 64 * 1024:
            self._pending = _pool().submit(self.sm3.update, data)
        else:
            self.sm3.update(data)
        self.sha256.update(data)
        self.size += len(data)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def copy(self) -> DualHasher:
        self._wait()
        return DualHasher(sha256=self.sha256.copy(), sm3=self.sm3.copy(), size=self.size)

    def hexdigests(self) -> tuple[str, str]:
        """(SHA-256, SM3) of everything fed so far, as lowercase hex."""
        self._wait()
        return self.sha256.hexdigest(), self.sm3.hexdigest()


class OffloadedHash:
    """One more digest of the same stream (a tus per-chunk checksum), computed on a helper thread."""

    __slots__ = ("_hash", "_pending")

    def __init__(self, hash_object: Any) -> None:
        self._hash = hash_object
        self._pending: Future | None = None

    def update(self, data: bytes) -> None:
        self._wait()
        self._pending = _pool().submit(self._hash.update, data)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def digest(self) -> bytes:
        self._wait()
        return self._hash.digest()


class DigestMismatch(ValueError):
    """Content does not hash to what was declared; nothing was stored."""

    def __init__(self, algorithm: str, expected: str, actual: str) -> None:
        super().__init__(f"{algorithm} mismatch: expected {expected}, got {actual}")
        self.algorithm = algorithm
        self.expected = expected
        self.actual = actual


def staging_dir() -> Path:
    """Where partial files are written: local disk, by default inside MEDIA_ROOT (same volume,
    so the final move is a rename-like hard link)."""
    configured = getattr(settings, "SANXIANG_STAGING_DIR", None) or os.environ.get(
        "SANXIANG_STAGING_DIR"
    )
    path = Path(configured) if configured else Path(settings.MEDIA_ROOT) / "staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_writeback(fd: int, start: int, end: int) -> None:
    """Ask the kernel to write back (and drop from cache) ``[start, end)`` of a file we wrote."""
    if hasattr(os, "posix_fadvise") and end > start:
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, start, end - start, os.POSIX_FADV_DONTNEED)


def write_hashed(
    chunks: Iterable[bytes], handle: BinaryIO, hasher: DualHasher, *, limit: int | None = None
) -> int:
    """Append ``chunks`` to ``handle`` while hashing; return the bytes written.

    Raises ValueError once more than ``limit`` bytes arrive (the excess is not written).
    """
    written = 0
    since_writeback = 0
    position = handle.tell()
    for chunk in chunks:
        if not chunk:
            continue
        if limit is not None and written + len(chunk) > limit:
            raise ValueError("stream is longer than its declared size")
        chunk = bytes(chunk)
        hasher.update(chunk)
        handle.write(chunk)
        written += len(chunk)
        since_writeback += len(chunk)
        if since_writeback >= _WRITEBACK_EVERY:
            handle.flush()
            start_writeback(handle.fileno(), position, position + written)
            since_writeback = 0
    handle.flush()
    hasher.hexdigests()  # join the helper thread before the caller looks at the digests
    return written


def read_chunks(handle: BinaryIO, size: int | None = None, chunk_size: int = CHUNK_SIZE):
    """Yield ``size`` bytes (or everything) from ``handle`` in chunks."""
    remaining = size
    while remaining is None or remaining > 0:
        want = chunk_size if remaining is None else min(chunk_size, remaining)
        chunk = handle.read(want)
        if not chunk:
            return
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk


def hash_local_file(path: Path | str, size: int | None = None) -> DualHasher:
    """Digests of the first ``size`` bytes (or all) of a local file, in one pass."""
    hasher = DualHasher()
    with open(path, "rb") as handle:
        for chunk in read_chunks(handle, size):
            hasher.update(chunk)
    hasher.hexdigests()
    return hasher


def _is_local(storage: Storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def blob_commit_file(
    temp_path: Path, *, sha256: str, sm3: str, size: int, keep_source: bool = False
) -> BlobRef:
    """Move a complete, verified temporary file into its content-addressed place.

    The caller has hashed the file while writing it and compared the digests with what was
    declared. The temporary file is gone afterwards, unless ``keep_source`` (the caller removes
    it once its own records are committed, so an interrupted completion can be retried).
    Storing content that is already stored leaves the existing object untouched (write-once).
    """
    path = blob_path(sha256)
    storage = default_storage
    if os.path.getsize(temp_path) != size:
        raise ValueError("temporary file does not have the verified size")
    if _is_local(storage):
        target = Path(storage.path(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp_path, "rb") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temp_path, target)  # atomic and never replaces an existing file
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_into_storage(storage, temp_path, path)
        else:
            os.chmod(target, 0o444)
            _fsync_dir(target.parent)
    else:
        _copy_into_storage(storage, temp_path, path)
    if not keep_source:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
    return BlobRef(path=path, sha256=sha256, sm3=sm3, size=size)


def _copy_into_storage(storage: Storage, temp_path: Path, path: str) -> None:
    if storage.exists(path):
        return
    with open(temp_path, "rb") as handle:
        saved = storage.save(path, File(handle, name=path))
    if saved != path:  # a concurrent writer stored the same content first
        storage.delete(saved)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def blob_put_stream(
    chunks: Iterable[bytes],
    *,
    expected_sha256: str | None = None,
    expected_sm3: str | None = None,
    max_size: int | None = None,
) -> BlobRef:
    """Store a stream of any size once: written to a temporary file while hashed, verified
    against the expected digests (if given), then moved into place. Raises
    :class:`DigestMismatch` (or ValueError past ``max_size``) and stores nothing on error."""
    fd, name = tempfile.mkstemp(dir=staging_dir(), prefix="put-", suffix=".part")
    temp_path = Path(name)
    try:
        hasher = DualHasher()
        with os.fdopen(fd, "wb") as handle:
            write_hashed(chunks, handle, hasher, limit=max_size)
            os.fsync(handle.fileno())
        sha256, sm3 = hasher.hexdigests()
        for algorithm, expected, actual in (
            ("sha256", expected_sha256, sha256),
            ("sm3", expected_sm3, sm3),
        ):
            if expected and expected.lower() != actual:
                raise DigestMismatch(algorithm, expected.lower(), actual)
        return blob_commit_file(temp_path, sha256=sha256, sm3=sm3, size=hasher.size)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp_path.unlink()


def blob_open(path: str) -> File:
    """A read-only handle on a stored blob (seekable on the local store)."""
    return default_storage.open(path, "rb")


def blob_size(path: str) -> int:
    return default_storage.size(path)


def blob_exists(path: str) -> bool:
    return default_storage.exists(path)


def blob_local_path(path: str) -> Path | None:
    """The file on disk behind a blob on the local store, else None."""
    if _is_local(default_storage):
        return Path(default_storage.path(path))
    return None


def blob_hash(path: str) -> tuple[str, str, int]:
    """(SHA-256, SM3, size) of a stored blob, re-read in one streaming pass."""
    hasher = DualHasher()
    with blob_open(path) as handle:
        for chunk in read_chunks(handle):
            hasher.update(chunk)
    sha256, sm3 = hasher.hexdigests()
    return sha256, sm3, hasher.size


def blob_iter_paths(prefix: str = "blobs") -> Iterator[str]:
    """Every stored object under ``prefix`` (for finding untracked files)."""
    directories, files = (
        default_storage.listdir(prefix) if default_storage.exists(prefix) else ([], [])
    )
    for name in sorted(files):
        yield f"{prefix}/{name}"
    for directory in sorted(directories):
        yield from blob_iter_paths(f"{prefix}/{directory}")
