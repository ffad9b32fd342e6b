"""The campaign report (评查情况报告) for the heads, as a PDF (ADR 0160): totals, grades, results
per unit, the most common defects, files failed and the rectification requests."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.documents.rendering import render_pdf

from ..models_evaluation import Campaign, FileStatus, Grade, Rectification
from .selectors import common_defects, results

TEMPLATE = "supervision/pdf/evaluation_report.html"


def report_context(campaign: Campaign) -> dict:
    total, units = results(campaign)
    files = list(campaign.files.select_related("unit", "evaluator").order_by("unit__path", "key"))
    return {
        "campaign": campaign,
        "total": total,
        "units": units,
        "defects": common_defects(campaign),
        "failed": [f for f in files if f.status == FileStatus.SCORED and f.grade == Grade.FAIL],
        "files": files,
        "rectifications": list(
            Rectification.objects.filter(file__campaign=campaign)
            .select_related("unit", "file")
            .order_by("due_on", "pk")
        ),
        "generated": timezone.localtime(),
    }


def campaign_report_pdf(campaign: Campaign) -> bytes:
    return render_pdf(TEMPLATE, report_context(campaign))
