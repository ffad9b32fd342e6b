"""The volume (案卷): one paginated PDF of a unit, as a record keeper reads and prints it.

A derived copy, never an original: the cover (案卷封面), the table of contents (卷内目录), every
item's original PDF in volume order with its page number stamped at the lower right, and the
end sheet (卷内备考表). The originals stay as issued — authenticity is always checked on them,
not on this copy (ADR 0115).

Page numbers are those printed on the item pages (1…n, cover, contents and end sheet carry
none), so they are known as soon as the items are counted: the items are appended first, the
numbers computed, and only then are the cover, contents and end sheet typeset and put around
them. However many pages the contents take, the printed numbers do not move; the PDF's page
labels and bookmarks point at the right sheets.

Work is linear in the number of pages: each original is streamed from ``open_file`` once and
closed, every page-number stamp comes from one WeasyPrint document, and pypdf copies the
overlay's fonts into the volume once.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.template.loader import render_to_string

from sanxiang.archive.spec import ItemKind, OpenFile, Stage, StoredFile, UnitItem, UnitSpec
from sanxiang.core.language import in_legal_language
from sanxiang.core.pdfoverlay import overlay, page_as_form

PDF = "application/pdf"
# A non-seekable stream (an object store's body) is spooled to disk beyond this size.
SPOOL_BYTES = 16 * 1024 * 1024
DIGEST_SHOWN = 16  # hex digits of SHA-256 printed for a recording


@dataclass(frozen=True)
class VolumeResult:
    """A rendered volume and where each item's pages are in it."""

    pdf: bytes
    pages: dict[int, tuple[int, int]]  # item seq → (first, last) page number as printed
    page_count: int  # numbered item pages (卷内文件页数)
    sheet_count: int  # every page of the PDF: cover, contents, items, end sheet
    cover_sheets: int
    contents_sheets: int
    end_sheets: int
    problems: tuple[str, ...] = ()  # items whose original is missing or does not open

    @property
    def first_item_sheet(self) -> int:
        """The 0-based PDF page index of printed page 1."""
        return self.cover_sheets + self.contents_sheets


@dataclass(frozen=True)
class _Placed:
    """An item and its place in the volume, for the templates."""

    item: UnitItem
    first: int | None
    last: int | None
    problem: str = ""

    @property
    def page_label(self) -> str:
        if self.first is None:
            return ""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def is_recording(self) -> bool:
        return self.item.kind == ItemKind.RECORDING

    @property
    def date_label(self) -> str:
        return self.item.date.strftime("%Y%m%d")  # GB/T 9705: eight digits

    @property
    def duration_label(self) -> str:
        return format_duration(self.item.duration_seconds)

    @property
    def digest_label(self) -> str:
        return self.item.file.sha256[:DIGEST_SHOWN] if self.item.file else ""

    @property
    def remark(self) -> str:
        """The 备注 column: voided, recording kept apart, missing original, then the item's own."""
        parts = []
        if self.item.voided:
            parts.append("作废")
        if self.is_recording:
            if self.item.file is None:
                parts.append("录音录像，原件缺失")
            else:
                parts.append(
                    f"录音录像，原件另存（时长{self.duration_label}，SHA-256 {self.digest_label}…）"
                )
        elif self.problem:
            parts.append(self.problem)
        if self.item.remarks:
            parts.append(self.item.remarks)
        return "；".join(parts)


def format_duration(seconds: float | None) -> str:
    """12分05秒 / 1小时02分05秒; "时长不明" when the recording was never probed."""
    if seconds is None:
        return "时长不明"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}小时{minutes:02d}分{secs:02d}秒"
    return f"{minutes}分{secs:02d}秒"


