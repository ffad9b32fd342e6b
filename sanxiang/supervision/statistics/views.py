"""Pages of the enforcement statistics: the figures with drill-down, the list behind each figure,
the same figures as XLSX (ADR 0080) and the chart data (ECharts, ADR 0170)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.core.listing import clean_int, paginate
from sanxiang.core.tabular import xlsx_append

from . import figures, selectors
from .indicators import indicator_get

SECTION = "supervision"


def _context(request) -> tuple[Any, figures.Period, Any]:
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied(_("只有负责人和系统管理员可以查看执法统计。"))
    today = timezone.localdate()
    period = figures.Period.parse(
        request.GET.get("period"), request.GET.get("year"), request.GET.get("n"), today
    )
    agency = selectors.statistics_agency(user=request.user, agency_id=clean_int(request, "agency"))
    if agency is None:
        raise Http404
    return agency, period, today


def chart_data(table: figures.Table) -> dict[str, Any]:
    """What the page's chart draws: per count indicator, the total of the period and of the same
    period last year (the table's 合计 and 上年同期 columns, value for value)."""
    rows = [row for row in table.rows() if not row.indicator.is_amount]
    return {
        "title": _("%(a)s %(p)s 与上年同期") % {"a": table.agency.name, "p": table.period.label},
        "labels": [str(row.indicator.label) for row in rows],
        "keys": [row.indicator.key for row in rows],
        "series": [
            {"name": table.period.label, "data": [row.total.value for row in rows]},
            {"name": table.previous.label, "data": [row.previous.value for row in rows]},
        ],
        "subordinates": {
            "labels": [c.label for c in table.columns],
            "keys": [row.indicator.key for row in rows],
        },
    }


@login_required
@require_GET
def statistics(request):
    agency, period, today = _context(request)
    table = figures.compute(user=request.user, agency=agency, period=period, today=today)
    years = list(range(today.year, today.year - 10, -1))
    return render(
        request,
        "supervision/statistics.html",
        {
            "section": SECTION,
            "table": table,
            "crumbs": [
                (a, figures.page_url(a, period))
                for a in selectors.breadcrumbs(user=request.user, agency=agency)
            ],
            "chart": chart_data(table),
            "years": years,
            "quarters": range(1, 5),
            "months": range(1, 13),
            "period": period,
            "xlsx_query": request.GET.urlencode(),
            "generated_at": timezone.localtime(),
        },
    )


@login_required
@require_GET
def statistics_list(request, key: str):
    indicator = indicator_get(key)
    if indicator is None:
        raise Http404
    agency, period, today = _context(request)
    own_only = request.GET.get("own") == "1"
    qs = figures.records(
        user=request.user,
        indicator=indicator,
        agency=agency,
        own_only=own_only,
        period=period,
        today=today,
    )
    source = indicator.source
    context = paginate(request, qs)
    rows = [
        {"url": source.url(record), "cells": [column.value(record) for column in source.columns]}
        for record in context["page_obj"]
    ]
    return render(
        request,
        "supervision/statistics_list.html",
        {
            "section": SECTION,
            "indicator": indicator,
            "agency": agency,
            "own_only": own_only,
            "period": period,
            "count": context["page_obj"].paginator.count,
            "amount": figures.total_of(qs, indicator) if indicator.is_amount else None,
            "columns": [str(c.label) for c in source.columns],
            "rows": rows,
            "back_url": figures.page_url(agency, period),
            **context,
        },
    )


def workbook_bytes(table: figures.Table) -> bytes:
    """The page's figures as an XLSX: one row per indicator, the same columns as the page."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("执法统计")
    xlsx_append(sheet, [_("%(a)s %(p)s") % {"a": table.agency.name, "p": table.period.label}])
    xlsx_append(
        sheet,
        [_("类别"), _("指标")]
        + [c.agency.name if c.kind == "sub" else c.label for c in table.columns]
        + [_("上年同期"), _("增减（%）")],
    )
    for group, rows in table.groups:
        for row in rows:
            xlsx_append(
                sheet,
                [str(group), str(row.indicator.label)]
                + [cell.value for cell in row.cells]
                + [row.previous.value, row.change if row.change is not None else ""],
            )
    for item in table.ratios:
        unit = item.unit
        kind = _("比率（%）") if unit == "%" else _("平均值（%(u)s）") % {"u": unit}
        xlsx_append(
            sheet,
            [kind, str(item.label)]
            + [value if value is not None else "" for value in item.cells]
            + [item.before if item.before is not None else "", ""],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def statistics_xlsx(request):
    agency, period, today = _context(request)
    table = figures.compute(user=request.user, agency=agency, period=period, today=today)
    response = HttpResponse(
        workbook_bytes(table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{agency.pk}-{period.year}-{period.kind}-{period.number}.xlsx"'
    )
    return response
