"""GS-POST-3: the annual enforcement report (行政执法统计年报) — its figures, its approval and
publication, and its report to the superior agency.

The figures come from the same data the portal shows: the results published for decisions of
the year (the released public version of each; withdrawn results are counted apart), for the
agency and every agency below it, with one row per subordinate. A superior's report therefore
aggregates its subordinates'. The data are frozen in the report (with their SM3 digest) when it
is generated; the head approves, which publishes it on the portal with its PDF and reports it
upward in the same transaction.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.documents.rendering import render_pdf
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, ledger_hasher
from sanxiang.org.models import Agency, AgencyLevel, Staff

from . import charts, rules
from .fields import PENALTY_CATEGORIES, Category
from .models import AnnualReport, Publication, WithdrawalReason
from .workflow import EDITOR_ROLES, HEAD_ROLES, PublicationStatus, ReportStatus

REMEDY_REASONS = frozenset(
    {
        WithdrawalReason.REVOKED,
        WithdrawalReason.CONFIRMED_UNLAWFUL,
        WithdrawalReason.CONFIRMED_VOID,
        WithdrawalReason.REMADE,
        WithdrawalReason.CHANGED,
    }
)
REPORTING_LEVELS = (AgencyLevel.NATIONAL, AgencyLevel.PROVINCIAL, AgencyLevel.SUB_BUREAU)


def _wan(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal(0)
    return amount if amount.is_finite() and amount > 0 else Decimal(0)


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f") if amount else "0"
    return text


def year_publications(agency: Agency, year: int):
    """Results of decisions made in ``year`` by ``agency`` or below that were released."""
    return (
        Publication.objects.filter(
            agency__path__startswith=agency.path,
            decided_on__year=year,
            first_published_at__isnull=False,
        )
        .select_related("live_version", "agency")
        .order_by("pk")
    )


def _figures(publications: list[Publication], year: int, today: datetime.date) -> dict[str, Any]:
    shown = [p for p in publications if p.status != PublicationStatus.WITHDRAWN]
    withdrawn = [p for p in publications if p.status == PublicationStatus.WITHDRAWN]
    totals = Counter(p.category for p in shown)
    penalty_kinds: Counter[str] = Counter()
    fines = confiscations = Decimal(0)
    by_party: Counter[str] = Counter()
    by_month: Counter[int] = Counter()
    for publication in shown:
        values = publication.live_version.public_fields if publication.live_version_id else {}
        by_month[publication.decided_on.month] += 1
        if publication.category != Category.PENALTY:
            continue
        for kind in str(values.get("penalty_category", "")).split("、"):
            if kind.strip():
                penalty_kinds[kind.strip()] += 1
        fines += _wan(values.get("fine_amount"))
        confiscations += _wan(values.get("confiscation_amount"))
        by_party[values.get("party_category", "") or "—"] += 1
    on_time = sum(1 for p in publications if timezone.localdate(p.first_published_at) <= p.due_on)
    return {
        "totals": {
            **{category: totals.get(category, 0) for category in Category.values},
            "all": len(shown),
        },
        "penalty": {
            "by_category": {k: penalty_kinds[k] for k in PENALTY_CATEGORIES if penalty_kinds[k]},
            "fine_total_wan": _plain(fines),
            "confiscation_total_wan": _plain(confiscations),
            "by_party": dict(sorted(by_party.items())),
        },
        "by_month": {str(m): by_month.get(m, 0) for m in range(1, 13)},
        "withdrawn": {
            "count": len(withdrawn),
            "after_remedy": sum(1 for p in withdrawn if p.withdrawal_reason_kind in REMEDY_REASONS),
            "by_reason": dict(
                sorted(
                    Counter(
                        str(WithdrawalReason(p.withdrawal_reason_kind).label)
                        for p in withdrawn
                        if p.withdrawal_reason_kind
                    ).items()
                )
            ),
        },
        "timeliness": {
            "released": len(publications),
            "on_time": on_time,
            "late": len(publications) - on_time,
            "rate": f"{(100 * on_time / len(publications)):.1f}" if publications else "—",
        },
    }


def _unreleased(agency: Agency, year: int, today: datetime.date) -> dict[str, int]:
    pending = Publication.objects.filter(
        agency__path__startswith=agency.path,
        decided_on__year=year,
        first_published_at__isnull=True,
    ).exclude(status=PublicationStatus.WITHDRAWN)
    return {"count": pending.count(), "overdue": pending.filter(due_on__lt=today).count()}


def _legal_reviews(agency: Agency, year: int) -> int:
    from sanxiang.cases.models import ReviewClearance

    return ReviewClearance.objects.filter(
        case__agency__path__startswith=agency.path, reviewed_at__year=year
    ).count()


@in_legal_language
def report_data(agency: Agency, year: int, *, today: datetime.date | None = None) -> dict[str, Any]:
    """The report's figures, from the released results (the portal's data); frozen, hashed and
    published, so its few words are in the legal language."""
    today = today or timezone.localdate()
    publications = list(year_publications(agency, year))
    data = {
        "agency": {"id": agency.pk, "name": agency.name, "credit_code": agency.credit_code},
        "year": year,
        "generated_on": today.isoformat(),
        **_figures(publications, year, today),
        "unreleased": _unreleased(agency, year, today),
        "legal_reviews": _legal_reviews(agency, year),
        "subordinates": [],
    }
    for child in Agency.objects.filter(parent=agency, is_active=True).order_by("path"):
        own = [p for p in publications if p.agency.path.startswith(child.path)]
        figures = _figures(own, year, today)
        data["subordinates"].append(
            {
                "id": child.pk,
                "name": child.name,
                "totals": figures["totals"],
                "fine_total_wan": figures["penalty"]["fine_total_wan"],
                "timeliness": figures["timeliness"],
                "withdrawn": figures["withdrawn"]["count"],
            }
        )
    own_rows = [p for p in publications if p.agency_id == agency.pk]
    if data["subordinates"] and own_rows:
        figures = _figures(own_rows, year, today)
        data["subordinates"].insert(
            0,
            {
                "id": agency.pk,
                "name": _("%(name)s（本级）") % {"name": agency.name},
                "totals": figures["totals"],
                "fine_total_wan": figures["penalty"]["fine_total_wan"],
                "timeliness": figures["timeliness"],
                "withdrawn": figures["withdrawn"]["count"],
            },
        )
    return data


def data_digest(data: dict[str, Any]) -> str:
    return ledger_hasher().hash(canonical_json(data)).hex()


def report_charts(data: dict[str, Any]) -> dict[str, Any]:
    labels = dict(Category.choices)
    return {
        "totals": charts.bar_chart(
            _("各类执法决定公示数量"),
            [(str(labels[c]), data["totals"].get(c, 0)) for c in Category.values],
            unit=_("件"),
        ),
        "penalty_kinds": charts.bar_chart(
            _("行政处罚按处罚类别"),
            list(data["penalty"]["by_category"].items()),
            unit=_("件"),
        ),
        "by_month": charts.bar_chart(
            _("按决定月份"),
            [(_("%(m)s月") % {"m": m}, n) for m, n in data["by_month"].items()],
            unit=_("件"),
        ),
        "subordinates": charts.bar_chart(
            _("所属机构公示数量"),
            [(row["name"], row["totals"]["all"]) for row in data["subordinates"]],
            unit=_("件"),
        )
        if data["subordinates"]
        else None,
    }


@in_legal_language
def render_report_pdf(report: AnnualReport) -> bytes:
    """The published PDF, in the legal language (its charts' titles included)."""
    return render_pdf(
        "publicity/report_pdf.html",
        {
            "report": report,
            "data": report.data,
            "charts": report_charts(report.data),
            "categories": dict(Category.choices),
        },
    )


# --- services -----------------------------------------------------------------------------------


def _require_open(report: AnnualReport) -> None:
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"status": [_("年报已公布，不能重新生成。")]})


