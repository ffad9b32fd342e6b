"""Visible watermarks on downloaded images and PDFs: who downloaded, when (JL-USE-2, JL-USE-3).

The watermark is stamped on a copy made for that one download; the original is never touched.
Images go through Pillow; PDFs get an overlay page (rendered by WeasyPrint, with the CJK font
the project installs) merged onto every page with pypdf. Audio and video are not watermarked
(that would mean re-encoding); their downloads are recorded in the ledger like every other.
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path

from django.utils.html import escape

WATERMARKABLE = ("image/jpeg", "image/png", "image/tiff", "application/pdf")
# Watermarking works on a copy in memory: beyond this size the download is refused instead.
MAX_WATERMARK_BYTES = 64 * 1024 * 1024
_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def watermark_text(*, viewer, moment, number: str) -> str:
    from django.utils import timezone

    agency = getattr(getattr(viewer, "agency", None), "name", "") or ""
    name = getattr(viewer, "full_name", "") or viewer.username
    stamp = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return f"{agency} {name}（{viewer.username}） {stamp} 调阅 {number} 仅限本人使用"


@functools.lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont

    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def watermark_image(data: bytes, text: str) -> tuple[bytes, str]:
    """The image with ``text`` tiled across it and a footer band; (bytes, content type)."""
    from PIL import Image, ImageDraw

    with Image.open(io.BytesIO(data)) as source:
        source.load()
        fmt = source.format
        image = source.convert("RGBA")
    width, height = image.size
    size = max(14, min(width, height) // 28)
    font = _font(size)
    layer = Image.new("RGBA", (width * 2, height * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step_y = size * 5
    step_x = int(draw.textlength(text, font=font)) + size * 4
    for row, y in enumerate(range(0, height * 2, step_y)):
        for x in range(-(row % 2) * step_x // 2, width * 2, step_x):
            draw.text((x, y), text, font=font, fill=(200, 0, 0, 70))
    layer = layer.rotate(30, resample=Image.BICUBIC)
    left, top = (layer.width - width) // 2, (layer.height - height) // 2
    image.alpha_composite(layer.crop((left, top, left + width, top + height)))
    band = ImageDraw.Draw(image)
    band.rectangle((0, height - size * 2, width, height), fill=(0, 0, 0, 150))
    band.text(
        (size // 2, height - size * 2 + size // 3), text, font=font, fill=(255, 255, 255, 255)
    )
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90)
        return out.getvalue(), "image/jpeg"
    image.save(out, "PNG")
    return out.getvalue(), "image/png"


@functools.lru_cache(maxsize=16)
def _overlay_pdf(width_pt: float, height_pt: float, text: str) -> bytes:
    from weasyprint import HTML

    diagonal = math.hypot(width_pt, height_pt)
    # The field is 1.5 diagonals square, turned about its centre: rows fill all of it, each
    # long enough to cross it, so the turned text covers every corner of the page.
    text_pt = sum(13 if ord(char) > 0x2E7F else 7.5 for char in text) + 26
    line = " &nbsp; ".join([escape(text)] * (int(diagonal * 1.5 // text_pt) + 2))
    rows = "".join(
        f'<div class="row" style="top:{i * 90}pt; left:{-(i % 2) * text_pt / 2}pt">{line}</div>'
        for i in range(int(diagonal * 1.5 // 90) + 1)
    )
    html = f"""<html><head><style>
      @page {{ size: {width_pt}pt {height_pt}pt; margin: 0; }}
      body {{ margin: 0; font-family: 'Noto Sans CJK SC', sans-serif; }}
      .field {{ position: absolute; left: {-diagonal / 4}pt; top: {-diagonal / 4}pt;
               width: {diagonal * 1.5}pt; height: {diagonal * 1.5}pt;
               transform: rotate(-30deg); transform-origin: center; }}
      .row {{ position: absolute; left: 0; white-space: nowrap; font-size: 13pt;
             color: rgba(200, 0, 0, 0.28); }}
      .band {{ position: absolute; left: 0; bottom: 0; width: 100%; font-size: 8pt;
              background: rgba(0, 0, 0, 0.55); color: white; padding: 2pt 6pt; }}
    </style></head><body><div class="field">{rows}</div>
    <div class="band">{escape(text)}</div></body></html>"""
    return HTML(string=html).write_pdf()


def watermark_pdf(data: bytes, text: str) -> tuple[bytes, str]:
    """Every page of the PDF with an overlay carrying ``text``; (bytes, content type).

    One overlay per page size, stored once and drawn on every page of that size
    (sanxiang.core.pdfoverlay), so a copy of a long volume stays the size of the original.
    """
    from pypdf import PdfReader, PdfWriter

    from sanxiang.core.pdfoverlay import overlay, page_as_form

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    forms = {}
    for page in writer.pages:
        box = page.cropbox
        size = (round(float(box.width), 1), round(float(box.height), 1))
        if size not in forms:
            mark = PdfReader(io.BytesIO(_overlay_pdf(*size, text))).pages[0]
            forms[size] = page_as_form(writer, mark)
        overlay(writer, page, forms[size])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), "application/pdf"


def watermark(data: bytes, content_type: str, text: str) -> tuple[bytes, str]:
    if content_type == "application/pdf":
        return watermark_pdf(data, text)
    return watermark_image(data, text)
