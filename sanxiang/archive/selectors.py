"""Reads of the archive, cut to what the user may see (own agency and below, ADR 0065)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sanxiang.org.models import Staff

from .models import ArchiveUnit, CheckRun, UnitKind, UnitStatus

OPEN = (UnitStatus.DRAFT, UnitStatus.RETURNED, UnitStatus.SUBMITTED)
DUE_SOON_DAYS = 7
DUE_FILTERS = {"overdue": gettext_lazy("已逾期"), "soon": gettext_lazy("7日内到期")}


def unit_list(
    *,
    user: Staff,
    status: str = "",
    kind: str = "",
    year: int | None = None,
    due: str = "",
    q: str = "",
    today: datetime.date | None = None,
) -> QuerySet[ArchiveUnit]:
    today = today or timezone.localdate()
    units = ArchiveUnit.objects.restrict(user).select_related("agency", "mine")
    if status in UnitStatus.values:
        units = units.filter(status=status)
    if kind in UnitKind.values:
        units = units.filter(kind=kind)
    if year:
        units = units.filter(year=year)
    if due == "overdue":
        units = units.filter(status__in=OPEN, filing_due__lt=today)
    elif due == "soon":
        units = units.filter(
            status__in=OPEN,
            filing_due__gte=today,
            filing_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
    if q:
        units = units.filter(title__icontains=q) | units.filter(archival_code__icontains=q)
    return units.order_by("-year", "-pk")


def unit_get(*, user: Staff, pk: int) -> ArchiveUnit:
    return ArchiveUnit.objects.restrict(user).select_related("agency", "mine", "case").get(pk=pk)


def latest_check(unit: ArchiveUnit) -> CheckRun | None:
    return unit.check_runs.order_by("-ran_at", "-pk").first()


def years(*, user: Staff) -> list[int]:
    return sorted(
        set(ArchiveUnit.objects.restrict(user).values_list("year", flat=True)), reverse=True
    )


def filing_due_for(*, user: Staff, today: datetime.date, statuses=OPEN) -> QuerySet[ArchiveUnit]:
    """Units not yet filed whose filing deadline has passed or falls within a week."""
    return (
        ArchiveUnit.objects.restrict(user)
        .filter(
            status__in=statuses,
            filing_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .order_by("filing_due", "pk")
    )
