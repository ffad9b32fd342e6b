"""Resolving ids sent by API clients into objects the caller may use, as field errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet


def resolve(queryset: QuerySet, pk: int | None, field: str):
    """The object with ``pk`` in an already restricted queryset, or a 422 on ``field``."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: ["所选对象不存在或不在您的管辖范围内。"]})
    return obj
