"""One way to validate and save a model instance in a service, with all field errors at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


def clean_and_save(
    instance: models.Model,
    *,
    normalisers: dict[str, Callable[[Any], Any]] | None = None,
    extra_errors: dict[str, list[str]] | None = None,
) -> models.Model:
    """Normalise fields, run model validation, and save only when nothing is wrong.

    Every problem is collected before raising, so the user sees all field errors in one
    round trip instead of fixing them one at a time.
    """
    errors: dict[str, list[str]] = {k: list(v) for k, v in (extra_errors or {}).items()}
    for field in instance._meta.concrete_fields:
        # Django's full_clean lets None through for blank=True fields; the database would not.
        filled_on_save = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if field.null or field.primary_key or filled_on_save:
            continue
        if getattr(instance, field.attname) is None:
            errors.setdefault(field.name, []).append("此字段不能为空。")
    for field, normalise in (normalisers or {}).items():
        value = getattr(instance, field)
        if value in (None, ""):
            continue
        try:
            setattr(instance, field, normalise(value))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    instance.save()
    return instance


def apply_changes(
    instance: models.Model, changes: dict[str, Any], allowed: Iterable[str]
) -> list[str]:
    """Set allowed attributes; return the names that really changed."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: ["该字段不允许修改。"] for name in sorted(unknown)})
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """Field → messages, with errors that belong to no field under ``__all__``."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


def expect_status(obj: Any, expected: str, *, noun: str = "对象") -> None:
    """Refuse an API step whose client saw another state (a stale page, a repeated request):
    the step names the status it expects, and a different one is a field error, not a 500."""
    if obj.status != expected:
        raise ValidationError(
            {
                "expected_status": [
                    f"{noun}当前状态为“{obj.get_status_display()}”，"
                    "与请求中的 expected_status 不符，请刷新后重试。"
                ]
            }
        )
