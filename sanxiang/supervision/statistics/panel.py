"""The charts panel on the heads' dashboard (issue 16 item 7): this year's headline figures of
the head's agency (with its subordinates) against the same period of last year, the chart drawn
by the same script as the statistics page, each figure a link to its list."""

from __future__ import annotations

import datetime
from typing import Any

from . import figures, selectors

HEADLINE = (
    "inspections_done",
    "hazards_found",
    "rectifications_overdue",
    "cases_filed",
    "cases_decided",
    "publications_released",
)


def heads_panel(*, user: Any, today: datetime.date) -> dict | None:
    from sanxiang.core.permissions import is_superuser
    from sanxiang.org.roles import Role

    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        return None
    agency = selectors.statistics_agency(user=user, agency_id=None)
    if agency is None:
        return None
    period = figures.Period("year", today.year)
    table = figures.compute(user=user, agency=agency, period=period, today=today)
    rows = [table.row(key) for key in HEADLINE]
    return {
        "url": figures.page_url(agency, period),
        "rows": rows,
        "chart": {
            "title": f"{agency.name} {period.label}",
            "labels": [str(r.indicator.label) for r in rows],
            "keys": [r.indicator.key for r in rows],
            "series": [
                {"name": period.label, "data": [r.total.value for r in rows]},
                {"name": table.previous.label, "data": [r.previous.value for r in rows]},
            ],
        },
    }
