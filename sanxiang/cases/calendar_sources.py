"""The case's stored due dates, for the recompute when a year's arrangement is loaded
(``core.deadline_recompute``, ADR 0096)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, mirror_due, pending

from . import deadlines
from .models import Case


def stored_deadlines(since):
    fields = (
        "statement_due",
        "hearing_request_due",
        "publication_due",
        "payment_due",
        "post_review_due",
    )
    query = Q()
    for name in fields:
        query |= pending(name, f"{name}_provisional", since)
    for case in Case.objects.filter(query).prefetch_related("officers"):
        owners = [*case.officers.all(), case.created_by]
        link = reverse("cases:detail", args=[case.pk])
        common = {"obj": case, "owners": owners, "link": link}
        if case.notified_at:
            notified = timezone.localdate(case.notified_at)
            yield StoredDeadline(
                date_field="statement_due",
                flag_field="statement_due_provisional",
                label=_("陈述申辩期限"),
                compute=lambda d=notified: deadlines.statement_due(d),
                for_party=True,
                **common,
            )
            yield StoredDeadline(
                date_field="hearing_request_due",
                flag_field="hearing_request_due_provisional",
                label=_("听证申请期限"),
                compute=lambda d=notified: deadlines.hearing_request_due(d),
                for_party=True,
                **common,
            )
        if case.decided_on:
            yield StoredDeadline(
                date_field="publication_due",
                flag_field="publication_due_provisional",
                label=_("处罚决定公示期限"),
                compute=lambda d=case.decided_on: deadlines.publication_due(d),
                **common,
            )
        if case.served_on:
            yield StoredDeadline(
                date_field="payment_due",
                flag_field="payment_due_provisional",
                label=_("缴款期限"),
                compute=lambda d=case.served_on: deadlines.payment_due(d),
                for_party=True,
                **common,
            )
        act = case.acts.exclude(measure="").order_by("-created_at").first()
        if act is not None:
            executed_on = timezone.localdate(act.created_at)
            yield StoredDeadline(
                date_field="post_review_due",
                flag_field="post_review_due_provisional",
                label=_("紧急措施事后法制审核期限"),
                compute=lambda d=executed_on: deadlines.post_review_due(d),
                after_change=lambda actor, date, provisional, case=case: _mirror_post_review(
                    actor, case, date, provisional
                ),
                **common,
            )


def _mirror_post_review(actor, case: Case, date, provisional: bool) -> None:
    """The open post-review of the case runs to the case's post-review date."""
    from sanxiang.review.models import Review

    for review in Review.objects.filter(case=case, post_review=True, closed_at__isnull=True):
        mirror_due(actor, review, date, provisional)
