"""What the complaints app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126, 0255): the reports
(投诉举报) against the mine that the viewer may read (``complaints_about_mine``: the agency scope,
ADR 0065 ground 1), dated by their receipt, linked to the report's page.

The reporter is never on the file, whoever reads it (安全生产法 art. 73; ADR 0140 shows the
identity to the intake officer and the heads only, on the report's page, where reading it is
the point): no name, no contact, not even whether the report was made under a name, and not the
report's wording either — the reporter writes it and may name himself in it, and the file is
exported as spreadsheets and packages that travel further than the report's page. The line says
what kind of report it is, how it came in, where it stands and what the verification found.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, names

from .models import Complaint
from .selectors import complaints_about_mine


def _summary(c: Complaint) -> str:
    parts = [c.get_channel_display()]
    if c.occurred_on:
        parts.append(_("发生日期 %(day)s") % {"day": c.occurred_on.isoformat()})
    if c.involves_deaths:
        parts.append(_("涉及人员死亡"))
    if c.substantiated:
        parts.append(_("核查结论：%(v)s") % {"v": c.get_substantiated_display()})
    if c.transfer_to:
        parts.append(_("移送：%(to)s") % {"to": c.transfer_to})
    return "；".join(parts)


def _complaints(rows: list[Complaint]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=c.received_at,
            title=_("%(category)s（举报编号 %(number)s）")
            % {"category": c.get_category_display(), "number": c.number},
            summary=_summary(c),
            badge=c.get_status_display(),
            who=names(dict.fromkeys(p for p in (c.intake_officer, c.assigned_to) if p)),
            agency=str(c.agency),
            url=reverse("complaints:detail", args=[c.pk]),
            object_type="complaints.complaint",
            object_id=str(c.pk),
        )
        for c in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    """Reports against ``mine`` that ``user`` may read, from the moment they were received."""
    return [
        Feed(
            kind="complaint",
            label=_("投诉举报"),
            order=7,
            rows=complaints_about_mine(user=user, mine=mine),
            date_field="received_at",
            to_events=_complaints,
        )
    ]
