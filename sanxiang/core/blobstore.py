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
import io
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
from django.db import IntegrityError, transaction

CHUNK_SIZE = 1024 * 1024


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
    """Store ``data`` once; return where it is and what it hashes to.

    Issued document PDFs and annual-report PDFs come through here: on the local store the
    file is made read-only (0444) like evidence originals, also when it was stored before.
    """
    sha256, sm3 = digests(data)
    path = blob_path(sha256)
    if _object_store():
        if _version_row(path) is None:
            _record(path, default_storage.put_bytes(path, data), sha256, len(data))
        return BlobRef(path=path, sha256=sha256, sm3=sm3, size=len(data))
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # a concurrent writer stored the same content first
            default_storage.delete(saved)
    _make_read_only(default_storage, path)
    return BlobRef(path=path, sha256=sha256, sm3=sm3, size=len(data))


def _make_read_only(storage: Storage, path: str) -> None:
    if _is_local(storage):
        os.chmod(storage.path(path), 0o444)


def blob_is_read_only(path: str) -> bool:
    """Whether a stored blob has no write permission for anyone (local store only)."""
    if not _is_local(default_storage):
        return True  # object storage: write-once by Object Lock (ADR 0180)
    return not os.stat(default_storage.path(path)).st_mode & 0o222


def blob_read(path: str) -> bytes:
    with blob_open(path) as handle:
        return handle.read()


def blob_verify(ref_path: str, sha256: str) -> bool:
    """Whether the stored content still hashes to what was recorded (fixity)."""
    if not blob_exists(ref_path):
        return False
    return blob_hash(ref_path)[0] == sha256


# --- Object storage: the version written at ingest is the original (ADR 0180) ------------------


def _object_store():
    """The object store when originals live in one, else None."""
    return default_storage if getattr(default_storage, "is_object_store", False) else None


def _version_row(path: str):
    from sanxiang.core.models import StoredObject

    return StoredObject.objects.filter(path=path, removed_at__isnull=True).first()


def _pinned(path: str):
    row = _version_row(path)
    if row is None:
        raise FileNotFoundError(f"no stored version of {path}")
    return row


def _record(path: str, written: Any, sha256: str, size: int) -> None:
    """Remember the version id of an original just written (first writer wins)."""
    from sanxiang.core.models import StoredObject

    try:
        with transaction.atomic():
            StoredObject.objects.create(
                path=path,
                version_id=written.version_id,
                sha256=sha256,
                size=size,
                lock_mode=written.lock_mode,
                retain_until=written.retain_until,
            )
    except IntegrityError:
        # stored before (a concurrent writer, or an original removed by disposal and now
        # stored again): the row names the version written first, or is brought back.
        StoredObject.objects.filter(path=path, removed_at__isnull=False).update(
            version_id=written.version_id,
            removed_at=None,
            lock_mode=written.lock_mode,
            retain_until=written.retain_until,
        )


def blob_read_range(path: str, first: int, length: int, chunk_size: int = CHUNK_SIZE):
    """``length`` bytes of a stored blob from ``first``: a ranged GET of the pinned version on
    object storage, a seek on the local store. Never reads the whole object."""
    store = _object_store()
    if store is not None:
        yield from store.read_range(path, _pinned(path).version_id, first, length, chunk_size)
        return
    handle = default_storage.open(path, "rb")
    try:
        handle.seek(first)
        yield from read_chunks(handle, length, chunk_size)
    finally:
        handle.close()


def blob_retain(paths: Iterable[str], until: Any) -> int:
    """Switch stored originals to COMPLIANCE until ``until`` (the unit's retention end, P10).

    A no-op on the local store (its files are read-only already). Returns how many objects
    were locked. The store refuses to shorten a COMPLIANCE retention, so a second filing of
    the same object keeps the later date."""
    import datetime

    from sanxiang.core.models import StoredObject

    store = _object_store()
    if store is None or not store.object_lock:
        return 0
    if isinstance(until, datetime.date) and not isinstance(until, datetime.datetime):
        until = datetime.datetime.combine(until, datetime.time(), tzinfo=datetime.UTC)
    count = 0
    for row in StoredObject.objects.filter(path__in=set(paths), removed_at__isnull=True):
        if (
            row.lock_mode == StoredObject.LockMode.COMPLIANCE
            and row.retain_until
            and row.retain_until >= until
        ):
            continue
        store.retain(row.path, row.version_id, until)
        row.lock_mode, row.retain_until = StoredObject.LockMode.COMPLIANCE, until
        row.save(update_fields=["lock_mode", "retain_until"])
        count += 1
    return count


def blob_version_problem(path: str) -> str | None:
    """On object storage: ``"newer"`` when another version was written under the key after the
    original, ``"deleted"`` when a delete marker hides it, None when the original is what the
    key serves (or on the local store). Either way only the pinned version is ever served."""
    store = _object_store()
    row = _version_row(path) if store is not None else None
    if row is None:
        return None
    latest = store.latest(path)
    if latest.delete_marker:
        return "deleted"
    if latest.version_id != row.version_id or latest.versions > 1:
        return "newer"
    return None


def ship_staged_parts(staged: Path, *, sha256: str, offset: int) -> None:
    """On object storage, send the complete parts of a staging file whose content address is
    already declared (``sha256``) towards its place while the rest arrives (ADR 0181); a
    no-op on the local store or when that content is stored already."""
    store = _object_store()
    if store is None or not sha256:
        return
    path = blob_path(sha256.lower())
    if _version_row(path) is not None:
        return
    from sanxiang.core import shipping

    shipping.ship_ready_parts(store, staged, path, offset)


