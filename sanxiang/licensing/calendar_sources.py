"""The applications' stored due dates (受理、决定、发证期限), for the recompute when a year's
arrangement is loaded (``core.deadline_recompute``, ADR 0096).

Each period is the agency's: it follows the loaded calendar either way. The application's
progress timeline shows the next step's due date from its latest step, so a recomputed date is
carried into that step too (a ledger event of the application, which lists its steps).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, pending
from sanxiang.core.workdays import DueDate
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import rules
from .models import Application
from .workflow import ApplicationStatus


def _carry_into_latest_step(application: Application, old: datetime.date):
    def after_change(actor, new: datetime.date, provisional: bool) -> None:
        step = application.steps.order_by("-on", "-pk").first()
        if step is None or step.next_due != old or new == old:
            return
        step.next_due = new
        step.save(update_fields=["next_due"])
        ledger_append(
            actor=actor,
            action="calendar.recompute",
            obj=application,
            details={
                "deadline": "next_due",
                "from": old.isoformat(),
                "to": new.isoformat(),
                "provisional": provisional,
            },
        )

    return after_change


def _owners(application: Application) -> list:
    """Who is told: the staff member who registered a paper application, else the agency's own
    officers, who handle its online applications."""
    if application.registered_by_id:
        return [application.registered_by]
    return list(
        Staff.objects.with_role(Role.OFFICER).filter(
            agency_id=application.agency_id, is_active=True
        )
    )


def _deadline(
    application: Application, field: str, label: str, compute: Callable[[], DueDate]
) -> StoredDeadline:
    return StoredDeadline(
        obj=application,
        date_field=field,
        flag_field=f"{field}_provisional",
        label=label,
        compute=compute,
        owners=_owners(application),
        link=reverse("licensing:application_detail", args=[application.pk]),
        after_change=_carry_into_latest_step(application, getattr(application, field)),
    )


def stored_deadlines(since):
    waiting = Application.objects.filter(
        pending("acceptance_due", "acceptance_due_provisional", since),
        status=ApplicationStatus.SUBMITTED,
    ).select_related("registered_by")
    for a in waiting:
        yield _deadline(
            a,
            "acceptance_due",
            _("许可受理决定期限"),
            lambda a=a: rules.acceptance_due(rules.acceptance_clock_start(a), a.acceptance_days),
        )
    # While paused (hearing, expert review) the date is counted again when the clock resumes.
    reviewing = Application.objects.filter(
        pending("decision_due", "decision_due_provisional", since),
        status=ApplicationStatus.REVIEWING,
        accepted_on__isnull=False,
    ).select_related("registered_by")
    for a in reviewing:
        yield _deadline(
            a,
            "decision_due",
            _("许可决定期限"),
            lambda a=a: rules.decision_due_of(a),
        )
    granted = Application.objects.filter(
        pending("licence_due", "licence_due_provisional", since),
        status=ApplicationStatus.GRANTED,
        decided_on__isnull=False,
    ).select_related("registered_by")
    for a in granted:
        yield _deadline(
            a,
            "licence_due",
            _("发证期限"),
            lambda a=a: rules.licence_due(a.decided_on, a.issue_days),
        )
