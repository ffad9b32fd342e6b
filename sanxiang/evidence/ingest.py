"""The byte side of resumable uploads: partial files, locks, running digests, completion.

Each unfinished upload is one partial file in the staging folder (``<id>.part``, local disk,
by default ``MEDIA_ROOT/staging`` so that the final move is a hard link on the same volume).
A PATCH appends to it while SHA-256 and SM3 are computed in the same pass; nothing is ever
read into memory whole.

Running digest state. hashlib cannot serialise a digest's internal state, so the state of each
upload is kept in this process's memory, keyed by upload id and valid for exactly one offset.
When it is missing or stale — the server restarted, or another worker process took the
request — it is rebuilt by re-reading the partial file once (cost: reading what was already
received, at hashing speed; about 3 s per GB here). Routing one upload's requests to one worker
avoids that; it is never wrong, only slower.

Consistency. The database row's ``offset`` is the truth: bytes beyond it in the partial file
(a process killed mid-PATCH) are cut off before the next append. A per-upload file lock
(``fcntl.flock``) serialises requests on one upload across threads and processes; a request
that cannot get it within ``SANXIANG_EVIDENCE_LOCK_WAIT`` seconds is answered 423 Locked and
the client retries. An upload is complete only when every byte is in, the whole-file digests
equal those the client declared, the file is durable (fsync) and linked into its
content-addressed place; only then is the receipt signed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import blobstore
from sanxiang.core.health import count_upload

from . import services
from .conf import setting
from .filetypes import SNIFF_BYTES
from .models import Upload, UploadStatus

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "sm3")
_ALGORITHM_NAMES = {"sha256": "SHA-256", "sm3": "SM3"}
READ_SIZE = 1024 * 1024

log = logging.getLogger(__name__)
_states: dict[str, blobstore.DualHasher] = {}
_states_lock = threading.Lock()


class IngestError(Exception):
    """A request the protocol layer answers with ``status`` and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def partial_path(upload_id: str) -> Path:
    return blobstore.staging_dir() / f"{upload_id}.part"


def _lock_path(upload_id: str) -> Path:
    return blobstore.staging_dir() / f"{upload_id}.lock"


