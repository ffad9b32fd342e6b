"""What the evidence app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the recordings
linked to the mine or to its inspections and cases, whose *metadata* the user may see
(``visible_recordings``, ADR 0065). Content is never on the file: the line links to the
recording's page, which applies the content rules (JL-USE-2) and logs every access. A secret
record's title is always shown as its level and number here (the page shows more to those
entitled), so the file never asks the content rule once per line.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, mine_subject_q, names

from .models import Confidentiality, Recording
from .selectors import masked_label, visible_recordings

WHEN = "recorded_or_uploaded_at"


def duration_seconds(recording: Recording) -> float | None:
    if recording.started_at and recording.ended_at and recording.ended_at > recording.started_at:
        return (recording.ended_at - recording.started_at).total_seconds()
    return None


def _length(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    return _("%(m)d分%(s)d秒") % {"m": minutes, "s": secs}


def _recordings(rows: list[Recording]) -> list[TimelineEvent]:
    prefetch_related_objects(rows, "officers")
    out = []
    for r in rows:
        parts = [r.get_media_kind_display()]
        if r.activity:
            parts.append(r.get_activity_display())
        if length := _length(duration_seconds(r)):
            parts.append(length)
        if r.location:
            parts.append(r.location)
        out.append(
            TimelineEvent(
                when=getattr(r, WHEN),
                title=masked_label(r) if r.is_secret else f"{r.number} {r.title}",
                summary="，".join(str(p) for p in parts),
                badge=r.get_confidentiality_display()
                if r.confidentiality != Confidentiality.ORDINARY
                else "",
                who=names(r.officers.all()) or str(r.uploaded_by),
                agency=str(r.agency),
                url=reverse("evidence:recording_detail", args=[r.pk]),
                object_type="evidence.recording",
                object_id=str(r.pk),
            )
        )
    return out


def mine_recordings(*, user, mine: CoalMine):
    """Recordings about ``mine`` whose metadata ``user`` may see."""
    return visible_recordings(user).filter(mine_subject_q(mine))


def feeds(user, mine: CoalMine) -> list[Feed]:
    rows = (
        mine_recordings(user=user, mine=mine)
        .select_related("agency", "uploaded_by")
        .annotate(**{WHEN: Coalesce("started_at", "uploaded_at")})
    )
    return [
        Feed(
            kind="recording",
            label=_("音像记录"),
            order=70,
            rows=rows,
            date_field=WHEN,
            to_events=_recordings,
        )
    ]
