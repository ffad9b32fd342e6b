"""Paging and query-string helpers shared by list pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest

from .text import bounded_int

PAGE_SIZE = 30


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> dict:
    """A page of ``queryset``; out-of-range or malformed page numbers fall back to the nearest."""
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page_obj, "querystring": params.urlencode()}


def clean_text(request: HttpRequest, name: str, max_length: int = 100) -> str:
    return (request.GET.get(name) or "").strip()[:max_length]


def clean_int(request: HttpRequest, name: str) -> int | None:
    """A non-negative id or number from the query string, or None when absent or out of range."""
    return bounded_int(request.GET.get(name), minimum=0)
