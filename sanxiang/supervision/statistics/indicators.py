"""The indicators of the enforcement statistics (JL-USE-1, ADR 0170) and the hook other apps use to
add theirs (complaints, licensing, case-file evaluation: ``register_source``).

A *source* is one kind of record with the agency that handled it and the date that places it in a
period; an *indicator* is a condition on the source's records (and, for money, a field to add up).
The figures of all indicators of one source come from one grouped query; the list behind a
figure is the same queryset with the same condition, so the two cannot disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

Condition = Callable[[datetime.date], Q]


def _always(_today: datetime.date) -> Q:
    return Q()


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]


@dataclass
class Source:
    """Records of one kind: ``queryset()`` (unrestricted; the engine restricts it to the user),
    the lookup of the handling agency, the date lookup, the link of one record and its columns."""

    key: str
    label: Any
    queryset: Callable[[], QuerySet]
    agency_field: str
    date_field: str
    is_datetime: bool
    url: Callable[[Any], str]
    columns: list[Column]
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Indicator:
    key: str
    label: Any
    group: Any
    condition: Condition = _always
    amount_field: str = ""  # indicators that add up a field: money (元), or points (分, ADR 0228)
    uses_today: bool = False  # the condition reads today's date: never rolled up (ADR 0172)
    # For an indicator that reads today: two counted indicators of the same source whose
    # difference it equals for the records of a month that is over (every date in it before
    # today). Those months are then read from the count rows, only the current and later months
    # live (ADR 0243).
    settled_as: tuple[str, str] | None = None
    source: Source | None = None

    @property
    def is_amount(self) -> bool:
        return bool(self.amount_field)


_SOURCES: dict[str, Source] = {}
_INDICATORS: dict[str, Indicator] = {}


def register_source(source: Source, indicators: list[Indicator]) -> None:
    """The registration hook: an app adds its records and indicators (complaints, licensing and
    the case-file evaluation call this from their ``AppConfig.ready``). The built-in sources are
    registered first so that the page keeps its order."""
    _ensure_builtin()
    if source.key in _SOURCES:
        raise ValueError(f"statistics source {source.key!r} registered twice")
    for indicator in indicators:
        if indicator.key in _INDICATORS:
            raise ValueError(f"statistics indicator {indicator.key!r} registered twice")
        indicator.source = source
        source.indicators.append(indicator)
        _INDICATORS[indicator.key] = indicator
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    _ensure_builtin()
    return list(_SOURCES.values())


def indicators() -> list[Indicator]:
    _ensure_builtin()
    return list(_INDICATORS.values())


def indicator_get(key: str) -> Indicator | None:
    _ensure_builtin()
    return _INDICATORS.get(key)


# --- the built-in sources ---------------------------------------------------------------------

INSPECTIONS = _("监察检查")
HAZARDS = _("隐患与现场处理")
CASES = _("行政处罚案件")
PENALTIES = _("处罚种类")
MONEY = _("罚没款")
REVIEWS = _("法制审核")
PUBLICITY = _("执法公示")


def _inspection_url(record) -> str:
    return reverse("inspections:inspection_detail", args=[record.inspection_id])


def _case_url(record) -> str:
    return reverse("cases:detail", args=[getattr(record, "case_id", None) or record.pk])


def _review_url(record) -> str:
    return reverse("review:detail", args=[getattr(record, "review_id", None) or record.pk])


def _mine(record) -> str:
    return str(record.mine) if record.mine_id else ""


def _overdue(today: datetime.date) -> Q:
    """A rectification time limit that has passed without the rectification verified in time."""
    return Q(due_on__lt=today) & ~Q(verification="rectified", verified_on__lte=F("due_on"))


def _penalty(kind: str) -> Condition:
    # The decided penalty's kinds are a JSON list; its text holds each kind in quotes.
    return lambda _today: Q(penalty_kinds_text__contains=f'"{kind}"')


_built = False


def _ensure_builtin() -> None:
    global _built
    if _built:
        return
    _built = True
    from sanxiang.cases.models import Case, CaseAct, Payment, PenaltyKind, Proposal
    from sanxiang.inspections.models import Finding, Inspection, InspectionPlan, OnsiteMeasure
    from sanxiang.publicity.models import Publication
    from sanxiang.review.models import Extension, Opinion, Review

    register_source(
        Source(
            "plans",
            _("检查方案"),
            lambda: InspectionPlan.objects.filter(status="approved").select_related("mine"),
            "agency",
            "planned_start",
            False,
            lambda r: reverse("inspections:plan_detail", args=[r.pk]),
            [
                Column(_("煤矿"), lambda r: r.mine),
                Column(_("计划开始日期"), lambda r: r.planned_start),
            ],
        ),
        [Indicator("plans_approved", _("计划检查（已批准检查方案）"), INSPECTIONS)],
    )
    register_source(
        Source(
            "inspections",
            _("现场检查"),
            lambda: Inspection.objects.select_related("mine"),
            "agency",
            "inspected_on",
            False,
            lambda r: reverse("inspections:inspection_detail", args=[r.pk]),
            [
                Column(_("煤矿"), lambda r: r.mine),
                Column(_("检查日期"), lambda r: r.inspected_on),
                Column(_("状态"), lambda r: r.get_status_display()),
            ],
        ),
        [
            Indicator("inspections_done", _("实施现场检查"), INSPECTIONS),
            Indicator(
                "inspections_closed",
                _("检查已办结"),
                INSPECTIONS,
                lambda _t: Q(status="closed"),
            ),
        ],
    )
    register_source(
        Source(
            "findings",
            _("检查发现的问题"),
            lambda: Finding.objects.select_related("inspection__mine"),
            "inspection__agency",
            "inspection__inspected_on",
            False,
            _inspection_url,
            [
                Column(_("煤矿"), lambda r: r.inspection.mine),
                Column(_("检查日期"), lambda r: r.inspection.inspected_on),
                Column(_("问题"), lambda r: r.description[:60]),
            ],
        ),
        [
            Indicator("hazards_found", _("发现事故隐患"), HAZARDS, lambda _t: Q(kind="hazard")),
            Indicator(
                "major_hazards", _("其中重大事故隐患"), HAZARDS, lambda _t: Q(is_major_hazard=True)
            ),
            Indicator(
                "violations_found", _("发现违法行为"), HAZARDS, lambda _t: Q(kind="violation")
            ),
        ],
    )
    measure_columns = [
        Column(_("煤矿"), lambda r: r.inspection.mine),
        Column(_("措施"), lambda r: r.get_kind_display()),
        Column(_("整改期限至"), lambda r: r.due_on or ""),
        Column(_("复查结果"), lambda r: r.get_verification_display() or _("未复查")),
    ]
    register_source(
        Source(
            "measures",
            _("现场处理措施"),
            lambda: OnsiteMeasure.objects.select_related("inspection__mine"),
            "inspection__agency",
            "inspection__inspected_on",
            False,
            _inspection_url,
            measure_columns,
        ),
        [Indicator("measures_taken", _("采取现场处理措施"), HAZARDS)],
    )
    register_source(
        Source(
            "rectifications",
            _("限期整改"),
            lambda: OnsiteMeasure.objects.filter(due_on__isnull=False).select_related(
                "inspection__mine"
            ),
            "inspection__agency",
            "due_on",
            False,
            _inspection_url,
            measure_columns,
        ),
        [
            Indicator("rectifications_due", _("整改期限届满"), HAZARDS),
            Indicator(
                "rectified_on_time",
                _("按期整改"),
                HAZARDS,
                lambda _t: Q(verification="rectified", verified_on__lte=F("due_on")),
            ),
            Indicator(
                "rectifications_overdue",
                _("逾期未整改"),
                HAZARDS,
                _overdue,
                uses_today=True,
                # a time limit due in a month that is over has passed: overdue unless it was
                # rectified on time
                settled_as=("rectifications_due", "rectified_on_time"),
            ),
        ],
    )
    case_columns = [
        Column(_("案由"), lambda r: r.cause),
        Column(_("状态"), lambda r: r.get_status_display()),
    ]
    for key, label, date in (
        ("cases_filed", _("立案"), "filed_on"),
        ("cases_decided", _("作出处罚决定"), "decided_on"),
        ("cases_closed", _("结案"), "closed_on"),
    ):
        register_source(
            Source(
                key,
                label,
                lambda: Case.objects.select_related("mine"),
                "agency",
                date,
                False,
                _case_url,
                [*case_columns, Column(label, lambda r, d=date: getattr(r, d))],
            ),
            [Indicator(key, label, CASES)]
            + (
                [
                    Indicator(
                        "fines_decided",
                        _("决定罚款金额（元）"),
                        MONEY,
                        lambda _t: Q(fine_amount__gt=0),
                        amount_field="fine_amount",
                    )
                ]
                if key == "cases_decided"
                else []
            ),
        )
    register_source(
        Source(
            "penalties",
            _("行政处罚决定"),
            lambda: (
                Proposal.objects.filter(kind="penalty", status="decided")
                .annotate(penalty_kinds_text=KT("content__penalty_kinds"))
                .select_related("case")
            ),
            "case__agency",
            "decided_at",
            True,
            _case_url,
            [
                Column(_("案由"), lambda r: r.case.cause),
                Column(
                    _("处罚种类"),
                    lambda r: "、".join(
                        str(PenaltyKind(k).label)
                        for k in r.content.get("penalty_kinds", [])
                        if k in PenaltyKind.values
                    ),
                ),
            ],
        ),
        [
            Indicator(f"penalty_{kind.value}", kind.label, PENALTIES, _penalty(kind.value))
            for kind in PenaltyKind
        ],
    )
    register_source(
        Source(
            "payments",
            _("罚没款缴纳"),
            lambda: Payment.objects.select_related("case"),
            "case__agency",
            "paid_on",
            False,
            _case_url,
            [
                Column(_("案由"), lambda r: r.case.cause),
                Column(_("缴款日期"), lambda r: r.paid_on),
                Column(_("金额（元）"), lambda r: r.amount),
            ],
        ),
        [Indicator("fines_collected", _("实缴罚没款（元）"), MONEY, amount_field="amount")],
    )
    register_source(
        Source(
            "emergency",
            _("紧急措施"),
            lambda: CaseAct.objects.filter(kind="emergency_measure").select_related("case"),
            "case__agency",
            "started_at",
            True,
            _case_url,
            [
                Column(_("案由"), lambda r: r.case.cause),
                Column(_("措施"), lambda r: r.get_measure_display()),
            ],
        ),
        [Indicator("emergency_measures", _("采取紧急措施"), HAZARDS)],
    )
    register_source(
        Source(
            "reviews",
            _("送审"),
            lambda: Review.objects.select_related("case"),
            "case__agency",
            "created_at",
            True,
            _review_url,
            [
                Column(_("案由"), lambda r: r.case.cause),
                Column(_("状态"), lambda r: r.get_status_display()),
            ],
        ),
        [Indicator("reviews_submitted", _("送法制审核"), REVIEWS)],
    )
    register_source(
        Source(
            "opinions",
            _("法制审核意见"),
            lambda: Opinion.objects.select_related("review__case", "submission"),
            "review__case__agency",
            "issued_on",
            False,
            _review_url,
            [
                Column(_("案由"), lambda r: r.review.case.cause),
                Column(_("审核意见"), lambda r: r.get_kind_display()),
                Column(_("用时（工作日）"), lambda r: r.working_days),
            ],
        ),
        [
            Indicator("opinions_issued", _("提出审核意见"), REVIEWS),
            Indicator(
                "opinions_first_round",
                _("首轮审核意见"),
                REVIEWS,
                lambda _t: Q(submission__round=1),
            ),
            Indicator(
                "opinions_first_pass",
                _("首轮审核同意"),
                REVIEWS,
                lambda _t: Q(submission__round=1, kind="approve"),
            ),
            Indicator(
                "opinions_returned",
                _("审核退回（变更、纠正或继续调查）"),
                REVIEWS,
                lambda _t: ~Q(kind="approve"),
            ),
            Indicator("opinions_overdue", _("超期审核"), REVIEWS, lambda _t: Q(overdue=True)),
            Indicator(
                "review_days",
                _("审核用时合计（工作日）"),
                REVIEWS,
                amount_field="working_days",
            ),
        ],
    )
    register_source(
        Source(
            "extensions",
            _("审核期限延长"),
            lambda: Extension.objects.select_related("review__case"),
            "review__case__agency",
            "approved_at",
            True,
            _review_url,
            [
                Column(_("案由"), lambda r: r.review.case.cause),
                Column(_("延长至"), lambda r: r.due_on),
            ],
        ),
        [Indicator("review_extensions", _("延长审核期限"), REVIEWS)],
    )
    publication_columns = [
        Column(_("标题"), lambda r: r.title),
        Column(_("公示期限至"), lambda r: r.due_on),
        Column(_("状态"), lambda r: r.get_status_display()),
    ]
    register_source(
        Source(
            "released",
            _("结果公示发布"),
            lambda: Publication.objects.all(),
            "agency",
            "first_published_at",
            True,
            lambda r: reverse("publicity:detail", args=[r.pk]),
            publication_columns,
        ),
        [
            Indicator("publications_released", _("发布结果公示"), PUBLICITY),
            Indicator(
                "publications_late",
                _("逾期发布"),
                PUBLICITY,
                lambda _t: Q(first_published_at__date__gt=F("due_on")),
            ),
        ],
    )
    register_source(
        Source(
            "withdrawn",
            _("结果公示撤下"),
            lambda: Publication.objects.all(),
            "agency",
            "withdrawn_at",
            True,
            lambda r: reverse("publicity:detail", args=[r.pk]),
            publication_columns,
        ),
        [Indicator("publications_withdrawn", _("撤下结果公示"), PUBLICITY)],
    )


@dataclass(frozen=True)
class Ratio:
    """A rate shown beside the figures: numerator and denominator are indicators (each a link)."""

    label: Any
    numerator: str
    denominator: str
    unit: str = "%"  # "%": a percentage; otherwise a mean in that unit (e.g. 分, ADR 0228)


RATIOS = [
    Ratio(_("按期整改率"), "rectified_on_time", "rectifications_due"),
    Ratio(_("首轮审核通过率"), "opinions_first_pass", "opinions_first_round"),
    Ratio(_("公示逾期率"), "publications_late", "publications_released"),
    Ratio(_("案卷评查平均分"), "evaluation_points", "evaluation_scored", _("分")),
]


def ratio(part: Decimal | int, whole: Decimal | int, percent: bool = True) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * (100 if percent else 1) / Decimal(whole)).quantize(Decimal("0.1"))
