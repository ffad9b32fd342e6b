"""What the licensing app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126, 0255): the mine's
licensing applications (行政许可申请) that the viewer may read (``application_list``: the
agency scope, ADR 0065 ground 1), dated by the day the materials were received — the day the
statutory periods run from — and linked to the application's page.

The applicant's contact and query code are not on the file (they are the applicant's, kept out
of the ledger as secrets); the line names the item, the state and the decision.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import Application
from .selectors import application_list


def _summary(a: Application) -> str:
    parts = [_("申请编号 %(n)s") % {"n": a.number}]
    if a.accepted_on:
        parts.append(_("受理日期 %(day)s") % {"day": a.accepted_on.isoformat()})
    if a.decided_on:
        parts.append(_("决定日期 %(day)s") % {"day": a.decided_on.isoformat()})
    if a.outcome:
        parts.append(a.get_outcome_display())
    if a.valid_to:
        parts.append(_("有效期至 %(day)s") % {"day": a.valid_to.isoformat()})
    return "；".join(parts)


def _applications(rows: list[Application]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=a.received_on,
            title=a.item_name,
            summary=_summary(a),
            badge=a.get_status_display(),
            who=str(a.registered_by or a.submitted_by_name or ""),
            agency=str(a.agency),
            url=reverse("licensing:application_detail", args=[a.pk]),
            object_type="licensing.application",
            object_id=str(a.pk),
        )
        for a in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    """The mine's licensing applications that ``user`` may read."""
    return [
        Feed(
            kind="licensing",
            label=_("行政许可"),
            order=8,
            rows=application_list(user=user).filter(mine=mine).select_related("registered_by"),
            date_field="received_on",
            to_events=_applications,
        )
    ]
