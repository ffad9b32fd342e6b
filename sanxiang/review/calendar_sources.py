"""The legal review's stored due dates, for the recompute when a year's arrangement is loaded
(``core.deadline_recompute``, ADR 0096)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, mirror_due, pending

from . import rules
from .models import Extension, Review


def stored_deadlines(since):
    extended = set(Extension.objects.values_list("review_id", "round"))
    reviews = Review.objects.filter(
        pending("due_on", "due_provisional", since),
        received_on__isnull=False,
        closed_at__isnull=True,
    )
    for review in reviews.select_related("case", "created_by", "reviewer"):
        if review.post_review or (review.pk, review.round) in extended:
            continue  # mirrors the case's post-review date, or the extension below
        yield StoredDeadline(
            obj=review,
            date_field="due_on",
            flag_field="due_provisional",
            label=_("法制审核期限"),
            compute=lambda d=review.received_on: rules.review_due(d),
            owners=[review.reviewer, review.created_by],
            link=reverse("review:detail", args=[review.pk]),
        )
    extensions = Extension.objects.filter(
        pending("due_on", "due_provisional", since), review__closed_at__isnull=True
    )
    for extension in extensions.select_related("review"):
        review = extension.review
        if extension.round != review.round:
            continue

        yield StoredDeadline(
            obj=extension,
            date_field="due_on",
            flag_field="due_provisional",
            label=_("延长后的法制审核期限"),
            compute=lambda d=extension.previous_due_on: rules.extended_due(d),
            owners=[review.reviewer, review.created_by],
            link=reverse("review:detail", args=[review.pk]),
            after_change=lambda actor, date, provisional, review=review: mirror_due(
                actor, review, date, provisional
            ),
        )
