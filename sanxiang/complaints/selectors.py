"""Reads of 投诉举报. Staff reads are cut by ``restrict`` (agency scope, ADR 0065); the reporter's
identity is shown in clear only to the report's intake officer and the heads in scope
(``may_see_reporter``), masked for everyone else. The portal reads only ``public_progress``.

Selectors for other apps: ``complaints_by_mine`` (a mine's own account: the complaints it
filed against the agency), ``complaints_about_mine`` (staff), ``complaint_counts`` and
``complaint_counts_by_agency`` (supervision statistics, P12).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.org.roles import Role

from .models import Complaint, ComplaintFile, ComplaintScanStatus
from .workflow import INTAKE, OPEN_STATES, ComplaintStatus


def complaint_list(*, user: Any, status: str | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.restrict(user).select_related(
        "agency", "mine", "intake_officer", "assigned_to"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def complaint_get(*, user: Any, pk: int) -> Complaint | None:
    return complaint_list(user=user).filter(pk=pk).first()


def intake_queue(*, user: Any) -> QuerySet[Complaint]:
    """Online reports waiting to be taken (受理登记), oldest first, for officers and heads."""
    if not (is_superuser(user) or user.has_role(*INTAKE)):
        return Complaint.objects.none()
    return complaint_list(user=user, status=ComplaintStatus.RECEIVED).order_by("received_at")


def my_verifications(*, user: Any) -> QuerySet[Complaint]:
    """Reports the user verifies, soonest due first."""
    return (
        complaint_list(user=user, status=ComplaintStatus.VERIFYING)
        .filter(assigned_to=user)
        .order_by("verify_due")
    )


def escalations(*, user: Any) -> QuerySet[Complaint]:
    """Open reports involving deaths, for the heads in scope (their dashboard)."""
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        return Complaint.objects.none()
    return (
        complaint_list(user=user)
        .filter(escalated_at__isnull=False, status__in=OPEN_STATES)
        .order_by("escalated_at")
    )


def may_see_reporter(user: Any, complaint: Complaint) -> bool:
    """The intake officer and the heads in scope — nobody else (安全生产法 art. 73)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if complaint.intake_officer_id is not None and complaint.intake_officer_id == user.pk:
        return True
    return bool(
        (is_superuser(user) or user.has_role(Role.HEAD)) and in_scope(user, complaint.agency)
    )


def reporter_for(user: Any, complaint: Complaint) -> dict[str, str]:
    """What ``user`` sees of the reporter: in clear, masked, or "anonymous"."""
    if complaint.anonymous:
        return {"name": _("匿名举报"), "contact": "", "masked": False}
    if may_see_reporter(user, complaint):
        return {
            "name": complaint.reporter_name,
            "contact": complaint.reporter_contact,
            "masked": False,
        }
    return {
        "name": _("实名举报（身份信息仅受理人和负责人可见）"),
        "contact": "***" if complaint.reporter_contact else "",
        "masked": True,
    }


def files_visible(*, user: Any, complaint: Complaint) -> list[ComplaintFile]:
    """The files of a report with what the user may open: only scanned, stripped copies."""
    return list(complaint.files.all())


def file_for_viewing(*, user: Any, pk: int) -> ComplaintFile | None:
    """A clean, stripped copy in the user's scope, or None (quarantined ones never open)."""
    return (
        ComplaintFile.objects.filter(
            pk=pk,
            complaint__in=complaint_list(user=user).values("pk"),
            scan_status=ComplaintScanStatus.CLEAN,
        )
        .exclude(clean_path="")
        .first()
    )


def public_progress(complaint: Complaint) -> dict[str, Any]:
    """What the reporter sees with his query code: the states with their dates, and the reply."""
    return {
        "number": complaint.number,
        "status": complaint.get_status_display(),
        "received_on": timezone.localtime(complaint.received_at).date(),
        "steps": [
            (s.get_status_display(), timezone.localtime(s.at)) for s in complaint.steps.all()
        ],
        "reply": complaint.reply,
        "closed": complaint.status in (ComplaintStatus.CLOSED, ComplaintStatus.TRANSFERRED),
    }


def complaints_by_mine(mine: Any) -> QuerySet[Complaint]:
    """The complaints a coal mine filed from its own account against the agency (企业端).

    The caller shows each through ``public_progress`` — the mine sees its own complaints'
    state and reply, nothing of the agency's handling."""
    return Complaint.objects.filter(complainant_mine=mine).order_by("-received_at")


def complaints_about_mine(*, user: Any, mine: Any) -> QuerySet[Complaint]:
    """Reports against ``mine`` the staff user may see (the mine file, inspection planning)."""
    return complaint_list(user=user).filter(mine=mine)


def _period(qs: QuerySet, start: datetime.date | None, end: datetime.date | None) -> QuerySet:
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    return qs


def complaint_counts(
    *, user: Any, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, Any]:
    """Figures of the reports received in [start, end] that ``user`` may see (P12 statistics):
    total, by status, category and channel, verified true, turned into inspections,
    transferred, escalated, overdue verifications, reward-eligible."""
    qs = _period(complaint_list(user=user), start, end)
    today = timezone.localdate()

    def grouped(field: str) -> dict[str, int]:
        return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk"))}

    return {
        "total": qs.count(),
        "by_status": grouped("status"),
        "by_category": grouped("category"),
        "by_channel": grouped("channel"),
        "substantiated": qs.filter(substantiated__in=["true", "partly"]).count(),
        "to_inspection": qs.filter(inspection_plan__isnull=False).count(),
        "to_case": qs.filter(case__isnull=False).count(),
        "transferred": qs.filter(status=ComplaintStatus.TRANSFERRED).count(),
        "escalated": qs.filter(escalated_at__isnull=False).count(),
        "overdue": qs.filter(status=ComplaintStatus.VERIFYING, verify_due__lt=today).count(),
        "reward_eligible": qs.filter(reward_eligible=True).count(),
    }


def complaint_counts_by_agency(
    *, user: Any, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """Per receiving agency: reports received, closed (incl. transferred) and open."""
    qs = _period(complaint_list(user=user), start, end)
    rows = qs.values("agency_id").annotate(
        total=Count("pk"),
        closed=Count(
            "pk",
            filter=Q(status__in=[ComplaintStatus.CLOSED, ComplaintStatus.TRANSFERRED]),
        ),
    )
    return {
        r["agency_id"]: {
            "total": r["total"],
            "closed": r["closed"],
            "open": r["total"] - r["closed"],
        }
        for r in rows
    }
