"""一矿一档 (JL-ARC-3, ADR 0126): the mine's file as a page and as a table.

The timeline itself is assembled in :mod:`sanxiang.registry.timeline` from the sources the apps
register; this module reads the page's filters and writes the timeline as rows for CSV and XLSX
through the project's one safe spreadsheet writer (:mod:`sanxiang.core.tabular`, ADR 0080).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from sanxiang.core.tabular import csv_stream, xlsx_append
from sanxiang.org.selectors import agency_list

from .forms import MineFileFilterForm
from .models import CoalMine
from .timeline import MineTimeline, TimelineEvent, TimelineFilter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filtered(*, user, mine: CoalMine, data) -> tuple[MineFileFilterForm, MineTimeline]:
    """The filter form bound to the query string, and the mine's timeline under the filter it
    stands for (the valid fields only: a bad date is reported on its field and not applied)."""
    timeline = MineTimeline(user=user, mine=mine)
    agencies = agency_list(user=user).order_by("path")
    form = MineFileFilterForm(data or None, kinds=timeline.kinds(), agencies=agencies)
    if not data:
        return form, timeline
    form.is_valid()
    clean = getattr(form, "cleaned_data", {})
    kind = clean.get("kind") or ""
    flt = TimelineFilter(
        kinds=frozenset({kind}) if kind else frozenset(),
        date_from=clean.get("date_from"),
        date_to=clean.get("date_to"),
        agency=clean.get("agency"),
    )
    return form, timeline.with_filter(flt)


def header() -> list[str]:
    return [
        _("日期"),
        _("时间"),
        _("类别"),
        _("事项"),
        _("状态"),
        _("摘要"),
        _("经办人"),
        _("执法机构"),
    ]


def event_row(event: TimelineEvent) -> list[str]:
    time = event.time
    return [
        event.day.isoformat(),
        time.strftime("%H:%M") if time else "",
        event.kind_label,
        event.title,
        event.badge,
        event.summary,
        event.who,
        event.agency,
    ]


def timeline_csv(events: Iterable[TimelineEvent]) -> Iterator[bytes]:
    """The timeline as CSV lines (UTF-8 with BOM, formula-safe)."""
    return csv_stream([header(), *(event_row(e) for e in events)])


def timeline_xlsx(events: Iterable[TimelineEvent], *, title: str) -> bytes:
    """The timeline as one XLSX sheet (text cells never formulas)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("执法时间线"))
    xlsx_append(sheet, [title])
    xlsx_append(sheet, header())
    for event in events:
        xlsx_append(sheet, event_row(event))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
