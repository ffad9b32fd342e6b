"""What the inspections app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): on-site
inspections, the findings (hazards and violations), the on-site measures and their follow-up
(整改复查); and which of its records documents and recordings hang off (plans, inspections).

Every feed is cut to the user's agency scope with ``restrict``, as the inspection pages are, so
each link opens for whoever sees the line.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, names

from .models import Finding, Inspection, InspectionPlan, OnsiteMeasure
from .selectors import inspection_list


def _short(text: str, length: int = 80) -> str:
    return Truncator(" ".join((text or "").split())).chars(length)


def _inspection_url(pk: int) -> str:
    return reverse("inspections:inspection_detail", args=[pk])


def _inspections(rows: list[Inspection]) -> list[TimelineEvent]:
    prefetch_related_objects(rows, "officers")
    return [
        TimelineEvent(
            when=i.inspected_on,
            title=_("现场检查：%(location)s") % {"location": i.location},
            summary=_short(i.result_summary or i.summary),
            badge=i.get_status_display(),
            who=names(i.officers.all()),
            agency=str(i.agency),
            url=_inspection_url(i.pk),
            object_type="inspections.inspection",
            object_id=str(i.pk),
        )
        for i in rows
    ]


def _findings(rows: list[Finding]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=f.created_at,
            title=_short(f.description, 60),
            summary=_short(f.facts),
            badge=_("重大事故隐患") if f.is_major_hazard else f.get_kind_display(),
            who=str(f.created_by),
            agency=str(f.inspection.agency),
            url=_inspection_url(f.inspection_id),
            object_type="inspections.finding",
            object_id=str(f.pk),
        )
        for f in rows
    ]


def _measures(rows: list[OnsiteMeasure]) -> list[TimelineEvent]:
    out = []
    for m in rows:
        parts = [_short(m.content).rstrip("。；;.")]
        if m.due_on:
            parts.append(_("限%(day)s前整改") % {"day": m.due_on.isoformat()})
        out.append(
            TimelineEvent(
                when=m.created_at,
                title=m.get_kind_display(),
                summary="；".join(p for p in parts if p),
                badge=m.get_verification_display() if m.verification else "",
                who=str(m.created_by),
                agency=str(m.inspection.agency),
                url=_inspection_url(m.inspection_id),
                object_type="inspections.onsitemeasure",
                object_id=str(m.pk),
            )
        )
    return out


def _rectifications(rows: list[OnsiteMeasure]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=m.verified_on,
            title=_("复查：%(measure)s") % {"measure": m.get_kind_display()},
            summary=_short(m.verification_note) or m.get_verification_display(),
            badge=m.get_verification_display(),
            who=str(m.verified_by or ""),
            agency=str(m.inspection.agency),
            url=_inspection_url(m.inspection_id),
            object_type="inspections.onsitemeasure",
            object_id=str(m.pk),
        )
        for m in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    """The mine's inspections, findings, measures and follow-ups that ``user`` may read."""
    measures = OnsiteMeasure.objects.restrict(user).filter(inspection__mine=mine)
    measures = measures.select_related("inspection__agency", "created_by", "verified_by")
    return [
        Feed(
            kind="inspection",
            label=_("现场检查"),
            order=10,
            rows=inspection_list(user=user).filter(mine=mine),
            date_field="inspected_on",
            to_events=_inspections,
        ),
        Feed(
            kind="finding",
            label=_("发现的问题"),
            order=20,
            rows=Finding.objects.restrict(user)
            .filter(inspection__mine=mine)
            .select_related("inspection__agency", "created_by"),
            date_field="created_at",
            to_events=_findings,
            agency_path="inspection__agency__path",
        ),
        Feed(
            kind="measure",
            label=_("现场处理措施"),
            order=30,
            rows=measures,
            date_field="created_at",
            to_events=_measures,
            agency_path="inspection__agency__path",
        ),
        Feed(
            kind="rectification",
            label=_("整改复查"),
            order=40,
            rows=measures.filter(verified_on__isnull=False),
            date_field="verified_on",
            to_events=_rectifications,
            agency_path="inspection__agency__path",
        ),
    ]


def plans_of(mine: CoalMine):
    return InspectionPlan.objects.filter(mine=mine)


def inspections_of(mine: CoalMine):
    return Inspection.objects.filter(mine=mine)
