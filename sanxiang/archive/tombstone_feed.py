"""Destroyed units on a mine's file (一矿一档, JL-ARC-3; ADR 0126, 0130): the tombstone stays
where the unit was, so the file shows what was destroyed, when, why and on whose approval."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import DisposalTombstone


def _events(rows: list[DisposalTombstone]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=t.destroyed_at,
            title=_("档案销毁：%(code)s") % {"code": t.archival_code},
            summary=_("%(title)s，保管期满（%(due)s），经鉴定、负责人批准销毁：%(reason)s")
            % {"title": t.title, "due": t.retention_due or "—", "reason": t.reason},
            badge=_("已销毁"),
            who=str(t.approved_by),
            agency=str(t.agency),
            url=reverse("archive:tombstone_list") + f"#t{t.pk}",
            object_type="archive.disposaltombstone",
            object_id=str(t.pk),
        )
        for t in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    return [
        Feed(
            kind="archive_tombstone",
            label=_("档案销毁"),
            order=95,
            rows=DisposalTombstone.objects.restrict(user)
            .filter(mine=mine)
            .select_related("agency", "approved_by"),
            date_field="destroyed_at",
            to_events=_events,
        )
    ]
