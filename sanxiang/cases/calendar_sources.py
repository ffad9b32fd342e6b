"""The case's stored due dates, for the recompute when a year's arrangement is loaded
(``core.deadline_recompute``, ADR 0096): the case's own periods, the handling limit of an
evidence preservation (先行登记保存, 7 working days) and the withdrawal period an appeal's
outcome opened on the published result (the appeal keeps its own copy of that date)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, mirror_due, pending

from . import branch_rules, deadlines
from .branch_workflow import BranchKind, BranchStatus
from .models import Appeal, Case, CaseBranch


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
    yield from _branch_deadlines(since)
    yield from _appeal_deadlines(since)


def _branch_deadlines(since):
    """An open preservation's handling limit (the agency's): the sealing term is counted in
    calendar days and never moves, so it has no provisional date."""
    branches = CaseBranch.objects.filter(
        pending("due_on", "due_provisional", since),
        kind=BranchKind.PRESERVATION,
        status=BranchStatus.PRESERVED,
    ).select_related("case", "created_by")
    for branch in branches.prefetch_related("case__officers"):
        yield StoredDeadline(
            obj=branch,
            date_field="due_on",
            flag_field="due_provisional",
            label=_("先行登记保存处理决定期限"),
            compute=lambda d=branch.started_on: branch_rules.preservation_decision_due(d),
            owners=[*branch.case.officers.all(), branch.created_by],
            link=reverse("cases:branch", args=[branch.case_id, branch.pk]),
        )


def _appeal_deadlines(since):
    """The withdrawal period an appeal opened, while its publication is not yet withdrawn: the
    same rule as the publication's own date (3 working days from the day the outcome came)."""
    from sanxiang.publicity import rules as publicity_rules
    from sanxiang.publicity.models import Publication

    appeals = Appeal.objects.filter(
        pending("withdrawal_due", "withdrawal_due_provisional", since),
        publication_id_withdrawn__isnull=False,
    ).select_related("case", "recorded_by")
    for appeal in appeals.prefetch_related("case__officers"):
        publication = Publication.objects.filter(
            pk=appeal.publication_id_withdrawn, withdrawn_at__isnull=True, revoked_on__isnull=False
        ).first()
        if publication is None:
            continue
        yield StoredDeadline(
            obj=appeal,
            date_field="withdrawal_due",
            flag_field="withdrawal_due_provisional",
            label=_("撤下公示期限"),
            compute=lambda d=publication.revoked_on: publicity_rules.withdrawal_due(d),
            owners=[*appeal.case.officers.all(), appeal.recorded_by],
            link=reverse("cases:detail", args=[appeal.case_id]),
        )


def _mirror_post_review(actor, case: Case, date, provisional: bool) -> None:
    """The open post-review of the case runs to the case's post-review date."""
    from sanxiang.review.models import Review

    for review in Review.objects.filter(case=case, post_review=True, closed_at__isnull=True):
        mirror_due(actor, review, date, provisional)
