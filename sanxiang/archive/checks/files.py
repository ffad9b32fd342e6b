"""Reading each original once: its digests, and a file on disk the command-line tools can open.

pdftoppm, pdffonts, ffprobe and clamscan need paths. On the local store a blob already is a
file (``blob_local_path``), so the tools read it in place and the digests come from one
streaming pass through ``open_file``. On object storage the original is copied once into a
temporary folder, hashed while it is written (``write_hashed``), never held in memory; the
folder is removed when the check ends.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sanxiang.archive.spec import OpenFile, StoredFile
from sanxiang.core.blobstore import DualHasher, blob_local_path, read_chunks, write_hashed


@dataclass
class ReadFile:
    """What reading one original found: digests and a local path, or why it could not be read."""

    stored: StoredFile
    ref: str  # "seq:3" / "volume"
    label: str  # the item in people's words
    path: Path | None = None
    sha256: str = ""
    sm3: str = ""
    size: int = 0
    error: str = ""  # why it could not be read ("" when read)

    @property
    def readable(self) -> bool:
        return not self.error and self.path is not None


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "存储中找不到该原件"
    if isinstance(exc, PermissionError):
        return "无权读取存储中的原件"
    return f"读取原件出错（{type(exc).__name__}）"


def _read_one(target: ReadFile, open_file: OpenFile, temp_dir: Path) -> None:
    local = blob_local_path(target.stored.path)
    hasher = DualHasher()
    try:
        handle = open_file(target.stored)
        try:
            if local is not None and local.is_file():
                for chunk in read_chunks(handle):
                    hasher.update(chunk)
                target.path = local
            else:
                name = f"{len(list(temp_dir.iterdir())):04d}-{Path(target.stored.path).name}"
                copy = temp_dir / name
                with open(copy, "wb") as out:
                    write_hashed(read_chunks(handle), out, hasher)
                target.path = copy
        finally:
            handle.close()
    except OSError as exc:
        target.error = _error_text(exc)
        target.path = None
        return
    target.sha256, target.sm3 = hasher.hexdigests()
    target.size = hasher.size


@contextlib.contextmanager
def read_files(targets: list[ReadFile], open_file: OpenFile) -> Iterator[list[ReadFile]]:
    """Hash every target once and give each a readable path for the duration of the block."""
    temp_dir = Path(tempfile.mkdtemp(prefix="sanxiang-checks-"))
    try:
        for target in targets:
            _read_one(target, open_file, temp_dir)
        yield targets
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
