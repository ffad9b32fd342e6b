"""The lists of items a coercive or evidence document must name (ADR 0215).

《中华人民共和国行政强制法》第二十四条 asks a 查封（扣押）决定书 to name the sites, facilities or
things sealed, with their quantity; the national formats (煤矿安全监察行政执法文书式样) print the same
table on the 先行登记保存证据通知书 and the 抽样取证通知书: name, specification, quantity, place.
A record without the list would print blanks, so the services require it: an API client sends a
list of objects, a staff form one item per line with the fields separated by “｜” (or “|”, a tab).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIELDS = ("name", "specification", "quantity", "place")
MAX_ITEMS = 50
LIMIT = 200
SEPARATORS = re.compile(r"\s*[|｜\t]\s*")


def items_parse(raw: Any, *, field: str = "items") -> list[dict[str, str]]:
    """The items in ``raw`` (a list of objects, or text one item per line), or field errors.

    Name and quantity are required for each item (the quantity is what the party signs for);
    specification and place may be “—” when the thing has none.
    """
    rows = _rows(raw)
    if rows is None:
        raise ValidationError({field: [_("物品清单格式不正确：每项写明名称、规格、数量、地点。")]})
    if not rows:
        raise ValidationError({field: [_("请填写物品清单（名称、规格、数量、地点），至少一项。")]})
    if len(rows) > MAX_ITEMS:
        raise ValidationError(
            {field: [_("物品清单最多 %(n)s 项，请另附清单。") % {"n": MAX_ITEMS}]}
        )
    problems = []
    items = []
    for number, row in enumerate(rows, start=1):
        item = {key: _clean(row.get(key)) for key in FIELDS}
        if not item["name"]:
            problems.append(_("第%(n)s项缺少名称。") % {"n": number})
        if not item["quantity"]:
            problems.append(_("第%(n)s项缺少数量。") % {"n": number})
        if any(len(value) > LIMIT for value in item.values()):
            problems.append(_("第%(n)s项内容过长（每栏最多%(m)s字）。") % {"n": number, "m": LIMIT})
        items.append(item)
    if problems:
        raise ValidationError({field: ["".join(problems)]})
    return items


def collect(errors: dict[str, list[str]], raw: Any, *, field: str = "items"):
    """:func:`items_parse`, adding its errors to ``errors`` so all fields are reported at once."""
    try:
        return items_parse(raw, field=field)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        return None


def _rows(raw: Any) -> list[dict[str, Any]] | None:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        lines = [line for line in raw.splitlines() if line.strip()]
        return [dict(zip(FIELDS, SEPARATORS.split(line.strip()), strict=False)) for line in lines]
    if isinstance(raw, list | tuple):
        rows = []
        for row in raw:
            if hasattr(row, "model_dump"):
                row = row.model_dump()
            if not isinstance(row, dict):
                return None
            rows.append(row)
        return rows
    return None


def _clean(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def items_text(items: list[dict[str, str]]) -> str:
    """One line per item, for the staff page and the ledger (“名称 规格 数量 地点”)."""
    return "；".join(
        " ".join(v for v in (i["name"], i["specification"], i["quantity"], i["place"]) if v)
        for i in items
    )
