"""Reads of 案卷评查: campaigns, files, an evaluator's tasks, results per unit, rectifications —
each cut to what the user may read (``access.py``, ADR 0065)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from sanxiang.org.models import Staff

from ..models_evaluation import (
    Campaign,
    CampaignStatus,
    EvaluationFile,
    EvaluationFinding,
    FileStatus,
    FindingState,
    Grade,
    Rectification,
    RectificationStatus,
)
from .access import campaigns_readable, files_readable, rectifications_readable


def campaign_list(*, user: Staff, status: str = "") -> QuerySet[Campaign]:
    campaigns = campaigns_readable(user).select_related("agency", "rubric")
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-created_at", "-pk")


def campaign_get(*, user: Staff, pk: int) -> Campaign:
    return campaign_list(user=user).get(pk=pk)


def file_list(*, user: Staff, campaign: Campaign | None = None) -> QuerySet[EvaluationFile]:
    files = files_readable(user).select_related("campaign", "unit", "evaluator", "archive_unit")
    if campaign is not None:
        files = files.filter(campaign=campaign)
    return files.order_by("campaign", "unit__path", "key")


def file_get(*, user: Staff, pk: int) -> EvaluationFile:
    return file_list(user=user).get(pk=pk)


def my_tasks(*, user: Staff, today: datetime.date | None = None) -> QuerySet[EvaluationFile]:
    """The files waiting for ``user``'s evaluation in campaigns running today."""
    today = today or timezone.localdate()
    return (
        EvaluationFile.objects.filter(
            evaluator=user,
            status=FileStatus.ASSIGNED,
            campaign__status=CampaignStatus.RUNNING,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        )
        .select_related("campaign", "unit")
        .order_by("campaign__ends_on", "pk")
    )


@dataclass
class UnitResult:
    name: str
    drawn: int = 0
    scored: int = 0
    grades: Counter = field(default_factory=Counter)
    basic_failed: int = 0
    points: Decimal = Decimal("0")

    @property
    def average(self) -> Decimal | None:
        return (self.points / self.scored).quantize(Decimal("0.1")) if self.scored else None

    @property
    def excellent(self) -> int:
        return self.grades[Grade.EXCELLENT]

    @property
    def passed(self) -> int:
        return self.grades[Grade.PASS]

    @property
    def failed(self) -> int:
        return self.grades[Grade.FAIL]


def results(campaign: Campaign) -> tuple[UnitResult, list[UnitResult]]:
    """The campaign's totals and its results per unit (the report and the campaign page)."""
    total = UnitResult(name="合计")
    per_unit: dict[int, UnitResult] = {}
    for file in campaign.files.select_related("unit").order_by("unit__path", "key"):
        row = per_unit.setdefault(file.unit_id, UnitResult(name=file.unit.name))
        for target in (row, total):
            target.drawn += 1
            if file.status == FileStatus.SCORED:
                target.scored += 1
                target.grades[file.grade] += 1
                target.basic_failed += int(file.basic_failed)
                target.points += file.total or Decimal("0")
    return total, list(per_unit.values())


def common_defects(campaign: Campaign, limit: int = 10) -> list[tuple[str, int]]:
    """The rubric items most often failed or deducted, confirmed findings only."""
    counts = Counter(
        EvaluationFinding.objects.filter(
            file__campaign=campaign, state=FindingState.CONFIRMED
        ).values_list("item_label", flat=True)
    )
    return counts.most_common(limit)


def rectification_list(*, user: Staff, status: str = "") -> QuerySet[Rectification]:
    rows = rectifications_readable(user).select_related("file__campaign", "unit")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "due_on", "pk")


def rectifications_open(*, user: Staff) -> QuerySet[Rectification]:
    return rectification_list(user=user, status=RectificationStatus.OPEN)
