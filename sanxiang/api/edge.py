"""Edge validation for every API operation, in one place (ADR 0076).

After the routers are added, :func:`bound_operation_models` rebuilds each operation's
parameter and body models so that every integer without its own bounds gets
±(2**53 − 1), every text without its own pattern gets :data:`CLEAN_TEXT_PATTERN`
(no control or bidi-override characters), and every date or date-time accepts only its ISO
form (not a Unix time). The rule lives in the generated pydantic core
schema, so it is both enforced and published in the OpenAPI document — a client (and the
schemathesis run) sees the same bounds the server checks. No endpoint repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import PydanticCustomError, core_schema

from sanxiang.core.text import CLEAN_TEXT_PATTERN, INT_MAX, INT_MIN

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?"
)


def _iso_date_only(value: Any) -> Any:
    """Pydantic's lax mode reads ``0`` or ``"0"`` as 1 January 1970 (a Unix time): a date
    is what the schema says it is, ``YYYY-MM-DD``, or an error."""
    if isinstance(value, int | float | bool) or (
        isinstance(value, str) and not ISO_DATE.fullmatch(value)
    ):
        raise PydanticCustomError("date_parsing", "date must be YYYY-MM-DD")
    return value


def _iso_datetime_only(value: Any) -> Any:
    """As :func:`_iso_date_only`, for date-times (ISO 8601 / RFC 3339)."""
    if isinstance(value, int | float | bool) or (
        isinstance(value, str) and not ISO_DATETIME.fullmatch(value)
    ):
        raise PydanticCustomError("datetime_parsing", "date-time must be ISO 8601")
    return value


_ISO_ONLY = {"date": _iso_date_only, "datetime": _iso_datetime_only}


def bound_core_schema(node: Any) -> None:
    """Add the edge bounds, in place, wherever a core schema has an int or str without its own."""
    if isinstance(node, dict):
        kind = node.get("type")
        if kind in _ISO_ONLY:
            inner = dict(node)
            node.clear()
            node.update(core_schema.no_info_before_validator_function(_ISO_ONLY[kind], inner))
            return
        if kind == "int":
            if "le" not in node and "lt" not in node:
                node["le"] = INT_MAX
            if "ge" not in node and "gt" not in node:
                node["ge"] = INT_MIN
        elif kind == "str" and "pattern" not in node:
            node["pattern"] = CLEAN_TEXT_PATTERN
        for value in node.values():
            bound_core_schema(value)
    elif isinstance(node, list | tuple):
        for value in node:
            bound_core_schema(value)


def _bounded_core_schema(cls, source, handler):
    schema = handler(source)
    bound_core_schema(schema)
    return schema


def _nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _nested_models(arg)


def bound_model(model: type[BaseModel]) -> None:
    """Bound ``model`` and, first, every model its fields use (their schemas are published
    as components of their own)."""
    if model.__dict__.get("__sanxiang_bounded__", False):
        return
    model.__sanxiang_bounded__ = True
    for field in model.model_fields.values():
        for nested in _nested_models(field.annotation):
            bound_model(nested)
    model.__get_pydantic_core_schema__ = classmethod(_bounded_core_schema)
    model.model_rebuild(force=True)


def bound_operation_models(api) -> int:
    """Rebuild every operation's path, query and body models with the edge bounds."""
    count = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.signature.models:
                    bound_model(model)
                    count += 1
    return count
