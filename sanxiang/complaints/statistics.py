"""The complaints' figures in the enforcement statistics (P12, ADR 0170/0173) and the "complaints
verified" risk signal (ADR 0171/0173), registered from ``ComplaintsConfig.ready``.

The indicators are those of ``selectors.complaint_counts`` / ``complaint_counts_by_agency`` (the
same conditions), counted under the receiving agency by the day the report was received; the list
behind each figure is the same queryset with the same condition (ADR 0170).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Complaint, ComplaintVerdict
from .workflow import ComplaintStatus

VERIFIED_TRUE = (ComplaintVerdict.TRUE, ComplaintVerdict.PARTLY)
DONE = (ComplaintStatus.CLOSED, ComplaintStatus.TRANSFERRED)
LOOKBACK_DAYS = 3 * 365


def register() -> None:
    from sanxiang.supervision.risk.signals import Signal, register_signal, weight
    from sanxiang.supervision.statistics.indicators import (
        Column,
        Indicator,
        Source,
        register_source,
    )

    group = gettext_lazy("投诉举报")
    register_source(
        Source(
            "complaints",
            gettext_lazy("投诉举报"),
            lambda: Complaint.objects.select_related("mine"),
            "agency",
            "received_at",
            True,
            lambda r: reverse("complaints:detail", args=[r.pk]),
            [
                Column(gettext_lazy("举报编号"), lambda r: r.number),
                Column(gettext_lazy("被举报单位"), lambda r: r.mine or r.mine_text),
                Column(gettext_lazy("举报类别"), lambda r: r.get_category_display()),
                Column(gettext_lazy("状态"), lambda r: r.get_status_display()),
            ],
        ),
        [
            Indicator("complaints_received", gettext_lazy("收到投诉举报"), group),
            Indicator(
                "complaints_substantiated",
                gettext_lazy("核查属实（含部分属实）"),
                group,
                lambda _t: Q(substantiated__in=VERIFIED_TRUE),
            ),
            Indicator(
                "complaints_to_inspection",
                gettext_lazy("转为行政检查"),
                group,
                lambda _t: Q(inspection_plan__isnull=False),
            ),
            Indicator(
                "complaints_to_case",
                gettext_lazy("立案查处"),
                group,
                lambda _t: Q(case__isnull=False),
            ),
            Indicator(
                "complaints_transferred",
                gettext_lazy("移送有关部门"),
                group,
                lambda _t: Q(status=ComplaintStatus.TRANSFERRED),
            ),
            Indicator(
                "complaints_closed",
                gettext_lazy("已办结（含移送）"),
                group,
                lambda _t: Q(status__in=DONE),
            ),
            Indicator(
                "complaints_overdue",
                gettext_lazy("核查逾期"),
                group,
                lambda today: Q(status=ComplaintStatus.VERIFYING, verify_due__lt=today),
                uses_today=True,
            ),
        ],
    )
    register_signal(
        Signal("complaint", gettext_lazy("举报属实"), weight("complaint"), _verified_complaints)
    )


def _verified_complaints(user: Any, today: datetime.date) -> dict[int, list[tuple[int, str]]]:
    """Complaints against the mine found true (or partly true) over the last three years."""
    from .selectors import complaint_list

    since = today - datetime.timedelta(days=LOOKBACK_DAYS)
    rows = (
        complaint_list(user=user)
        .filter(substantiated__in=VERIFIED_TRUE, mine__isnull=False, received_at__date__gte=since)
        .order_by()
        .values("mine")
        .annotate(n=Count("pk"))
    )
    return {
        row["mine"]: [(row["n"], _("近三年举报经核查属实%(n)d件") % {"n": row["n"]})]
        for row in rows
    }
