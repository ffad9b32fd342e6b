"""SH-RESP-2, SH-SCOPE-1: reminders before a review's due date and escalation once it has passed.

``alerts_refresh`` looks at every review being reviewed (and every emergency measure still
waiting for its review afterwards), raises what is due, and resolves what no longer applies.
It is idempotent — one alert per review, round, due date and kind — so the scheduled task,
``manage.py review_alerts`` and the services' on-commit refresh can all run it. Each alert
raised or resolved is a ledger event. Dashboards are the channel: reviewers see their office's
reminders, heads the escalations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases.models import Case
from sanxiang.core.language import in_legal_language
from sanxiang.ledger.services import ledger_append

from . import rules
from .models import AlertKind, Review, ReviewAlert
from .workflow import ReviewStatus


@dataclass
class AlertRun:
    raised: list[ReviewAlert] = field(default_factory=list)
    resolved: list[ReviewAlert] = field(default_factory=list)


def _wanted_for_review(review: Review, today: datetime.date) -> dict[str, dict]:
    if review.status != ReviewStatus.IN_REVIEW or review.due_on is None:
        return {}
    kind = None
    if today > review.due_on:
        kind = AlertKind.OVERDUE
        message = _("%(case)s的法制审核（第%(n)d轮）已于%(due)s届满未提出审核意见，已报负责人。")
    elif rules.remind(today, review.due_on):
        kind = AlertKind.DUE_SOON
        message = _("%(case)s的法制审核（第%(n)d轮）将于%(due)s届满。")
    if kind is None:
        return {}
    key = f"review:{review.pk}:{review.round}:{review.due_on.isoformat()}:{kind}"
    return {
        key: {
            "kind": kind,
            "case": review.case,
            "review": review,
            "proposal": None,
            "agency": review.reviewing_agency,
            "due_on": review.due_on,
            "message": message % {"case": review.case, "n": review.round, "due": review.due_on},
        }
    }


def _wanted_for_post_review(case: Case, today: datetime.date) -> dict[str, dict]:
    """SH-SCOPE-1: the post-review item of each emergency measure executed first."""
    if not case.needs_post_review or case.post_review_due is None:
        return {}
    out = {}
    for proposal in gate.post_review_pending(case):
        due = case.post_review_due
        if today > due:
            kind = AlertKind.POST_REVIEW_OVERDUE
            message = _("%(case)s：紧急措施已执行，事后法制审核已于%(due)s超期，已报负责人。")
        elif rules.remind(today, due):
            kind = AlertKind.POST_REVIEW_DUE_SOON
            message = _("%(case)s：紧急措施已执行，事后法制审核须于%(due)s前完成。")
        else:
            continue
        review = (
            Review.objects.filter(submissions__proposal=proposal, post_review=True)
            .exclude(status=ReviewStatus.WITHDRAWN)
            .select_related("reviewing_agency")
            .order_by("-pk")
            .first()
        )
        key = f"post:{proposal.pk}:{due.isoformat()}:{kind}"
        out[key] = {
            "kind": kind,
            "case": case,
            "review": review,
            "proposal": proposal,
            "agency": review.reviewing_agency if review else case.agency,
            "due_on": due,
            "message": message % {"case": case, "due": due},
        }
    return out


@in_legal_language  # the messages are stored once and shown to every reader
@transaction.atomic
def alerts_refresh(*, today: datetime.date | None = None, review: Review | None = None) -> AlertRun:
    """Raise and resolve review alerts as of ``today`` (all reviews, or only ``review``)."""
    today = today or timezone.localdate()
    run = AlertRun()
    reviews = Review.objects.select_related("case", "reviewing_agency")
    open_alerts = ReviewAlert.objects.filter(resolved_at__isnull=True)
    if review is not None:
        reviews = reviews.filter(pk=review.pk)
        cases = Case.objects.filter(pk=review.case_id)
        open_alerts = open_alerts.filter(case_id=review.case_id)
    else:
        reviews = reviews.filter(status=ReviewStatus.IN_REVIEW)
        cases = Case.objects.filter(needs_post_review=True)
        open_alerts = open_alerts.all()
    wanted: dict[str, dict] = {}
    for item in reviews:
        wanted.update(_wanted_for_review(item, today))
    for case in cases:
        wanted.update(_wanted_for_post_review(case, today))
    existing = set(ReviewAlert.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    for key, values in wanted.items():
        if key in existing:
            continue
        alert = ReviewAlert.objects.create(key=key, raised_on=today, **values)
        ledger_append(
            actor=None,
            action="review.alert",
            obj=alert,
            details={"kind": alert.kind, "case": alert.case_id, "due_on": alert.due_on},
        )
        run.raised.append(alert)
    for alert in open_alerts.select_for_update().exclude(key__in=list(wanted)):
        if review is None or alert.review_id in (None, review.pk):
            alert.resolved_at = timezone.now()
            alert.save(update_fields=["resolved_at"])
            ledger_append(actor=None, action="review.alert_resolved", obj=alert)
            run.resolved.append(alert)
    return run
