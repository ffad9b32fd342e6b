"""Overlays as Form XObjects (ADR 0116): the page's own content is kept, the overlay lands where
it belongs even when the page leaves its graphics state changed, shared resources stay shared."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from sanxiang.core.pdfoverlay import overlay, page_as_form


def _overlay_page():
    from weasyprint import HTML

    html = """<style>@page { size: 200pt 100pt; margin: 0 }
      body { margin: 0; font-family: 'Noto Sans CJK SC' }
      p { position: absolute; right: 10pt; bottom: 10pt; margin: 0; font-size: 12pt }</style>
      <p>角标</p>"""
    return PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages[0]


def test_overlay_keeps_the_page_and_lands_at_its_lower_right(tmp_path):
    writer = PdfWriter()
    first = writer.add_blank_page(200, 100)
    second = writer.add_blank_page(200, 100)
    shared = writer._add_object(first["/Resources"])  # one resource dictionary for both pages
    first[NameObject("/Resources")] = second[NameObject("/Resources")] = shared
    # The page scales everything by 3 and never restores it: the overlay must not inherit it.
    content = DecodedStreamObject()
    content.set_data(b"3 0 0 3 0 0 cm 0 0 10 10 re f")
    first[NameObject("/Contents")] = writer._add_object(content)
    before = hashlib.sha256(first["/Contents"].get_object().get_data()).hexdigest()

    overlay(writer, first, page_as_form(writer, _overlay_page()))
    out = io.BytesIO()
    writer.write(out)

    reader = PdfReader(io.BytesIO(out.getvalue()))
    page, other = reader.pages
    kept = page["/Contents"][1].get_object().get_data()
    assert hashlib.sha256(kept).hexdigest() == before
    assert "/XObject" not in other["/Resources"], "a shared dictionary is not changed"
    path = tmp_path / "overlaid.pdf"
    path.write_bytes(out.getvalue())
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    x_max, y_max = map(float, re.search(r'xMax="([\d.]+)" yMax="([\d.]+)">角标', bbox).groups())
    assert 180 < x_max <= 200 and 80 < y_max <= 100
