"""What the publicity app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the result
publications about the mine (drafts, published, withdrawn, expired), in the user's scope as the
publication pages are. Dated by first release, or by drafting while unreleased."""

from __future__ import annotations

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import Publication
from .selectors import publication_list

WHEN = "released_or_drafted_at"


def _summary(p: Publication) -> str:
    parts = [p.get_category_display()]
    parts.append(_("决定日期 %(day)s") % {"day": p.decided_on.isoformat()})
    if p.withdrawn_at:
        parts.append(_("撤下理由：%(reason)s") % {"reason": p.withdrawal_reason or "—"})
    return "；".join(parts)


def _publications(rows: list[Publication]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=getattr(p, WHEN),
            title=p.title,
            summary=_summary(p),
            badge=p.get_status_display(),
            who=str(p.approved_by or p.created_by or ""),
            agency=str(p.agency),
            url=reverse("publicity:detail", args=[p.pk]),
            object_type="publicity.publication",
            object_id=str(p.pk),
        )
        for p in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    rows = (
        publication_list(user=user)
        .filter(mine=mine)
        .select_related("approved_by", "created_by")
        .annotate(**{WHEN: Coalesce("first_published_at", "created_at")})
    )
    return [
        Feed(
            kind="publication",
            label=_("结果公示"),
            order=90,
            rows=rows,
            date_field=WHEN,
            to_events=_publications,
        )
    ]
