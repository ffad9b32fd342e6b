"""What the legal-review app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the legal
reviews of decisions in the mine's cases, in the user's scope as the review pages are (the
case's agency and above)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import Review
from .selectors import review_list


def _summary(review: Review) -> str:
    parts = [_("案件：%(cause)s") % {"cause": review.case.cause}]
    parts.append(_("法制审核机构：%(agency)s") % {"agency": review.reviewing_agency})
    if review.round > 1:
        parts.append(_("第%(n)d轮送审") % {"n": review.round})
    if review.post_review:
        parts.append(_("紧急措施事后审核"))
    return "；".join(parts)


def _reviews(rows: list[Review]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=r.created_at,
            title=_("%(kind)s法制审核") % {"kind": r.get_kind_display()},
            summary=_summary(r),
            badge=r.get_status_display(),
            who=str(r.reviewer or r.created_by),
            agency=str(r.case.agency),
            url=reverse("review:detail", args=[r.pk]),
            object_type="review.review",
            object_id=str(r.pk),
        )
        for r in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    return [
        Feed(
            kind="review",
            label=_("法制审核"),
            order=80,
            rows=review_list(user=user).filter(case__mine=mine).select_related("created_by"),
            date_field="created_at",
            to_events=_reviews,
            agency_path="case__agency__path",
        )
    ]
