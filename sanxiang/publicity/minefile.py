"""What the publicity app adds to a mine's file (一矿一档, JL-ARC-3, ADR 0126): the result
publications about the mine (drafts, published, withdrawn, expired), in the user's scope as the
publication pages are. Dated by first release, or by drafting while unreleased.

And the error reports (纠错反馈, ADR 0157, 0255) on those publications, in the same scope, linked
to the publication they flag: who sent one is never known to the agency beyond “当事人” or
“社会公众” (only a keyed hash of the address is kept, and it is not shown)."""

from __future__ import annotations

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, TimelineEvent

from .models import ErrorReport, Publication
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


def _error_summary(r: ErrorReport) -> str:
    parts = [_("反馈人：%(kind)s") % {"kind": r.get_reporter_kind_display()}]
    if r.field_label:
        parts.append(_("有误的内容：%(f)s") % {"f": r.field_label})
    if r.corrected_version:
        parts.append(_("更正为第 %(n)s 版") % {"n": r.corrected_version})
    return "；".join(parts)


def _error_reports(rows: list[ErrorReport]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            when=r.created_at,
            title=_("纠错反馈 %(n)s：%(title)s") % {"n": r.number, "title": r.publication.title},
            summary=_error_summary(r),
            badge=r.get_status_display(),
            who=str(r.answered_by or ""),
            agency=str(r.publication.agency),
            url=reverse("publicity:detail", args=[r.publication_id]),
            object_type="publicity.errorreport",
            object_id=str(r.pk),
        )
        for r in rows
    ]


def feeds(user, mine: CoalMine) -> list[Feed]:
    reports = (
        ErrorReport.objects.restrict(user)
        .filter(publication__in=publication_list(user=user).filter(mine=mine).values("pk"))
        .select_related("publication__agency", "answered_by")
    )
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
        ),
        Feed(
            kind="error_report",
            label=_("公示纠错反馈"),
            order=92,
            rows=reports,
            date_field="created_at",
            to_events=_error_reports,
            agency_path="publication__agency__path",
        ),
    ]
