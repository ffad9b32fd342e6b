"""Open data of the prior-publicity pages: CSV (UTF-8 with BOM, Chinese headers) and JSON
(stable English keys). Built only from the public selectors, in the legal language whatever the
visitor's: open data is a published dataset."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sanxiang.catalog.columns import Column, plain_decimal
from sanxiang.catalog.exporters import to_csv
from sanxiang.catalog.kinds import rows_from_db, spec_for
from sanxiang.core.language import in_legal_language
from sanxiang.core.tabular import csv_bytes

from . import selectors

AGENCY_FIELDS = (
    ("id", "机构编号"),
    ("name", "机构名称"),
    ("level", "层级"),
    ("parent", "上级机构"),
    ("credit_code", "统一社会信用代码"),
    ("enforcement_scope", "执法范围"),
    ("address", "办公地址"),
    ("phone", "联系电话"),
)
OFFICER_FIELDS = (("name", "姓名"), ("agency", "所属机构"), ("certificate_number", "执法证号"))


def _json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _json_row(columns, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in columns:
        value = values[column.key]
        out[column.key] = _json_value(column, value)
        if column.choices and column.render is not None:
            out[f"{column.key}_label"] = column.render(value)
    return out


@in_legal_language
def catalog_json(catalog: selectors.PublicCatalog) -> dict[str, Any]:
    spec = spec_for(catalog.kind)
    version = catalog.version
    items = []
    for row in rows_from_db(spec, version) if version else []:
        item = _json_row(spec.primary.columns, row.values)
        if spec.child is not None:
            item[spec.child.related_name] = [
                _json_row(spec.child.columns, child.values) for child in row.children
            ]
        items.append(item)
    fields = [{"key": c.key, "header": str(c.label)} for c in spec.columns]
    return {
        "dataset": catalog.kind,
        "title": str(spec.label),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "agency": catalog.agency.name if catalog.agency else None,
        "version": None
        if version is None
        else {
            "agency": version.agency.name,
            "number": version.number,
            "title": version.title,
            "effective_from": version.effective_from.isoformat(),
            "published_at": version.published_at.isoformat(timespec="seconds")
            if version.published_at
            else None,
            "is_sample": version.is_sample,
        },
        "fields": fields,
        "items": items,
    }


@in_legal_language
def catalog_csv(catalog: selectors.PublicCatalog) -> bytes:
    spec = spec_for(catalog.kind)
    return to_csv(spec, rows_from_db(spec, catalog.version) if catalog.version else [])


def table_json(name: str, fields, rows: list[Any]) -> dict[str, Any]:
    return {
        "dataset": name,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [{"key": key, "header": header} for key, header in fields],
        "items": [{key: getattr(row, key) for key, _ in fields} for row in rows],
    }


def table_csv(fields, rows: list[Any]) -> bytes:
    header = [header for _, header in fields]
    return csv_bytes([header, *([getattr(row, key) for key, _ in fields] for row in rows)])


def dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