def _offline(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused while rendering a volume: {url}")


def _typeset(template_name: str, context: dict):
    """A laid-out WeasyPrint document (not yet written), so callers can find anchors on pages."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.5 s at start-up

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_offline).render()


@contextlib.contextmanager
def _seekable(stream: BinaryIO) -> Iterator[BinaryIO]:
    """The stream itself when pypdf can seek in it, else a spooled copy (kept off memory)."""
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        shutil.copyfileobj(stream, spool, 1024 * 1024)
        spool.seek(0)
        yield spool


def _append_original(writer, stored: StoredFile, open_file: OpenFile) -> tuple[int, str]:
    """Copy the original's pages into ``writer``; (pages added, problem in words or "")."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if stored.media_type != PDF:
        return 0, "原件不是 PDF 文件，未随卷打印"
    added = 0
    try:
        with contextlib.closing(open_file(stored)) as raw, _seekable(raw) as stream:
            reader = PdfReader(stream)
            if reader.is_encrypted:
                return 0, "原件已加密，无法打印"
            for page in reader.pages:
                # add_page copies the page and everything it refers to, so the stream can close.
                added_page = writer.add_page(page)
                added += 1
                if added_page.rotation:
                    added_page.transfer_rotation_to_content()
    except (OSError, PyPdfError, ValueError, LookupError, TypeError, AttributeError):
        # A damaged original breaks pypdf in many ways; each is "does not open" to a reader.
        for _ in range(added):  # no half item: drop what was copied before it failed
            del writer.pages[-1]
        return 0, "原件无法打开"
    if added == 0:
        return 0, "原件没有页面"
    return added, ""


def _stamp(writer, first_index: int, placed: list[_Placed]) -> None:
    """Stamp every item page with its number (lower right) and voided items with 作废.

    All stamps come from one WeasyPrint document, one overlay page per item page with that
    page's own size, so even a volume of thousands of pages is typeset once and its font is
    copied into the volume once.
    """
    from pypdf import PdfReader

    sheets, sizes = [], {}
    index = first_index
    for entry in placed:
        if entry.first is None:
            continue
        for number in range(entry.first, entry.last + 1):
            box = writer.pages[index].cropbox  # what a reader sees; the stamp follows it
            size = (round(float(box.width), 2), round(float(box.height), 2))
            size = sizes.setdefault(size, f"s{len(sizes)}")
            sheets.append({"number": number, "size": size, "voided": entry.item.voided})
            index += 1
    if not sheets:
        return
    stamps = PdfReader(
        io.BytesIO(
            _typeset(
                "archive/pdf/volume_stamps.html",
                {"sheets": sheets, "sizes": [(n, w, h) for (w, h), n in sizes.items()]},
            ).write_pdf()
        )
    )
    for offset in range(len(sheets)):
        form = page_as_form(writer, stamps.pages[offset])
        overlay(writer, writer.pages[first_index + offset], form)


def _front_and_back(spec: UnitSpec, placed: list[_Placed], page_count: int):
    """Cover, contents and end sheet typeset as one document; (pdf reader, cover, contents)."""
    from pypdf import PdfReader

    recordings = [p for p in placed if p.is_recording]
    context = {
        "spec": spec,
        "code": spec.archival_code or "待编号",
        "placed": placed,
        "item_count": len(placed),
        "page_count": page_count,
        "recordings": recordings,
        "voided": [p for p in placed if p.item.voided],
        "problems": [p for p in placed if p.problem],
        "stage_labels": Stage.LABELS,
        "date_from": f"{spec.date_from.year}年{spec.date_from.month}月{spec.date_from.day}日",
        "date_to": f"{spec.date_to.year}年{spec.date_to.month}月{spec.date_to.day}日",
        "filed_on": (
            f"{spec.filed_on.year}年{spec.filed_on.month}月{spec.filed_on.day}日"
            if spec.filed_on
            else ""
        ),
    }
    document = _typeset("archive/pdf/volume.html", context)
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in ("contents", "end-sheet"):
            if anchor in page.anchors:
                starts.setdefault(anchor, number)
    reader = PdfReader(io.BytesIO(document.write_pdf()))
    return reader, starts["contents"], starts["end-sheet"] - starts["contents"]


@in_legal_language
def render_volume(spec: UnitSpec, open_file: OpenFile) -> VolumeResult:
    """The unit as one PDF volume: cover, 卷内目录, stamped item pages, 卷内备考表.

    Recordings are listed, never printed; an item whose original is missing or does not open
    is listed with its problem in 备注 and in ``problems`` (the 四性检测 refuses such a unit).
    Voided items keep their pages, stamped 作废, so the volume shows the whole record.
    """
    from pypdf import PdfWriter
    from pypdf.constants import PageLabelStyle

    writer = PdfWriter()
    placed: list[_Placed] = []
    next_page = 1
    for item in spec.items:
        if item.kind in (ItemKind.RECORDING, ItemKind.CLASSIFIED) or item.file is None:
            missing = item.file is None and item.kind != ItemKind.CLASSIFIED  # by reference
            placed.append(_Placed(item, None, None, "原件缺失" if missing else ""))
            continue
        added, problem = _append_original(writer, item.file, open_file)
        if added:
            placed.append(_Placed(item, next_page, next_page + added - 1))
            next_page += added
        else:
            placed.append(_Placed(item, None, None, problem))
    page_count = next_page - 1
    _stamp(writer, 0, placed)

    matter, cover_sheets, contents_sheets = _front_and_back(spec, placed, page_count)
    front = cover_sheets + contents_sheets
    for index in range(front):
        writer.insert_page(matter.pages[index], index)
    for page in matter.pages[front:]:
        writer.add_page(page)
    end_sheets = len(matter.pages) - front
    sheet_count = len(writer.pages)

    _label(writer, PageLabelStyle, cover_sheets, contents_sheets, page_count, sheet_count)
    writer.add_outline_item(title="案卷封面", page_number=0)
    writer.add_outline_item(title="卷内目录", page_number=cover_sheets)
    for entry in placed:
        if entry.first is not None:
            title = f"{entry.item.seq} {entry.item.title}"
            writer.add_outline_item(title=title, page_number=front + entry.first - 1)
    writer.add_outline_item(title="卷内备考表", page_number=front + page_count)
    writer.add_metadata({"/Title": f"{spec.title}（{spec.archival_code or '待编号'}）"})

    out = io.BytesIO()
    writer.write(out)
    return VolumeResult(
        pdf=out.getvalue(),
        pages={p.item.seq: (p.first, p.last) for p in placed if p.first is not None},
        page_count=page_count,
        sheet_count=sheet_count,
        cover_sheets=cover_sheets,
        contents_sheets=contents_sheets,
        end_sheets=end_sheets,
        problems=tuple(
            f"第{p.item.seq}件《{p.item.title}》：{p.problem}" for p in placed if p.problem
        ),
    )


def _label(writer, style, cover: int, contents: int, pages: int, sheets: int) -> None:
    """PDF page labels that match the sheets: 封面, 目录1…, 1…n as printed, 备考表."""
    writer.set_page_label(0, cover - 1, prefix="封面", start=None)
    writer.set_page_label(cover, cover + contents - 1, style.DECIMAL, prefix="目录", start=1)
    if pages:
        writer.set_page_label(
            cover + contents, cover + contents + pages - 1, style.DECIMAL, start=1
        )
    writer.set_page_label(cover + contents + pages, sheets - 1, prefix="备考表", start=None)


def watermark_copy(pdf: bytes, text: str) -> bytes:
    """A borrowing copy: ``text`` (borrower, purpose, time) across every page, diagonally.

    The same overlay as downloaded evidence PDFs (JL-USE-3), so a leaked page names its reader.
    """
    from sanxiang.evidence.watermark import watermark_pdf

    data, _content_type = watermark_pdf(pdf, text)
    return data
