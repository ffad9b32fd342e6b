"""案卷评查 in the enforcement statistics (issue 16 item 2, ADR 0228), registered from
``SupervisionConfig.ready`` through the hook of ADR 0170.

The records are the scored files, counted under the unit that handled them (the evaluated
unit, not the organiser: “each record once under the agency that handled it”) by the day the
file was scored: files evaluated, per grade, and the points added up; the mean score is a
rate beside the figures (points ÷ files evaluated, ``indicators.RATIOS``), so it and its two
parts each link to the files behind them.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models_evaluation import EvaluationFile, FileStatus, Grade

GROUP = _("案卷评查")


def register() -> None:
    from sanxiang.supervision.statistics.indicators import (
        Column,
        Indicator,
        Source,
        register_source,
    )

    def grade(value: str):
        return lambda _today: Q(grade=value)

    register_source(
        Source(
            "evaluation_files",
            _("评查案卷"),
            lambda: EvaluationFile.objects.filter(status=FileStatus.SCORED).select_related(
                "campaign", "unit"
            ),
            "unit",
            "scored_at",
            True,
            lambda r: reverse("supervision:evaluation_file", args=[r.pk]),
            [
                Column(_("评查活动"), lambda r: r.campaign.title),
                Column(_("案卷题名"), lambda r: r.title),
                Column(_("评查等次"), lambda r: r.get_grade_display()),
                Column(_("总分"), lambda r: r.total),
                Column(_("基本标准不达标"), lambda r: _("是") if r.basic_failed else ""),
            ],
        ),
        [
            Indicator("evaluation_scored", _("评查案卷（已评定）"), GROUP),
            Indicator("evaluation_excellent", _("评为优秀"), GROUP, grade(Grade.EXCELLENT)),
            Indicator("evaluation_pass", _("评为合格"), GROUP, grade(Grade.PASS)),
            Indicator("evaluation_fail", _("评为不合格"), GROUP, grade(Grade.FAIL)),
            Indicator("evaluation_points", _("评查得分合计（分）"), GROUP, amount_field="total"),
        ],
    )
