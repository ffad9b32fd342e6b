"""Parts of a resumable upload shipped to the object store while the file still arrives
(ADR 0181).

The staging file on the shared volume stays the truth for the bytes and for rebuilding the
running digests; this only moves the object store's work forward so that completion does not
have to send gigabytes in the last request. After each acknowledged PATCH, every complete
``PART_SIZE`` window below the committed offset that has not been sent is sent in the
background (``pread`` from the staging file), as a part of one multipart upload per staging
file, started with its Object Lock. The multipart upload's id is kept beside the staging file
(``<id>.mpu.json``); which parts the store already holds is asked of the store (``ListParts``),
so any node can finish what another began, and a part lost with a node is simply sent again.
Nothing here can make a record complete: only ``blobstore.blob_commit_file`` completes the
multipart upload, after the whole-file digests were checked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from sanxiang.core.objectstore import PART_SIZE, PARTS_IN_FLIGHT

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_futures: dict[str, list[Future]] = {}
_next_part: dict[str, int] = {}


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(PARTS_IN_FLIGHT, thread_name_prefix="s3-ship")
        return _pool


def _sidecar(staged: Path) -> Path:
    return staged.with_suffix(".mpu.json")


def _read(staged: Path) -> dict | None:
    try:
        return json.loads(_sidecar(staged).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _ship(store, path: str, upload_id: str, staged: Path, number: int) -> None:
    try:
        with open(staged, "rb") as handle:
            store.multipart_part(path, upload_id, handle.fileno(), number, number * PART_SIZE)
    except Exception as exc:  # completion sends whatever is missing
        log.warning("part %s of a staged upload not shipped yet: %s", number, type(exc).__name__)


def ship_ready_parts(store, staged: Path, path: str, offset: int) -> None:
    """Send, in the background, the complete parts below ``offset`` not sent yet. The caller
    holds the upload's lock (one writer of the sidecar at a time)."""
    complete = offset // PART_SIZE
    if complete == 0:
        return
    state = _read(staged)
    if state is None or state.get("path") != path:
        upload_id, lock = store.multipart_begin(path)
        until = lock.get("ObjectLockRetainUntilDate")
        state = {
            "path": path,
            "upload_id": upload_id,
            "lock_mode": lock.get("ObjectLockMode", ""),
            "retain_until": until.isoformat() if until else None,
        }
        temporary = _sidecar(staged).with_suffix(".tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, _sidecar(staged))
    upload_id = state["upload_id"]
    with _lock:
        start = _next_part.get(upload_id)
    if start is None:  # this node has not shipped for it: ask the store what it holds
        held = store.multipart_parts(path, upload_id)
        start = 1
        while start in held:
            start += 1
    pool = _executor()
    submitted = [
        pool.submit(_ship, store, path, upload_id, staged, n) for n in range(start, complete + 1)
    ]
    with _lock:
        _next_part[upload_id] = max(start, complete + 1)
        _futures.setdefault(upload_id, []).extend(submitted)


def _settle(upload_id: str) -> None:
    with _lock:
        pending = _futures.pop(upload_id, [])
        _next_part.pop(upload_id, None)
    wait(pending)


def pending_upload(staged: Path, path: str) -> tuple[str, dict] | None:
    """The multipart upload begun for ``staged`` towards ``path`` (its parts settled), as
    ``(upload_id, lock arguments)``, or None."""
    import datetime

    state = _read(staged)
    if state is None or state.get("path") != path:
        return None
    _settle(state["upload_id"])
    lock = {}
    if state.get("lock_mode"):
        lock = {
            "ObjectLockMode": state["lock_mode"],
            "ObjectLockRetainUntilDate": datetime.datetime.fromisoformat(state["retain_until"]),
        }
    return state["upload_id"], lock


def forget(staged: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        _sidecar(staged).unlink()


def discard(store, staged: Path) -> None:
    """Abort the multipart upload of a staging file that will not complete (rejected,
    terminated, expired, or content already stored)."""
    state = _read(staged)
    if state is None:
        return
    _settle(state["upload_id"])
    if store is not None:
        with contextlib.suppress(Exception):
            store.multipart_abort(state["path"], state["upload_id"])
    forget(staged)
