"""What the cases app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the penalty cases
against the mine (or filed from its inspections), in the user's scope as the case pages are;
and the cases documents and recordings hang off."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, names

from .models import Case
from .selectors import case_list


def _summary(case: Case) -> str:
    parts = [_("当事人：%(party)s") % {"party": case.party or "—"}]
    if case.filed_on:
        parts.append(_("立案日期 %(day)s") % {"day": case.filed_on.isoformat()})
    if case.decided_on:
        parts.append(_("决定日期 %(day)s") % {"day": case.decided_on.isoformat()})
    if case.fine_amount:
        parts.append(_("罚款 %(amount)s 元") % {"amount": f"{case.fine_amount:,.2f}"})
    if case.closed_on:
        parts.append(_("结案日期 %(day)s") % {"day": case.closed_on.isoformat()})
    return "；".join(parts)


def _cases(rows: list[Case]) -> list[TimelineEvent]:
    prefetch_related_objects(rows, "officers")
    return [
        TimelineEvent(
            when=c.created_at,
            title=c.cause,
            summary=_summary(c),
            badge=c.get_status_display(),
            who=names(c.officers.all()),
            agency=str(c.agency),
            url=reverse("cases:detail", args=[c.pk]),
            object_type="cases.case",
            object_id=str(c.pk),
        )
        for c in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    """The mine's penalty cases that ``user`` may read, from the day they were put forward."""
    return [
        Feed(
            kind="case",
            label=_("行政处罚案件"),
            order=50,
            rows=case_list(user=user).filter(mine=mine),
            date_field="created_at",
            to_events=_cases,
        )
    ]


def cases_of(mine: CoalMine):
    return Case.objects.filter(mine=mine)
