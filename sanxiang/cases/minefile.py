"""What the cases app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the penalty cases
against the mine (or filed from its inspections), in the user's scope as the case pages are;
the reconsiderations and lawsuits against those cases (ADR 0155, 0255), read as the case page
reads them (ADR 0065 ground 1, by the case's agency) and linked to its appeals panel; and the
cases documents and recordings hang off."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent, names

from .models import Appeal, Case
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
    if case.confidentiality != Confidentiality.ORDINARY:  # JL-ARC-2, ADR 0257
        parts.append(_("密级：%(level)s") % {"level": case.get_confidentiality_display()})
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


def _appeal_summary(a: Appeal) -> str:
    parts = [_("申请人（原告）：%(who)s") % {"who": a.applicant}, a.body]
    if a.outcome_name:
        parts.append(_("结果：%(r)s") % {"r": a.outcome_name})
    if a.effective_on:
        parts.append(_("生效日期 %(day)s") % {"day": a.effective_on.isoformat()})
    return "；".join(parts)


def _appeals(rows: list[Appeal]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=a.filed_on,
            title=_("%(kind)s：%(cause)s")
            % {
                "kind": f"{a.get_kind_display()}{f'（{a.reference}）' if a.reference else ''}",
                "cause": a.case.cause,
            },
            summary=_appeal_summary(a),
            badge=a.get_status_display(),
            who=str(a.recorded_by),
            agency=str(a.case.agency),
            url=reverse("cases:detail", args=[a.case_id]) + "#appeals",
            object_type="cases.appeal",
            object_id=str(a.pk),
        )
        for a in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    """The mine's penalty cases that ``user`` may read, from the day they were put forward, and
    the reconsiderations and lawsuits against them, from the day they were filed."""
    appeals = (
        Appeal.objects.restrict(user)
        .filter(case__in=case_list(user=user).filter(mine=mine).values("pk"))
        .select_related("case__agency", "recorded_by")
    )
    return [
        Feed(
            kind="case",
            label=_("行政处罚案件"),
            order=50,
            rows=case_list(user=user).filter(mine=mine),
            date_field="created_at",
            to_events=_cases,
        ),
        Feed(
            kind="appeal",
            label=_("行政复议、行政诉讼"),
            order=55,
            rows=appeals,
            date_field="filed_on",
            to_events=_appeals,
            agency_path="case__agency__path",
        ),
    ]


def cases_of(mine: CoalMine):
    return Case.objects.filter(mine=mine)