def discard_staged(staged: Path) -> None:
    """Abort what was shipped for a staging file that will not complete."""
    from sanxiang.core import shipping

    shipping.discard(_object_store(), staged)


def blob_version_id(path: str) -> str:
    """The pinned version id of an original on object storage ('' on the local store)."""
    row = _version_row(path) if _object_store() is not None else None
    return row.version_id if row is not None else ""


# --- Streaming path for large files (evidence originals) ---------------------------------------
#
# A multi-gigabyte video never passes through memory: it is written in chunks to a temporary
# file in the staging folder while SHA-256 and SM3 are computed in the same pass, and is moved
# into its content-addressed place only once it is complete and its digests are verified.
# On the local store the move is a hard link (atomic, never overwrites); on any other storage
# backend (S3-compatible object storage, see ADR 0020) the finished file is handed to
# ``storage.save``, which streams it. Stored originals are made read-only and never opened for
# writing again; ``blob_hash`` re-reads them for fixity checks.

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
    if _object_store() is not None:
        from sanxiang.core import shipping

        if _version_row(path) is None:
            begun = shipping.pending_upload(temp_path, path)
            upload_id, lock = begun if begun else (None, None)
            try:
                with open(temp_path, "rb") as handle:
                    written = storage.put_file(path, handle, size, upload_id=upload_id, lock=lock)
            except Exception:
                shipping.forget(temp_path)  # put_file aborted it: a retry starts afresh
                raise
            _record(path, written, sha256, size)
            shipping.forget(temp_path)
        else:  # stored before: write-once, the parts sent meanwhile are dropped
            shipping.discard(storage, temp_path)
    elif _is_local(storage):
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
    """A read-only handle on a stored blob (seekable on the local store; on object storage a
    stream of the pinned version)."""
    store = _object_store()
    if store is not None:
        row = _pinned(path)
        return io.BufferedReader(store.open_version(path, row.version_id, row.size), CHUNK_SIZE)
    return default_storage.open(path, "rb")


def blob_size(path: str) -> int:
    if _object_store() is not None:
        return _pinned(path).size
    return default_storage.size(path)


def blob_exists(path: str) -> bool:
    store = _object_store()
    if store is not None:
        row = _version_row(path)
        return row is not None and store.version_exists(path, row.version_id) is not None
    return default_storage.exists(path)


def blob_local_path(path: str) -> Path | None:
    """The file on disk behind a blob on the local store, else None."""
    if _is_local(default_storage):
        return Path(default_storage.path(path))
    return None


def blob_tool_source(path: str, *, seconds: int = 3600) -> str:
    """Where an external tool (ffprobe, ffmpeg) reads a stored blob: the file on the local
    store, or on object storage a presigned URL of the pinned version, which the tool reads by
    HTTP range requests. A probe or a thumbnail then reads kilobytes to megabytes of a 2 GiB
    recording instead of a whole copy of it, and never a newer version under the same key."""
    local = blob_local_path(path)
    if local is not None:
        return str(local)
    store = _object_store()
    if store is None:
        raise FileNotFoundError(f"{path} is neither on the local store nor on object storage")
    return store.version_url(path, _pinned(path).version_id, seconds)


def blob_hash(path: str) -> tuple[str, str, int]:
    """(SHA-256, SM3, size) of a stored blob, re-read in one streaming pass (on object
    storage: a GET of the pinned version)."""
    hasher = DualHasher()
    store = _object_store()
    if store is not None:
        for chunk in store.stream_version(path, _pinned(path).version_id):
            hasher.update(chunk)
        sha256, sm3 = hasher.hexdigests()
        return sha256, sm3, hasher.size
    with blob_open(path) as handle:
        for chunk in read_chunks(handle):
            hasher.update(chunk)
    sha256, sm3 = hasher.hexdigests()
    return sha256, sm3, hasher.size


def blob_iter_paths(prefix: str = "blobs") -> Iterator[str]:
    """Every stored object under ``prefix`` (for finding untracked files)."""
    store = _object_store()
    if store is not None:
        yield from store.keys(prefix)
        return
    directories, files = (
        default_storage.listdir(prefix) if default_storage.exists(prefix) else ([], [])
    )
    for name in sorted(files):
        yield f"{prefix}/{name}"
    for directory in sorted(directories):
        yield from blob_iter_paths(f"{prefix}/{directory}")


def remove_original(path: str, *, disposal: Any) -> bool:
    """Remove a stored original: the one way a blob leaves the store (ADR 0130).

    Only an approved disposal (an object whose ``approved_at`` is set: the archive's
    ``DisposalAppraisal``) may remove one; the caller has recorded the removal in the ledger
    (``archive.destroy``), which is how fixity knows the file is gone by decision. Files are
    read-only (0444), but removing a directory entry needs only the folder's permission.
    On object storage the pinned version is deleted by its id: after the retention end of a
    COMPLIANCE lock, or a GOVERNANCE lock bypassed (a mistaken upload); the store itself
    refuses while COMPLIANCE holds. Returns whether a file was removed.
    """
    if disposal is None or getattr(disposal, "approved_at", None) is None:
        raise PermissionError("stored originals are removed only by an approved disposal")
    store = _object_store()
    if store is not None:
        return _remove_version(store, path)
    if not default_storage.exists(path):
        return False
    default_storage.delete(path)
    return True


def _remove_version(store: Any, path: str) -> bool:
    from django.utils import timezone

    row = _version_row(path)
    if row is None:
        return False
    store.remove_version(path, row.version_id)
    row.removed_at = timezone.now()
    row.save(update_fields=["removed_at"])
    return True
