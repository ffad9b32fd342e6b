"""``{% document_link document %}``: the document's link as the person looking sees it — the PDF
for whoever has a ground to read it, 申请借阅 for anyone else (no read is logged: a page that
lists titles reads nothing)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sanxiang.documents.access import may_open

register = template.Library()


@register.simple_tag(takes_context=True)
def document_link(context, document, label: str = "", download: bool = False):
    if document is None:
        return ""
    user = context["request"].user
    text = label or f"{document.title} {document.number or ''}".strip()
    if may_open(user, document):
        url = reverse("documents:pdf", args=[document.pk])
        if download:
            return format_html('<a href="{}?download=1" download>{}</a>', url, text)
        return format_html('<a href="{}">{}</a>', url, text)
    if download:  # the 查看 link beside it already offers to borrow
        return ""
    url = reverse("documents:borrow_create") + f"?document={document.pk}"
    return format_html('{} <a class="small" href="{}">{}</a>', text, url, _("申请借阅"))


@register.filter
def opens_for(document, user) -> bool:
    """``{% if d|opens_for:request.user %}``: whether the PDF opens for that person now."""
    return document is not None and may_open(user, document)
