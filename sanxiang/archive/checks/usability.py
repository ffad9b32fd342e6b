"""可用性 (usability): each file can still be opened and read by ordinary tools.

* a PDF must parse (pypdf), its first page must render (``pdftoppm`` from poppler-utils) and
  every font it uses must be embedded (``pdffonts``) — a PDF that leans on the reader's fonts
  will not show the same Chinese text in thirty years;
* a recording (or any other non-PDF original) must be recognised by ``ffprobe``, which reports
  its duration and codecs — the facts a reader needs to play it back.

The tools run with a timeout, so a malformed file cannot stall the check.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .files import ReadFile
from .report import Finding

TOOL_TIMEOUT = 120  # seconds; a first page or a probe takes well under a second normally


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, timeout=TOOL_TIMEOUT, check=False)


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:200] if text else ""


def unembedded_fonts(path: Path) -> list[str] | None:
    """Names of the fonts ``pdffonts`` lists as not embedded; None when pdffonts fails."""
    result = _run(["pdffonts", str(path)])
    if result.returncode != 0:
        return None
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    if len(lines) < 2:
        return []
    header, rule = lines[0], lines[1]
    # Columns are fixed-width under a rule of dashes: find where "emb" sits.
    spans, start = [], 0
    for part in rule.split(" "):
        if part:
            spans.append((start, start + len(part)))
        start += len(part) + 1
    names = [header[a:b].strip() for a, b in spans]
    if "emb" not in names or "name" not in names:
        return None
    emb, name = spans[names.index("emb")], spans[names.index("name")]
    return [
        line[name[0] : name[1]].strip() or "?"
        for line in lines[2:]
        if line[emb[0] : emb[1]].strip() == "no"
    ]


def check_pdf(target: ReadFile) -> Finding:
    label, ref = target.label, target.ref
    try:
        reader = PdfReader(str(target.path))
        if reader.is_encrypted:
            return Finding(False, label, _("PDF 已加密，无法长期读取"), "pdf_encrypted", ref)
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return Finding(
            False,
            label,
            _("PDF 无法打开：不是有效的 PDF 文件（%(e)s）") % {"e": str(exc)[:120]},
            "pdf_unreadable",
            ref,
        )
    if count == 0:
        return Finding(False, label, _("PDF 没有页面"), "pdf_unreadable", ref)
    with tempfile.TemporaryDirectory(prefix="sanxiang-render-") as out:
        result = _run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "24", "-png", str(target.path), f"{out}/p"]
        )
        rendered = result.returncode == 0 and any(Path(out).iterdir())
    if not rendered:
        return Finding(
            False,
            label,
            _("PDF 第一页无法显示（%(e)s）")
            % {"e": _first_line(result.stderr) or result.returncode},
            "pdf_render_failed",
            ref,
        )
    missing = unembedded_fonts(target.path)
    if missing is None:
        return Finding(False, label, _("无法读取 PDF 的字体信息"), "pdf_fonts_unknown", ref)
    if missing:
        return Finding(
            False,
            label,
            _("PDF 未嵌入字体：%(f)s") % {"f": "、".join(sorted(set(missing)))},
            "pdf_fonts_not_embedded",
            ref,
        )
    return Finding(
        True,
        label,
        _("PDF 可以打开，共 %(n)s 页，第一页可以显示，字体均已嵌入") % {"n": count},
        "pdf_ok",
        ref,
    )


def probe(path: Path) -> dict | None:
    """ffprobe's JSON for ``path`` (format and streams), or None when it is not a media file."""
    result = _run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration,format_long_name:stream=codec_type,codec_name",
            "-of",
            "json",
            str(path),
        ]
    )
    if result.returncode != 0:
        return None
    try:
        data = json.loads(result.stdout or b"{}")
    except ValueError:
        return None
    return data if data.get("streams") else None


_STREAM_LABELS = {"video": "视频", "audio": "音频", "subtitle": "字幕", "data": "数据"}


def check_media(target: ReadFile) -> Finding:
    label, ref = target.label, target.ref
    data = probe(target.path)
    if data is None:
        return Finding(
            False,
            label,
            _("音像文件无法打开：ffprobe 不能识别其格式或其中没有音视频流"),
            "media_unreadable",
            ref,
        )
    streams = "，".join(
        f"{_STREAM_LABELS.get(s.get('codec_type'), s.get('codec_type', '?'))} {s.get('codec_name', '?')}"
        for s in data["streams"]
    )
    try:
        duration = float(data.get("format", {}).get("duration"))
        length = _("时长 %(d).1f 秒") % {"d": duration}
    except (TypeError, ValueError):
        length = _("时长未知")
    return Finding(
        True, label, _("可以播放：%(l)s，%(s)s") % {"l": length, "s": streams}, "media_ok", ref
    )


def check(files: list[ReadFile]) -> list[Finding]:
    findings = []
    for target in files:
        if not target.readable:
            findings.append(
                Finding(
                    False,
                    target.label,
                    _("无法读取原件（%(e)s）") % {"e": target.error},
                    "unreadable",
                    target.ref,
                )
            )
        elif target.stored.media_type == "application/pdf":
            findings.append(check_pdf(target))
        else:
            findings.append(check_media(target))
    return findings
