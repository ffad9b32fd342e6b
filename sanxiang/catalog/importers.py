"""Reading a catalog from XLSX or CSV: every row checked first, problems reported row by row.

Nothing here writes. :func:`parse_file` turns a file into rows and cell problems;
:func:`build_instances` turns rows into unsaved model objects and their field problems; the
service (``catalog_import``) writes only when both, and the kind's cross-row rules, found
nothing wrong — all or nothing, in one transaction.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.tabular import restore_csv_text

from .columns import CellError, Column, Entity, Problem, Row, is_blank
from .kinds import KindSpec

MAX_ROWS = 20000
MAX_BYTES = 10 * 1024 * 1024
FORMATS = ("xlsx", "csv")


class FileError(ValueError):
    """The file as a whole cannot be read."""


def file_format(filename: str) -> str:
    ext = (filename or "").lower().rsplit(".", 1)[-1]
    if ext not in FORMATS:
        raise FileError(
            _("只能导入 XLSX 或 CSV 文件（当前文件：%(name)s）。") % {"name": filename[:80]}
        )
    return ext


def read_table(content: bytes, filename: str) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header cells and the data rows (with their 1-based line numbers) of the first sheet."""
    if len(content) > MAX_BYTES:
        raise FileError(_("文件过大，最大10MB。"))
    fmt = file_format(filename)
    table = _read_xlsx(content) if fmt == "xlsx" else _read_csv(content)
    if not table:
        raise FileError(_("文件是空的：第1行应为列名。"))
    if len(table) - 1 > MAX_ROWS:
        raise FileError(_("行数过多，一次最多导入%(n)d行。") % {"n": MAX_ROWS})
    header, *data = table
    return list(header), [(index + 2, list(row)) for index, row in enumerate(data)]


