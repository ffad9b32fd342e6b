"""Rendering enforcement documents to PDF with Chinese fonts (WeasyPrint + Noto CJK).

Templates are ordinary Django templates under ``documents/pdf/``; the fonts come from the
operating system (Debian's ``fonts-noto-cjk``, installed by the project's set-up), never
from the network: WeasyPrint is given a URL fetcher that refuses every external request.

A template marks where the seal goes with an empty ``<div class="seal">`` over the agency
name and the date line (GB/T 9704); :func:`render_pdf_with_seal_box` returns that box in PDF
coordinates, where the electronic seal is then stamped (ADR 0200).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from sanxiang.core.language import in_legal_language

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF user space is 1/72 in
SEAL_CLASS = "seal"


@dataclass(frozen=True)
class SealBox:
    """Where the seal goes: a page (0-based) and a box in PDF points, origin bottom left."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


def _no_network(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused while rendering a document: {url}")


@in_legal_language
def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Typeset ``template_name`` in the legal language (Chinese), whatever the user's."""
    return render_pdf_with_seal_box(template_name, context)[0]


@in_legal_language
def render_pdf_with_seal_box(
    template_name: str, context: dict[str, Any]
) -> tuple[bytes, SealBox | None]:
    """The PDF and the box of its seal mark, if the template has one."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.5 s at start-up

    html = render_to_string(template_name, context)
    document = HTML(string=html, url_fetcher=_no_network).render()
    return document.write_pdf(), _seal_box(document)


def _seal_box(document) -> SealBox | None:
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or SEAL_CLASS not in (element.get("class") or "").split():
                continue
            x, y = box.border_box_x(), box.border_box_y()
            width, height = box.border_width(), box.border_height()
            if not width or not height:
                continue
            return SealBox(
                page=index,
                x1=x * PX_TO_PT,
                y1=(page.height - y - height) * PX_TO_PT,
                x2=(x + width) * PX_TO_PT,
                y2=(page.height - y) * PX_TO_PT,
            )
    return None


@functools.lru_cache(maxsize=64)
def bears_seal(template_name: str) -> bool:
    """Whether ``template_name`` has a seal mark — the agency seal is applied when it is issued
    (ADR 0200). Known before typesetting, so issuance can ask for step-up first (ADR 0220); the
    mark is unconditional in each template, so an empty context tells."""
    html = render_to_string(template_name, {"content": {}})
    return f'class="{SEAL_CLASS}"' in html


@in_legal_language
def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The same document as HTML, for reading it on screen before it is issued."""
    return render_to_string(template_name, context)
