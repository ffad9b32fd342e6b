"""Export of the portal's current result set as CSV or XLSX (ADR 0097).

Every cell goes through the shared neutralising writer ``sanxiang.core.tabular`` (ADR 0080),
so that a party name such as ``=HYPERLINK(…)`` never runs as a formula in Excel, WPS or
LibreOffice.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse

from sanxiang.core.tabular import xlsx_append

HEADER = (
    "类别",
    "当事人（执法对象）",
    "文号",
    "违法行为类型 / 事项",
    "处理结果",
    "罚款金额（万元）",
    "执法机构",
    "决定日期",
    "公示网址",
)
CHUNK = 64 * 1024


def result_rows(hits, *, base: str) -> Iterator[list[Any]]:
    """Header, then one row per hit in the page's order."""
    yield list(HEADER)
    for hit in hits:
        yield [
            hit.category_label,
            hit.party_name,
            hit.document_number,
            hit.kind_text,
            hit.outcome,
            hit.fine_amount if isinstance(hit.fine_amount, Decimal) else None,
            hit.agency,
            hit.decision_date.isoformat(),
            base + reverse("portal:result", args=[hit.id]),
        ]


def xlsx_stream(rows: Iterable[Sequence[Any]], *, title: str) -> Iterator[bytes]:
    """A write-only workbook (rows are not held as cell objects), sent in chunks."""
    from openpyxl import Workbook  # imported on use, as elsewhere: 10 MiB in every process

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        xlsx_append(sheet, row)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