def _read_xlsx(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise FileError(_("无法读取文件：不是有效的 XLSX 文件。")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
        while rows and all(is_blank(cell) for cell in rows[-1]):
            rows.pop()
        return rows
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("无法识别文件编码，请以 UTF-8 保存 CSV 文件。"))
    if "\x00" in text:
        raise FileError(_("无法读取文件：不是有效的 CSV 文本文件。"))
    try:
        # Undo the formula neutralisation our exporter applied (ADR 0080), so exports round-trip.
        return [[restore_csv_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise FileError(_("无法读取文件：CSV 格式有误。")) from None


def _header_key(cell: Any) -> str:
    return unicodedata.normalize("NFKC", str(cell or "")).strip().rstrip("*").strip()


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    line_count: int = 0

    @property
    def cell_errors(self) -> bool:
        return any(p.line is not None for p in self.problems)


def parse_file(spec: KindSpec, content: bytes, filename: str) -> ParseResult:
    """Rows of ``spec``'s kind from a file, grouped into items, with every cell problem."""
    result = ParseResult()
    try:
        header, data = read_table(content, filename)
    except FileError as exc:
        result.problems.append(Problem(message=str(exc)))
        return result
    result.line_count = len(data)
    lookup: dict[str, Column] = {}
    for column in spec.columns:
        lookup[_header_key(column.label)] = column
        with in_legal_language():  # the agency's files carry the Chinese headers
            lookup[_header_key(str(column.label))] = column
        lookup[column.key] = column
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header_key(cell)
        if not name:
            continue
        column = lookup.get(name)
        if column is None:
            result.problems.append(
                Problem(message=_("第1行：未知的列「%(name)s」。") % {"name": name[:40]})
            )
        elif column.key in positions:
            result.problems.append(
                Problem(message=_("第1行：列「%(name)s」重复。") % {"name": column.label})
            )
        else:
            positions[column.key] = index
    child_present = spec.child is not None and any(
        col.key in positions for col in spec.child.columns
    )
    needed = [col for col in spec.primary.columns if col.required]
    if child_present:
        needed += [col for col in spec.child.columns if col.required]
    for column in needed:
        if column.key not in positions:
            result.problems.append(
                Problem(message=_("缺少必需的列「%(name)s」。") % {"name": column.label})
            )
    if result.problems:
        return result
    if not data:
        result.problems.append(Problem(message=_("文件中没有数据行。")))
        return result

    def cell(raw_row: list[Any], column: Column) -> Any:
        index = positions.get(column.key)
        return raw_row[index] if index is not None and index < len(raw_row) else None

    groups: dict[tuple, Row] = {}
    for line, raw in data:
        if all(is_blank(value) for value in raw):
            continue
        primary, ok = _read_entity(spec.primary, raw, line, cell, result)
        child_values = None
        if spec.child is not None and any(
            not is_blank(cell(raw, col)) for col in spec.child.columns
        ):
            child_values, child_ok = _read_entity(spec.child, raw, line, cell, result)
            ok = ok and child_ok
        if not ok:
            continue
        identity = (
            tuple(primary[key] for key in spec.primary.identity)
            if spec.primary.identity
            else (line,)
        )
        row = groups.get(identity)
        if row is None:
            row = Row(values=primary, line=line)
            groups[identity] = row
            result.rows.append(row)
        elif spec.child is None:
            result.problems.append(
                Problem(
                    message=_("与第%(n)d行重复。") % {"n": row.line},
                    line=line,
                    column=spec.primary.column(spec.primary.identity[0]),
                )
            )
            continue
        elif row.values != primary:
            different = next(k for k in primary if primary[k] != row.values[k])
            result.problems.append(
                Problem(
                    message=_("与第%(n)d行同一事项的内容不一致。") % {"n": row.line},
                    line=line,
                    column=spec.primary.column(different),
                )
            )
            continue
        if child_values is not None:
            row.children.append(Row(values=child_values, line=line))
    return result


def _read_entity(entity: Entity, raw, line, cell, result) -> tuple[dict[str, Any], bool]:
    values, ok = {}, True
    for column in entity.columns:
        try:
            values[column.key] = column.read(cell(raw, column))
        except CellError as exc:
            result.problems.append(Problem(message=str(exc), line=line, column=column))
            ok = False
    return values, ok


@dataclass
class Built:
    obj: models.Model
    row: Row
    children: list[Built] = field(default_factory=list)


def build_instance(
    entity: Entity, row: Row, *, obj: models.Model | None = None, **parents: Any
) -> tuple[models.Model, list[Problem]]:
    """An unsaved (or updated) object with ``row``'s values, and its model-level problems."""
    obj = obj if obj is not None else entity.model(**parents)
    for column in entity.columns:
        setattr(obj, column.field, row.values[column.key])
    problems = []
    exclude = (
        ["version", "position", entity.parent_field]
        if entity.parent_field
        else ["version", "position"]
    )
    try:
        obj.full_clean(exclude=[name for name in exclude if name], validate_unique=False)
    except ValidationError as exc:
        by_field = entity.field_headers
        for field_name, messages in exc.message_dict.items():
            column = by_field.get(field_name)
            for message in messages:
                problems.append(Problem(message=message, line=row.line, column=column, ref=row.ref))
    return obj, problems


def build_all(spec: KindSpec, version, rows: list[Row]) -> tuple[list[Built], list[Problem]]:
    built, problems = [], []
    for position, row in enumerate(rows, start=1):
        obj, found = build_instance(spec.primary, row, version=version)
        obj.position = position
        problems += found
        item = Built(obj=obj, row=row)
        for child_position, child_row in enumerate(row.children, start=1):
            child, found = build_instance(spec.child, child_row)
            child.position = child_position
            problems += found
            item.children.append(Built(obj=child, row=child_row))
        built.append(item)
    return built, problems


def save_all(spec: KindSpec, built: list[Built]) -> None:
    """Write built objects (parents first). Runs inside the caller's transaction."""
    spec.primary.model.objects.bulk_create([item.obj for item in built])
    if spec.child is None:
        return
    children = []
    for item in built:
        for child in item.children:
            setattr(child.obj, spec.child.parent_field, item.obj)
            children.append(child.obj)
    spec.child.model.objects.bulk_create(children)
