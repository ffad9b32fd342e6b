"""Reads of the licensing window: staff lists (restricted), the applicant's view (a mine's own
applications, the progress timeline) and the public window (items, post board, consultations)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from sanxiang.core.querycodes import query_code_matches
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine

from .models import Application, Consultation, Licence
from .workflow import ApplicationStatus


def application_list(*, user: Staff) -> QuerySet[Application]:
    return Application.objects.restrict(user).select_related("mine", "agency")


def application_get(*, user: Staff, pk: int) -> Application:
    return application_list(user=user).get(pk=pk)


def licence_list(*, user: Staff) -> QuerySet[Licence]:
    return Licence.objects.restrict(user).select_related("mine", "application")


def applications_for_mine(mine: CoalMine) -> QuerySet[Application]:
    """A mine's own applications, newest first (for the mine's account: the caller has already
    established that its user acts for ``mine``)."""
    return Application.objects.filter(mine=mine).select_related("agency").order_by("-pk")


@dataclass(frozen=True)
class ProgressStep:
    label: str
    on: datetime.date
    note: str
    document_title: str = ""
    document_number: str = ""


@dataclass(frozen=True)
class Progress:
    """What an applicant sees: every step with its date, and the next step with its due date."""

    number: str
    item_name: str
    mine_name: str
    agency_name: str
    status: str
    received_on: datetime.date
    steps: list[ProgressStep] = field(default_factory=list)
    next_label: str = ""
    next_due: datetime.date | None = None
    next_due_provisional: bool = False
    overdue: bool = False
    extension_reason: str = ""


def _provisional_dates(application: Application) -> set[datetime.date]:
    """The application's due dates counted over a year whose holidays are not loaded yet."""
    return {
        date
        for date, provisional in (
            (application.acceptance_due, application.acceptance_due_provisional),
            (application.decision_due, application.decision_due_provisional),
            (application.licence_due, application.licence_due_provisional),
        )
        if date and provisional
    }


def progress(application: Application) -> Progress:
    """The progress timeline of one application (办件进度), for the portal and the mine's account."""
    steps = list(application.steps.select_related("document__number").order_by("on", "pk"))
    last = steps[-1] if steps else None
    next_label = last.next_label if last else ""
    next_due = last.next_due if last else None
    if application.status == ApplicationStatus.PAUSED:
        next_due = None
    final = application.status in {
        ApplicationStatus.REJECTED,
        ApplicationStatus.DENIED,
        ApplicationStatus.LICENSED,
    }
    return Progress(
        number=application.number,
        item_name=application.item_name,
        mine_name=application.mine.name,
        agency_name=application.agency.name,
        status=application.get_status_display(),
        received_on=application.received_on,
        steps=[
            ProgressStep(
                label=s.label,
                on=s.on,
                note=s.note,
                document_title=s.document.title if s.document_id else "",
                document_number=s.document.number.text
                if s.document_id and s.document.number_id
                else "",
            )
            for s in steps
        ],
        next_label="" if final else next_label,
        next_due=None if final else next_due,
        next_due_provisional=bool(next_due and next_due in _provisional_dates(application)),
        overdue=bool(not final and next_due and next_due < timezone.localdate()),
        extension_reason=application.extension_reason,
    )


def progress_lookup(number: str, code: str) -> Progress | None:
    """The public progress query: application number and query code, both required; the code is
    checked against its hash (the same work whether or not the number exists)."""
    number, code = (number or "").strip().upper(), (code or "").strip().upper()
    application = (
        Application.objects.select_related("mine", "agency").filter(number=number).first()
        if number
        else None
    )
    encoded = application.query_code_hash if application else None
    if not query_code_matches(code, encoded):
        return None
    return progress(application)


def public_consultations(*, agency: Agency | None = None) -> QuerySet[Consultation]:
    """Answered questions whose askers agreed to publication (no name, no contact)."""
    rows = Consultation.objects.filter(publish_consent=True).exclude(answer="")
    if agency is not None:
        rows = rows.filter(agency=agency)
    return rows.only("item_name", "question", "answer", "asked_at", "answered_at", "agency")


def consultation_list(*, user: Staff) -> QuerySet[Consultation]:
    return Consultation.objects.restrict(user).select_related("agency")


def post_board(agency: Agency) -> list[dict[str, str]]:
    """岗位信息牌: who holds which licensing post at ``agency`` and its duties (from org data)."""
    from sanxiang.org.roles import Role

    duties = {
        Role.OFFICER: "受理申请、一次性告知补正、审查、组织听证和专家评审、颁发许可证（示例）",
        Role.HEAD: "批准延长决定期限、作出准予或不予行政许可决定（示例）",
    }
    board = []
    staff = (
        Staff.objects.filter(agency=agency, is_active=True, role_grants__role__in=list(duties))
        .distinct()
        .order_by("username")
    )
    for person in staff:
        for role in sorted(person.role_codes & set(duties)):
            board.append(
                {
                    "name": person.full_name or person.username,
                    "post": person.position or str(Role(role).label),
                    "duties": duties[role],
                }
            )
    return board
