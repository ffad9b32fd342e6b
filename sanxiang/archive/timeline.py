"""What the archive adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the archive units
(案卷) about the mine that the viewer may read (``unit_list``: own agency and below, ADR 0065),
filed ones with their 档号 and drafts alike, each linked to the unit's page.

A unit appears on the day it last moved: approved (归档), else submitted, else assembled.
"""

from __future__ import annotations

from django.db.models import DateTimeField
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import ArchiveUnit, UnitStatus
from .selectors import unit_list


def _summary(unit: ArchiveUnit) -> str:
    parts = [_("档号：%(code)s") % {"code": unit.archival_code}] if unit.archival_code else []
    parts.append(unit.get_kind_display())
    if unit.retention_period:
        parts.append(_("保管期限：%(p)s") % {"p": unit.get_retention_period_display()})
    if unit.confidentiality != Confidentiality.ORDINARY:  # JL-ARC-2, ADR 0257
        parts.append(_("密级：%(level)s") % {"level": unit.get_confidentiality_display()})
    if unit.status == UnitStatus.RETURNED and unit.status_reason:
        parts.append(_("退回理由：%(r)s") % {"r": unit.status_reason})
    return "；".join(parts)


def _units(rows: list[ArchiveUnit]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=u.moved_at,
            title=u.title,
            summary=_summary(u),
            badge=u.get_status_display(),
            who=str(u.approved_by or u.submitted_by or u.assembled_by or ""),
            agency=str(u.agency),
            url=reverse("archive:unit_detail", args=[u.pk]),
            object_type="archive.archiveunit",
            object_id=str(u.pk),
        )
        for u in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    rows = (
        unit_list(user=user)
        .filter(mine=mine)
        .select_related("approved_by", "submitted_by", "assembled_by")
        .annotate(
            moved_at=Coalesce(
                "approved_at", "submitted_at", "assembled_at", output_field=DateTimeField()
            )
        )
    )
    return [
        Feed(
            kind="archive_unit",
            label=_("档案案卷"),
            order=100,
            rows=rows,
            date_field="moved_at",
            to_events=_units,
        )
    ]
