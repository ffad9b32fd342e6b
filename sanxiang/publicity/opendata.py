"""Open data of released results in the 双公示 layout: CSV (UTF-8 with BOM, the layout's Chinese
headers), JSON (the layout's stable English keys, ``<key>_label`` beside coded values) and XLSX
(Chinese headers, the English keys on a second sheet). Built only from ``public.py``; rows are
streamed, so a large dataset never sits in memory whole (XLSX in openpyxl's write-only mode).
Open data is a published dataset, so it is in the legal language whatever the visitor's."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from django.utils import timezone

from sanxiang.core.language import in_legal_language
from sanxiang.core.tabular import csv_stream as safe_csv_stream
from sanxiang.core.tabular import xlsx_append

from . import public
from .fields import CHOICE, Category, display_value

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
META_KEYS = (("record_id", "公示编号"), ("record_url", "公示页面"), ("published_at", "公布时间"))


def _url(pk: int) -> str:
    return f"/public/results/{pk}/"


@in_legal_language
def csv_stream(category: str, **filters) -> Iterator[bytes]:
    items = public.layout_fields(category)
    yield from safe_csv_stream(_sheet_rows(items, category, filters))


def _sheet_rows(items, category: str, filters: dict) -> Iterator[list]:
    """Header and data rows shared by the CSV and XLSX files (cells neutralised by the writer)."""
    yield [str(item.label) for item in items] + [label for _k, label in META_KEYS]
    for pk, values, published_at in public.open_data_rows(category, **filters):
        yield [display_value(item, values.get(item.key, "")) for item in items] + [
            pk,
            _url(pk),
            timezone.localtime(published_at).isoformat(timespec="seconds"),
        ]


def _json_item(items, pk, values, published_at) -> dict:
    item_values: dict = {}
    for item in items:
        value = values.get(item.key, "")
        item_values[item.key] = value
        if item.kind == CHOICE and item.choices:
            item_values[f"{item.key}_label"] = display_value(item, value)
    item_values["record_id"] = pk
    item_values["record_url"] = _url(pk)
    item_values["published_at"] = timezone.localtime(published_at).isoformat(timespec="seconds")
    return item_values


@in_legal_language
def json_stream(category: str, **filters) -> Iterator[bytes]:
    items = public.layout_fields(category)
    head = {
        "dataset": f"results-{category}",
        "title": f"{Category(category).label}结果公示",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [{"key": i.key, "header": str(i.label), "required": i.required} for i in items]
        + [{"key": k, "header": h, "required": True} for k, h in META_KEYS],
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "items": ['
    yield opening.encode("utf-8")
    first = True
    for pk, values, published_at in public.open_data_rows(category, **filters):
        text = json.dumps(_json_item(items, pk, values, published_at), ensure_ascii=False)
        yield (("\n  " if first else ",\n  ") + text).encode("utf-8")
        first = False
    yield b"\n ]\n}\n"


@in_legal_language
def xlsx_bytes(category: str, **filters) -> bytes:
    from openpyxl import Workbook

    items = public.layout_fields(category)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{Category(category).label}")
    for row in _sheet_rows(items, category, filters):
        xlsx_append(sheet, row)
    keys = book.create_sheet("fields")
    xlsx_append(keys, ["key", "header", "required"])
    for item in items:
        xlsx_append(keys, [item.key, str(item.label), "是" if item.required else ""])
    for key, header in META_KEYS:
        xlsx_append(keys, [key, header, "是"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
