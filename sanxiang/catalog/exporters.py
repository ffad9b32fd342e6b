"""Writing a catalog to XLSX or CSV, in exactly the layout the importer reads back.

One line per item; an item with children (a law's articles, an entry's discretion
benchmarks) takes one line per child, its own columns repeated. CSV is UTF-8 with a byte
order mark so that Excel on a Chinese Windows opens it correctly.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.tabular import csv_bytes, xlsx_append

from .columns import Row, plain_decimal
from .kinds import KindSpec, rows_from_db

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def flat_values(spec: KindSpec, rows: list[Row]) -> list[list[Any]]:
    """Model values, one list per file line, in column order."""
    lines = []
    child_blank = [None] * len(spec.child.columns) if spec.child else []
    for row in rows:
        own = [row.values[col.key] for col in spec.primary.columns]
        if spec.child is None or not row.children:
            lines.append(own + child_blank)
            continue
        for child in row.children:
            lines.append(own + [child.values[col.key] for col in spec.child.columns])
    return lines


def _text_cells(spec: KindSpec, line: list[Any]) -> list[str]:
    return [
        "" if value is None else str(column.cell(value))
        for column, value in zip(spec.columns, line, strict=True)
    ]


@in_legal_language
def to_csv(spec: KindSpec, rows: list[Row]) -> bytes:
    header = [column.label for column in spec.columns]
    return csv_bytes([header, *(_text_cells(spec, line) for line in flat_values(spec, rows))])


@in_legal_language
def to_xlsx(spec: KindSpec, rows: list[Row], *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _safe_sheet_title(title or spec.label)
    xlsx_append(sheet, [column.label for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
    for line in flat_values(spec, rows):
        cells = []
        for column, value in zip(spec.columns, line, strict=True):
            if isinstance(value, datetime.date | Decimal) and column.render is None:
                cells.append(value)
            else:
                cells.append("" if value is None else str(column.cell(value)))
        xlsx_append(sheet, cells)
    for index, column in enumerate(spec.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        wide = column.widget == "textarea"
        sheet.column_dimensions[letter].width = 48 if wide else max(12, len(column.label) * 2 + 4)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            if wide:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("填写说明"))
    xlsx_append(guide, [_("列名"), _("英文键"), _("是否必填"), _("说明")])
    for column in spec.columns:
        options = "、".join(label for _, label in column.choices)
        note = str(column.help or "")
        if options:
            note = (note + "；" if note else "") + _("可选值：") + options
        if column.widget == "date":
            note = (note + "；" if note else "") + _("日期格式 YYYY-MM-DD")
        xlsx_append(
            guide, [column.label, column.key, _("必填") if column.required else _("选填"), note]
        )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["D"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "")
    return title[:31] or "Sheet1"


def export_version(spec: KindSpec, version, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a version in ``fmt`` (xlsx or csv)."""
    rows = rows_from_db(spec, version) if version is not None else []
    if version is not None:
        name = f"{spec.kind}-{version.agency.short_name}-v{version.number}"
    else:
        name = f"{spec.kind}-template"
    if fmt == "xlsx":
        return to_xlsx(spec, rows), XLSX_CONTENT_TYPE, f"{name}.xlsx"
    return to_csv(spec, rows), CSV_CONTENT_TYPE, f"{name}.csv"


def content_rows(spec: KindSpec, rows: list[Row]) -> list[dict[str, Any]]:
    """The items as plain, JSON-ready values: what the content digest and open data cover."""
    out = []
    for row in rows:
        item = dict(row.values)
        if spec.child is not None:
            item["children"] = [dict(child.values) for child in row.children]
        out.append(item)
    return out


def json_ready(value: Any) -> Any:
    """Decimals as exact strings and dates as ISO text, recursively (for JSON output)."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
