"""Rendering enforcement documents to PDF with Chinese fonts (WeasyPrint + Noto CJK).

Templates are ordinary Django templates under ``documents/pdf/``; the fonts come from the
operating system (Debian's ``fonts-noto-cjk``, installed by the project's set-up), never
from the network: WeasyPrint is given a URL fetcher that refuses every external request.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from sanxiang.core.language import in_legal_language


def _no_network(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused while rendering a document: {url}")


@in_legal_language
def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Typeset ``template_name`` in the legal language (Chinese), whatever the user's."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.5 s at start-up

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_no_network).write_pdf()
