"""Which files evidence uploads accept, and whether a file's content matches its declared type.

A short table of magic numbers is all this needs: the accepted formats are few and fixed, and
an extra dependency (libmagic) would buy nothing here (ADR 0020). The check runs on the first
bytes of an upload, before anything else is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sanxiang.core.text import text_problem

from .models import MediaKind


@dataclass(frozen=True)
class FileType:
    content_type: str
    kind: str
    extensions: tuple[str, ...]


FILE_TYPES: dict[str, FileType] = {
    t.content_type: t
    for t in (
        FileType("video/mp4", MediaKind.VIDEO, (".mp4", ".m4v")),
        FileType("video/quicktime", MediaKind.VIDEO, (".mov",)),
        FileType("video/webm", MediaKind.VIDEO, (".webm",)),
        FileType("video/x-matroska", MediaKind.VIDEO, (".mkv",)),
        FileType("video/x-msvideo", MediaKind.VIDEO, (".avi",)),
        FileType("video/mp2t", MediaKind.VIDEO, (".ts",)),
        FileType("audio/mpeg", MediaKind.AUDIO, (".mp3",)),
        FileType("audio/wav", MediaKind.AUDIO, (".wav",)),
        FileType("audio/mp4", MediaKind.AUDIO, (".m4a",)),
        FileType("audio/amr", MediaKind.AUDIO, (".amr",)),
        FileType("image/jpeg", MediaKind.PHOTO, (".jpg", ".jpeg")),
        FileType("image/png", MediaKind.PHOTO, (".png",)),
        FileType("image/tiff", MediaKind.SCAN, (".tif", ".tiff")),
        FileType("application/pdf", MediaKind.SCAN, (".pdf",)),
    )
}
SNIFF_BYTES = 16


def _ftyp(head: bytes) -> bytes | None:
    return head[8:12] if len(head) >= 12 and head[4:8] == b"ftyp" else None


def content_matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file are those of ``content_type``."""
    brand = _ftyp(head)
    if content_type in ("video/mp4", "audio/mp4"):
        return brand is not None and not brand.startswith(b"qt")
    if content_type == "video/quicktime":
        return (brand is not None and brand.startswith(b"qt")) or head[4:8] in (
            b"moov",
            b"mdat",
            b"wide",
            b"free",
        )
    if content_type in ("video/webm", "video/x-matroska"):
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if content_type == "video/x-msvideo":
        return head.startswith(b"RIFF") and head[8:12] == b"AVI "
    if content_type == "video/mp2t":
        return head[:1] == b"\x47"
    if content_type == "audio/mpeg":
        return head.startswith(b"ID3") or (
            len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        )
    if content_type == "audio/wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if content_type == "audio/amr":
        return head.startswith(b"#!AMR")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/tiff":
        return head[:4] in (b"II*\x00", b"MM\x00*")
    if content_type == "application/pdf":
        return head.startswith(b"%PDF-")
    return False


_FORBIDDEN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def filename_problem(name: str) -> str | None:
    """Why ``name`` is not acceptable as a plain file name (path traversal and the like)."""
    if not name or not name.strip():
        return _("缺少文件名。")
    if len(name) > 200:
        return _("文件名过长（最多200个字符）。")
    if name != unicodedata.normalize("NFC", name):
        return _("文件名编码不规范。")
    if text_problem(name):  # NUL, other controls, and right-to-left overrides (exe.jpg tricks)
        return _("文件名不能包含路径、控制字符或特殊符号。")
    if _FORBIDDEN_NAME.search(name) or name in (".", "..") or name.startswith((".", "-")):
        return _("文件名不能包含路径、控制字符或特殊符号。")
    if name != name.strip():
        return _("文件名首尾不能有空白。")
    return None


def type_problem(name: str, content_type: str) -> str | None:
    """Why a declared type is not accepted, or does not match the file name's extension."""
    file_type = FILE_TYPES.get(content_type)
    if file_type is None:
        return _("不支持的文件类型：%s。") % (content_type or "未申报")
    if not name.lower().endswith(file_type.extensions):
        return _("文件扩展名与申报的文件类型 %s 不符。") % content_type
    return None
