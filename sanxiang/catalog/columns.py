"""Cell parsers shared by import, item forms and the API: one validation path for every entry.

A parser turns what a person typed (or what a spreadsheet cell holds) into the model value,
or raises :class:`CellError` with a Chinese message naming the expected format.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language

from .legalrefs import CitationError, chinese_to_int, format_citations, parse_citations


class CellError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the message for the user."""


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple | set | frozenset):
        return not any(not is_blank(item) for item in raw)
    return False


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dict | list | tuple | set):
        raise CellError(_("应为文本。"))
    return (
        unicodedata.normalize("NFKC", str(raw)).strip() if not isinstance(raw, str) else raw.strip()
    )


@dataclass(frozen=True)
class Column:
    """One column of a catalog: its stable English key, its Chinese header, its model field."""

    key: str
    header: str
    field: str
    parse: Callable[[Any], Any]
    required: bool = True
    empty: Any = ""
    widget: str = "text"  # text | textarea | date | select | multiselect
    choices: tuple[tuple[str, str], ...] = ()
    render: Callable[[Any], Any] | None = None  # model value → cell text
    help: str = ""

    def read(self, raw: Any) -> Any:
        """The model value of ``raw``; raises CellError."""
        if is_blank(raw):
            if self.required:
                raise CellError(_("此项为必填。"))
            return self.empty() if callable(self.empty) else self.empty
        return self.parse(raw)

    def cell(self, value: Any) -> Any:
        """The value as it is written into a file (labels for choices, plain strings)."""
        if self.render is not None:
            return self.render(value)
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return plain_decimal(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    @property
    def label(self) -> str:
        return str(self.header)


def text(max_length: int) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = _as_text(raw)
        if len(value) > max_length:
            raise CellError(
                _("内容过长，最多%(max)d个字符（当前%(n)d个）。")
                % {"max": max_length, "n": len(value)}
            )
        return value

    return parse


def integer_value(minimum: int, maximum: int) -> Callable[[Any], int]:
    """A whole number within ``minimum``…``maximum`` (days, counts)."""

    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise CellError(_("应为整数。"))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        cleaned = unicodedata.normalize("NFKC", str(raw)).strip()
        if not re.fullmatch(r"\d{1,9}", cleaned):
            raise CellError(_("应为整数。"))
        value = int(cleaned)
        if not minimum <= value <= maximum:
            raise CellError(_("应在%(min)d至%(max)d之间。") % {"min": minimum, "max": maximum})
        return value

    return parse


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date_value(raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    match = _DATE.match(unicodedata.normalize("NFKC", str(raw)).strip().replace("/", "-"))
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_("日期格式应为 YYYY-MM-DD，且应为真实存在的日期。"))


def plain_decimal(value: Decimal) -> str:
    text_value = format(value, "f")
    if "." in text_value:
        text_value = text_value.rstrip("0").rstrip(".")
    return text_value


def decimal_value(
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int = 2,
    exclusive_minimum: bool = False,
) -> Callable[[Any], Decimal]:
    def parse(raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise CellError(_("应为数字。"))
        cleaned = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(cleaned)
        except (InvalidOperation, ValueError):
            raise CellError(_("应为数字。")) from None
        if not value.is_finite():
            raise CellError(_("应为数字。"))
        if -value.normalize().as_tuple().exponent > places:
            raise CellError(_("最多保留%(n)d位小数。") % {"n": places})
        if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
            raise CellError(
                (_("应大于%(min)s。") if exclusive_minimum else _("应不小于%(min)s。"))
                % {"min": plain_decimal(minimum)}
            )
        if maximum is not None and value > maximum:
            raise CellError(_("应不大于%(max)s。") % {"max": plain_decimal(maximum)})
        return value

    return parse


def _choice_lookup(
    choices: type[models.TextChoices], aliases: dict[str, str] | None = None
) -> dict[str, str]:
    lookup = {value: value for value in choices.values}
    lookup |= {str(label): value for value, label in choices.choices}
    with in_legal_language():  # files are written in it, whatever the importer's UI
        lookup |= {str(label): value for value, label in choices.choices}
    lookup.update(aliases or {})
    return lookup


def choice(
    choices: type[models.TextChoices], aliases: dict[str, str] | None = None
) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = _as_text(raw)
        lookup = _choice_lookup(choices, aliases)
        if value not in lookup:
            raise CellError(
                _("取值无效，可选值：%(options)s。")
                % {"options": "、".join(str(label) for _, label in choices.choices)}
            )
        return lookup[value]

    return parse


_LIST_SPLIT = re.compile(r"[、,，;；\n]+")


def multi_choice(choices: type[models.TextChoices]) -> Callable[[Any], list[str]]:
    def parse(raw: Any) -> list[str]:
        if isinstance(raw, list | tuple | set | frozenset):
            parts = [_as_text(part) for part in raw]
        else:
            parts = _LIST_SPLIT.split(_as_text(raw))
        lookup = _choice_lookup(choices)
        values, unknown = [], []
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if part not in lookup:
                unknown.append(part)
            elif lookup[part] not in values:
                values.append(lookup[part])
        if unknown:
            raise CellError(
                _("无法识别“%(parts)s”，可选值：%(options)s（多个值用顿号分隔）。")
                % {
                    "parts": "、".join(unknown)[:80],
                    "options": "、".join(str(label) for _, label in choices.choices),
                }
            )
        order = {value: index for index, value in enumerate(choices.values)}
        return sorted(values, key=order.__getitem__)

    return parse


def render_labels(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda values: "、".join(str(labels.get(v, v)) for v in values or ())


def render_label(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or ""))


def citations(raw: Any) -> str:
    """Legal citations, rewritten in the standard form (第110条 → 第一百一十条)."""
    try:
        return format_citations(parse_citations(_as_text(raw)))
    except CitationError as exc:
        raise CellError(str(exc)) from None


def article_number(raw: Any) -> int:
    value = _as_text(raw)
    match = re.fullmatch(r"第?([0-9零〇一二两三四五六七八九十百千]+)条?", value)
    try:
        if not match:
            raise ValueError(value)
        number = chinese_to_int(match.group(1))
    except ValueError:
        raise CellError(_("条文序号应写作“第一百一十条”或“110”。")) from None
    if number > 9999:
        raise CellError(_("条文序号过大。"))
    return number


def code_text(max_length: int) -> Callable[[Any], str]:
    """Item codes: letters, digits, '-', '_', '.' and Chinese; no spaces."""
    base = text(max_length)

    def parse(raw: Any) -> str:
        value = base(raw)
        if re.search(r"\s", value):
            raise CellError(_("编码不能含有空格。"))
        return value

    return parse


@dataclass(frozen=True)
class Entity:
    """A model whose rows a catalog holds; a child entity hangs off a primary one."""

    name: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    identity: tuple[str, ...] = ()
    related_name: str = ""  # from the version (primary) or from the parent (child)
    parent_field: str = ""  # child only

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def field_headers(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns}


@dataclass
class Row:
    """One parsed row (of a file, of a form, or read back from the database)."""

    values: dict[str, Any]
    line: int | None = None  # spreadsheet row number; None outside an import
    ref: Any = None  # the database row it came from, if any
    children: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None
    column: Column | None = None
    ref: Any = None
    item_label: str = ""

    def text(self) -> str:
        where = ""
        if self.line is not None:
            where = _("第%(n)d行") % {"n": self.line}
        elif self.item_label:
            where = self.item_label
        if self.column is not None:
            where += f"「{self.column.label}」"
        return f"{where}：{self.message}" if where else str(self.message)


def values_of(obj: models.Model, columns: Iterable[Column]) -> dict[str, Any]:
    return {column.key: getattr(obj, column.field) for column in columns}
