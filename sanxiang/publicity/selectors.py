"""Staff reads of result publication, cut to the user's agency and below: the work lists, the
timeliness dashboard (GS-POST-1, GS-POST-2) and the annual reports (GS-POST-3)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.core.workdays import working_days_between
from sanxiang.org.models import Agency, AgencyLevel, Staff

from . import rules
from .models import AnnualReport, Publication
from .workflow import PREPARING, PublicationStatus, ReportStatus

S = PublicationStatus


def publication_editing(subject_type: str, subject_id: str, user: Staff) -> str | None:
    """The publicity editor of a publication of this case or inspection that is still being
    prepared reads its documents (ADR 0123): ``publication:7``."""
    from sanxiang.core.permissions import in_scope
    from sanxiang.org.roles import Role

    if not user.has_role(Role.PUBLICITY_EDITOR):
        return None
    for publication in Publication.objects.select_related("agency").filter(
        source_type=subject_type, source_id=str(subject_id), status__in=PREPARING
    ):
        if in_scope(user, publication.agency):
            return f"publication:{publication.pk}"
    return None


def publication_list(
    *,
    user: Staff,
    status: str = "",
    category: str = "",
    due: str = "",
    q: str = "",
    agency_id: int | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Publication]:
    today = today or timezone.localdate()
    rows = Publication.objects.restrict(user).select_related("agency", "live_version")
    if status == "open":
        rows = rows.filter(status__in=PREPARING)
    elif status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if due == "overdue":
        rows = rows.filter(status__in=PREPARING, live_version__isnull=True, due_on__lt=today)
    elif due == "withdrawal_overdue":
        rows = rows.filter(status=S.WITHDRAWAL_PENDING, withdrawal_due__lt=today)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(fields__decision_number__icontains=q))
    return rows


def publication_get(*, user: Staff, pk: int, action: str = "view") -> Publication:
    return (
        Publication.objects.restrict(user, action)
        .select_related(
            "agency", "mine", "person", "live_version", "confirmed_by", "reviewed_by", "approved_by"
        )
        .get(pk=pk)
    )


@dataclass
class Timeliness:
    """GS-POST-1 for one agency (and below): on time, late, overdue now, due soon."""

    agency: Agency
    released: int = 0
    on_time: int = 0
    late: int = 0
    overdue_now: int = 0
    due_soon: int = 0
    pending: int = 0
    withdrawal_pending: int = 0
    withdrawal_overdue: int = 0
    overdue_items: list[Publication] = field(default_factory=list)

    @property
    def rate(self) -> str:
        return f"{100 * self.on_time / self.released:.1f}%" if self.released else "—"


def _due_soon(publication: Publication, today: datetime.date) -> bool:
    return (
        today <= publication.due_on
        and working_days_between(today, publication.due_on) <= rules.DUE_SOON_WORKING_DAYS
    )


def timeliness(
    *, user: Staff, year: int | None = None, today: datetime.date | None = None
) -> list[Timeliness]:
    """One row per agency the user sees that has publications: released on time / late within
    ``year`` (by decision date), and the state of work now (overdue, due soon, withdrawals)."""
    today = today or timezone.localdate()
    year = year or today.year
    rows: dict[int, Timeliness] = {}
    agencies = {a.pk: a for a in Agency.objects.restrict(user).order_by("path")}
    publications = (
        Publication.objects.restrict(user)
        .filter(Q(decided_on__year=year) | Q(status__in=PREPARING) | Q(status=S.WITHDRAWAL_PENDING))
        .select_related("agency")
    )
    for publication in publications:
        row = rows.setdefault(
            publication.agency_id,
            Timeliness(agencies.get(publication.agency_id, publication.agency)),
        )
        if publication.first_published_at and publication.decided_on.year == year:
            row.released += 1
            if timezone.localdate(publication.first_published_at) <= publication.due_on:
                row.on_time += 1
            else:
                row.late += 1
        if publication.status in PREPARING:
            row.pending += 1
            if publication.due_on < today:
                row.overdue_now += 1
                row.overdue_items.append(publication)
            elif _due_soon(publication, today):
                row.due_soon += 1
        if publication.status == S.WITHDRAWAL_PENDING:
            row.withdrawal_pending += 1
            if publication.withdrawal_due and publication.withdrawal_due < today:
                row.withdrawal_overdue += 1
    return sorted(rows.values(), key=lambda r: r.agency.path)


def timeliness_total(rows: list[Timeliness]) -> Timeliness | None:
    if not rows:
        return None
    total = Timeliness(agency=rows[0].agency)
    for row in rows:
        for name in (
            "released",
            "on_time",
            "late",
            "overdue_now",
            "due_soon",
            "pending",
            "withdrawal_pending",
            "withdrawal_overdue",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


@dataclass(frozen=True)
class Alerts:
    overdue: int
    due_soon: int
    withdrawal_overdue: int
    withdrawal_pending: int
    awaiting_me: int
    reports_missing: list[str]
    report_year: int | None


def alerts(*, user: Staff, today: datetime.date | None = None) -> Alerts:
    """What the home page warns about: overdue and nearly due drafts, withdrawals, the report."""
    today = today or timezone.localdate()
    rows = timeliness(user=user, today=today)
    mine = Publication.objects.restrict(user)
    awaiting = 0
    if user.has_role("head") or user.is_superuser:
        awaiting += mine.filter(status__in=(S.REVIEWED, S.WITHDRAWAL_PENDING)).count()
    if user.has_role("legal_reviewer", "publicity_editor"):
        awaiting += mine.filter(status=S.REDACTION_CONFIRMED).exclude(confirmed_by=user).count()
    if user.has_role("publicity_editor"):
        awaiting += mine.filter(status=S.DRAFT).count()
    missing, year = report_reminders(user=user, today=today)
    return Alerts(
        overdue=sum(r.overdue_now for r in rows),
        due_soon=sum(r.due_soon for r in rows),
        withdrawal_overdue=sum(r.withdrawal_overdue for r in rows),
        withdrawal_pending=sum(r.withdrawal_pending for r in rows),
        awaiting_me=awaiting,
        reports_missing=missing,
        report_year=year,
    )


def report_list(*, user: Staff) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.restrict(user).select_related("agency", "approved_by")


def report_get(*, user: Staff, pk: int) -> AnnualReport:
    return report_list(user=user).get(pk=pk)


def report_reminders(
    *, user: Staff, today: datetime.date | None = None
) -> tuple[list[str], int | None]:
    """GS-POST-3: agencies (own and below) whose report on last year is not published, once
    31 January is near (from ``REPORT_REMINDER_DAYS`` before) and until it is."""
    today = today or timezone.localdate()
    year = today.year - 1
    if (
        not rules.report_reminder_from(year)
        <= today
        <= rules.report_due(year) + datetime.timedelta(days=335)
    ):
        return [], None
    published = set(
        AnnualReport.objects.filter(year=year, status=ReportStatus.PUBLISHED).values_list(
            "agency_id", flat=True
        )
    )
    agencies = Agency.objects.restrict(user).filter(
        is_active=True,
        level__in=(AgencyLevel.NATIONAL, AgencyLevel.PROVINCIAL, AgencyLevel.SUB_BUREAU),
    )
    return [a.name for a in agencies.order_by("path") if a.pk not in published], year