@transaction.atomic
def annual_report_generate(
    *, actor: Staff | None, agency: Agency, year: int, today: datetime.date | None = None
) -> AnnualReport:
    """GS-POST-3: generate (or regenerate, while not yet approved) the report on ``year``."""
    today = today or timezone.localdate()
    if actor is not None:
        require_role(actor, EDITOR_ROLES | HEAD_ROLES, _("生成行政执法统计年报"))
        require_scope(actor, agency)
    if not isinstance(year, int) or not 2000 <= year < today.year:
        raise ValidationError({"year": [_("只能生成已结束年度的年报。")]})
    report = AnnualReport.objects.select_for_update().filter(agency=agency, year=year).first()
    action = "report.generate"
    if report is not None:
        _require_open(report)
        action = "report.regenerate"
    else:
        report = AnnualReport(agency=agency, year=year)
    report.data = report_data(agency, year, today=today)
    report.digest = data_digest(report.data)
    report.generated_at = timezone.now()
    report.generated_by = actor
    report.save()
    ledger_append(
        actor=actor,
        action=action,
        obj=report,
        details={"year": year, "digest": report.digest, "totals": report.data["totals"]},
    )
    return report


@transaction.atomic
def annual_report_approve(*, actor: Staff, report: AnnualReport) -> AnnualReport:
    """GS-POST-3: the head approves; the report is published on the portal with its PDF and
    reported to the superior agency (which sees it in its own reports page)."""
    require_role(actor, HEAD_ROLES, _("批准行政执法统计年报"))
    report = (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("agency__parent")
        .get(pk=report.pk)
    )
    require_scope(actor, report.agency)
    _require_open(report)
    if data_digest(report.data) != report.digest:
        raise ValidationError({"data": [_("年报数据与生成时不一致，请重新生成。")]})
    now = timezone.now()
    report.approved_by = actor
    report.status = ReportStatus.PUBLISHED
    report.published_at = report.reported_at = now
    ref = blob_put(render_report_pdf(report))
    report.pdf_path, report.pdf_sha256, report.pdf_sm3 = ref.path, ref.sha256, ref.sm3
    report.save()
    ledger_append(
        actor=actor, action="report.approve", obj=report, details={"digest": report.digest}
    )
    ledger_append(
        actor=actor,
        action="report.publish",
        obj=report,
        details={
            "pdf_sm3": ref.sm3,
            "pdf_sha256": ref.sha256,
            "due": rules.report_due(report.year),
        },
    )
    ledger_append(
        actor=actor,
        action="report.submit",
        obj=report,
        details={
            "to": report.agency.parent_id,
            "to_name": report.agency.parent.name if report.agency.parent_id else "",
        },
    )
    return report


def annual_reports_generate_due(*, today: datetime.date | None = None) -> list[AnnualReport]:
    """In January, draft last year's report for every agency that has none yet (system)."""
    today = today or timezone.localdate()
    if today.month != 1:
        return []
    year = today.year - 1
    have = set(AnnualReport.objects.filter(year=year).values_list("agency_id", flat=True))
    created = []
    for agency in Agency.objects.filter(is_active=True, level__in=REPORTING_LEVELS).order_by(
        "path"
    ):
        if agency.pk not in have:
            created.append(
                annual_report_generate(actor=None, agency=agency, year=year, today=today)
            )
    return created