@contextlib.contextmanager
def upload_lock(upload_id: str, wait: float | None = None) -> Iterator[None]:
    """Exclusive hold on one upload, across threads and processes."""
    wait = setting("SANXIANG_EVIDENCE_LOCK_WAIT") if wait is None else wait
    fd = os.open(_lock_path(upload_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IngestError(
                        423, _("该上传任务正在被另一个请求写入，请稍后重试。")
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _state_take(upload_id: str, offset: int) -> blobstore.DualHasher:
    """The running digests of the first ``offset`` bytes: cached, or rebuilt from the file."""
    with _states_lock:
        state = _states.pop(upload_id, None)
    if state is not None and state.size == offset:
        return state
    if offset == 0:
        return blobstore.DualHasher()
    return blobstore.hash_local_file(partial_path(upload_id), offset)


def _state_put(upload_id: str, state: blobstore.DualHasher) -> None:
    with _states_lock:
        _states[upload_id] = state


def _state_drop(upload_id: str) -> None:
    with _states_lock:
        _states.pop(upload_id, None)


def discard_files(upload_id: str) -> None:
    _state_drop(upload_id)
    with contextlib.suppress(Exception):
        blobstore.discard_staged(partial_path(upload_id))
    for path in (partial_path(upload_id), _lock_path(upload_id)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """tus checksum extension: ``Upload-Checksum: <algorithm> <base64 digest>``."""
    if not header:
        return None
    algorithm, _sep, encoded = header.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise IngestError(400, _("不支持的校验算法：%(a)s。") % {"a": algorithm[:20]})
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise IngestError(400, _("Upload-Checksum 的校验值不是有效的 Base64。")) from None
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise IngestError(400, _("Upload-Checksum 的校验值长度不对。"))
    return algorithm, digest


@dataclass
class AppendResult:
    upload: Upload
    received: int
    complete: bool


def _read_body(stream: BinaryIO, length: int) -> Iterator[bytes]:
    """The request body in chunks; stops early (without raising) if the client goes away."""
    remaining = length
    while remaining > 0:
        try:
            chunk = stream.read(min(READ_SIZE, remaining))
        except Exception:
            return
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk


def upload_append(
    *,
    upload: Upload,
    offset: int,
    stream: BinaryIO,
    content_length: int,
    checksum: tuple[str, bytes] | None = None,
) -> AppendResult:
    """Append one PATCH body at ``offset``; complete the upload when the last byte is in."""
    with upload_lock(upload.pk):
        upload = Upload.objects.get(pk=upload.pk)
        if upload.status != UploadStatus.UPLOADING:
            raise IngestError(
                410 if upload.status != UploadStatus.COMPLETE else 409, _status_message(upload)
            )
        if offset != upload.offset:
            raise IngestError(
                409,
                _("Upload-Offset %(got)s 与服务器已接收的 %(have)s 字节不一致。")
                % {"got": offset, "have": upload.offset},
            )
        if upload.offset == upload.length:  # bytes all in, completion interrupted earlier
            return AppendResult(_complete(upload), 0, True)
        if offset + content_length > upload.length:
            raise IngestError(413, _("本次写入将超出申报的文件大小。"))
        path = partial_path(upload.pk)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as handle:
            if os.fstat(handle.fileno()).st_size != upload.offset:
                handle.truncate(upload.offset)  # bytes of a request that never got committed
            handle.seek(upload.offset)
            state = _state_take(upload.pk, upload.offset)
            before = state.copy() if checksum else None
            chunk_hash = hashlib.new(checksum[0]) if checksum else None
            body = _read_body(stream, content_length)
            if upload.offset < SNIFF_BYTES:
                body = _sniffed(upload, body)

            def hashed_for_checksum() -> Iterator[bytes]:
                for chunk in body:
                    chunk_hash.update(chunk)
                    yield chunk

            written = blobstore.write_hashed(
                hashed_for_checksum() if chunk_hash else body, handle, state
            )
            if checksum and (written != content_length or chunk_hash.digest() != checksum[1]):
                # A body that does not match its checksum (or was cut short, so cannot be
                # checked) is dropped whole; the client sends it again.
                handle.truncate(upload.offset)
                _state_put(upload.pk, before)
                if written == content_length:
                    raise IngestError(460, _("本次传输的数据块校验值不符，请重新发送。"))
                return AppendResult(upload, 0, False)
            os.fdatasync(handle.fileno())
        new_offset = upload.offset + written
        count_upload(written)
        with transaction.atomic():
            Upload.objects.filter(pk=upload.pk, offset=upload.offset).update(offset=new_offset)
        upload.offset = new_offset
        _state_put(upload.pk, state)
        try:  # object storage: complete parts go ahead in the background (ADR 0181)
            blobstore.ship_staged_parts(path, sha256=upload.declared_sha256, offset=new_offset)
        except Exception as exc:  # the completion sends whatever is missing
            log.warning("shipping staged parts failed: %s", type(exc).__name__)
        if new_offset == upload.length:
            return AppendResult(_complete(upload), written, True)
        return AppendResult(upload, written, False)


def _sniffed(upload: Upload, body: Iterator[bytes]) -> Iterator[bytes]:
    """Check the first bytes against the declared type before any of them is written."""
    head_needed = SNIFF_BYTES - upload.offset
    buffered: list[bytes] = []
    size = 0
    for chunk in body:
        buffered.append(chunk)
        size += len(chunk)
        if size >= head_needed:
            break
    if upload.offset > 0:
        with open(partial_path(upload.pk), "rb") as existing:
            prefix = existing.read(upload.offset)
    else:
        prefix = b""
    head = (prefix + b"".join(buffered))[:SNIFF_BYTES]
    if len(head) >= min(SNIFF_BYTES, upload.length) or size >= head_needed:
        problem = services.sniff_problem(upload, head)
        if problem:
            services.upload_reject(upload=upload, reason=problem)
            discard_files(upload.pk)
            raise IngestError(415, problem)
    yield from buffered
    yield from body


def _status_message(upload: Upload) -> str:
    if upload.status == UploadStatus.COMPLETE:
        return _("该上传任务已完成。")
    if upload.status == UploadStatus.REJECTED:
        return _("该上传已被拒收：%(r)s") % {"r": upload.failure_reason}
    return _("该上传任务已结束（%(s)s）。") % {"s": upload.get_status_display()}


def _complete(upload: Upload) -> Upload:
    """Every byte is in: compare the whole-file digests, store, register, sign the receipt."""
    path = partial_path(upload.pk)
    state = _state_take(upload.pk, upload.length)
    sha256, sm3 = state.hexdigests()
    for algorithm, declared, actual in (
        ("sha256", upload.declared_sha256, sha256),
        ("sm3", upload.declared_sm3, sm3),
    ):
        if declared and declared != actual:
            services.upload_reject(
                upload=upload,
                reason=_("整个文件的 %(alg)s 校验值与申报的不符，文件未存储。")
                % {"alg": _ALGORITHM_NAMES[algorithm]},
                details={"declared": declared, "actual": actual, "algorithm": algorithm},
            )
            discard_files(upload.pk)
            raise IngestError(
                460,
                _("整个文件的 %(alg)s 校验值与申报的不符：文件已拒收，未存储。")
                % {"alg": _ALGORITHM_NAMES[algorithm]},
            )
    blob = blobstore.blob_commit_file(
        path, sha256=sha256, sm3=sm3, size=upload.length, keep_source=True
    )
    upload = services.upload_complete(upload=upload, blob=blob)
    discard_files(upload.pk)
    return upload


def upload_discard(upload: Upload) -> None:
    """Remove the files of a terminated, rejected or expired upload."""
    with upload_lock(upload.pk):
        discard_files(upload.pk)


def expire_stale_uploads() -> int:
    """Mark unfinished uploads past their expiry as expired and remove their partial files."""
    from django.utils import timezone

    count = 0
    for upload in Upload.objects.filter(
        status=UploadStatus.UPLOADING, expires_at__lt=timezone.now()
    ):
        services.upload_expire(upload=upload)
        upload_discard(upload)
        count += 1
    return count
