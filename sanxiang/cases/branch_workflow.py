"""JL-TXT-1 / JL-TXT-2: the procedure branches beside the main penalty table (ADR 0205).

One small table per branch, the same row shape as ``workflow.Transition``; one service per row
in ``branches.py``, which enforces the roles, the limits (``branch_rules``) and issues the
document named in ``issues``. ``ISSUERS`` is the list of document types and the service that
issues each; a test walks the document-type catalog against it. ``FLOWCHARTS`` feeds the public
procedure pages (``catalog/procedures.py``), drawn by ``core/flowchart.py``.

    当场处罚:   ──当场作出决定──▶ 待备案 ──报所属机关备案──▶ 已备案
    先行登记保存: ──登记保存──▶ 登记保存中 ──作出处理决定（7个工作日内）──▶ 已处理
    查封扣押:   ──查封（扣押）──▶ 查封中 ──延长（一次）──▶ 延长期内 ──解除──▶ 已解除
    暂缓或分期缴纳: ──当事人申请──▶ 待决定 ──同意 / 不同意──▶ 已同意 / 不同意
    回避:       ──申请或提出回避──▶ 待决定 ──作出回避决定──▶ 已决定
    办案期限延长: ──延长办案期限──▶ 已延长
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role

from .workflow import HEADS, OFFICERS, TEAM_OR_HEAD, Transition


class BranchKind(models.TextChoices):
    SIMPLE = "simple", _("简易程序（当场处罚）")
    PRESERVATION = "preservation", _("先行登记保存证据")
    SEALING = "sealing", _("查封、扣押")
    DEFERRAL = "deferral", _("暂缓或分期缴纳罚款")
    RECUSAL = "recusal", _("回避")
    EXTENSION = "extension", _("办案期限延长")


class BranchStatus(models.TextChoices):
    START = "start", _("开始")
    ON_SITE = "on_site", _("已当场决定，待备案")
    RECORDED = "recorded", _("已报所属机关备案")
    PRESERVED = "preserved", _("登记保存中")
    HANDLED = "handled", _("已作出处理决定")
    SEALED = "sealed", _("查封（扣押）中")
    EXTENDED = "extended", _("查封（扣押）延长期内")
    RELEASED = "released", _("已解除查封（扣押）")
    APPLIED = "applied", _("待负责人决定")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("不同意")
    DECIDED = "decided", _("已作出决定")
    EXTENDED_LIMIT = "extended_limit", _("办案期限已延长")


B = BranchStatus
START = B.START
REVIEWERS = frozenset({Role.LEGAL_REVIEWER})

SIMPLE = (
    Transition(
        "decide_on_site",
        START,
        B.ON_SITE,
        _("当场作出行政处罚决定"),
        OFFICERS,
        requires=_(
            "警告，或者对公民处二百元以下、对法人或者其他组织处三千元以下罚款"
            "（《中华人民共和国行政处罚法》第五十一条）；出示执法证件，当场交付决定书"
        ),
        issues="simple_decision",
    ),
    Transition(
        "report_record",
        B.ON_SITE,
        B.RECORDED,
        _("报所属行政机关备案"),
        OFFICERS,
        requires=_("当场处罚决定书报所属行政机关备案（《中华人民共和国行政处罚法》第五十二条）"),
    ),
)

PRESERVATION = (
    Transition(
        "preserve",
        START,
        B.PRESERVED,
        _("先行登记保存证据"),
        OFFICERS,
        requires=_(
            "证据可能灭失或者以后难以取得，经负责人批准（《中华人民共和国行政处罚法》第五十六条）；"
            "全程音像记录"
        ),
        issues="preservation_notice",
    ),
    Transition(
        "handle",
        B.PRESERVED,
        B.HANDLED,
        _("作出先行登记保存证据处理决定"),
        HEADS,
        requires=_("七日内（工作日，《中华人民共和国行政处罚法》第五十六条、第八十五条）"),
        issues="preservation_decision",
    ),
)

SEALING = (
    Transition(
        "seal",
        START,
        B.SEALED,
        _("查封（扣押）"),
        HEADS,
        requires=_(
            "重大的，须经法制审核；期限不超过三十日（《中华人民共和国行政强制法》第二十五条）"
        ),
        issues="sealing_decision",
    ),
    Transition(
        "extend",
        B.SEALED,
        B.EXTENDED,
        _("延长查封（扣押）期限"),
        HEADS,
        requires=_("情况复杂，经负责人批准，只能延长一次，不超过三十日（行政强制法第二十五条）"),
        issues="sealing_extension",
    ),
    *(
        Transition(
            "release",
            state,
            B.RELEASED,
            _("解除查封（扣押）"),
            HEADS,
            requires=_(
                "违法行为不存在、与违法行为无关、已作出处理决定或期限届满的，及时解除"
                "（《中华人民共和国行政强制法》第二十八条）"
            ),
            issues="sealing_release",
        )
        for state in (B.SEALED, B.EXTENDED)
    ),
)

DEFERRAL = (
    Transition(
        "apply",
        START,
        B.APPLIED,
        _("当事人申请暂缓或分期缴纳罚款"),
        OFFICERS,
        requires=_("当事人确有经济困难，书面申请（《中华人民共和国行政处罚法》第六十六条）"),
    ),
    Transition(
        "grant",
        B.APPLIED,
        B.GRANTED,
        _("批准暂缓或分期缴纳"),
        HEADS,
        requires=_("写明暂缓期限或分期安排"),
        issues="payment_deferral",
    ),
    Transition("refuse", B.APPLIED, B.REFUSED, _("不予批准"), HEADS, requires=_("说明理由")),
)

RECUSAL = (
    Transition(
        "request",
        START,
        B.APPLIED,
        _("当事人申请回避或执法人员自行回避"),
        TEAM_OR_HEAD | REVIEWERS,
        requires=_(
            "执法人员与案件有直接利害关系或者有其他关系可能影响公正执法"
            "（《中华人民共和国行政处罚法》第四十三条）"
        ),
    ),
    Transition(
        "decide",
        B.APPLIED,
        B.DECIDED,
        _("作出回避决定"),
        HEADS,
        requires=_("由行政机关负责人决定；决定作出之前，不停止调查（第四十三条）"),
        issues="recusal_decision",
    ),
)

EXTENSION = (
    Transition(
        "extend_limit",
        START,
        B.EXTENDED_LIMIT,
        _("延长办案期限"),
        HEADS,
        requires=_(
            "立案之日起九十日内作出决定（《中华人民共和国行政处罚法》第六十条）；"
            "延长天数为本机关规定的示例数据"
        ),
        issues="case_extension",
    ),
)

TABLES: dict[str, tuple[Transition, ...]] = {
    BranchKind.SIMPLE: SIMPLE,
    BranchKind.PRESERVATION: PRESERVATION,
    BranchKind.SEALING: SEALING,
    BranchKind.DEFERRAL: DEFERRAL,
    BranchKind.RECUSAL: RECUSAL,
    BranchKind.EXTENSION: EXTENSION,
}

TRANSITIONS = tuple(row for table in TABLES.values() for row in table)


def branch_transition(kind: str, source: str, action: str) -> Transition | None:
    return next(
        (t for t in TABLES.get(kind, ()) if t.source == source and t.action == action), None
    )


def _chart(*tables: tuple[Transition, ...]) -> SimpleNamespace:
    return SimpleNamespace(
        TRANSITIONS=tuple(row for table in tables for row in table),
        STATES=BranchStatus,
        INITIAL=START,
    )


# Public flowcharts (keys of ``catalog.procedures.WORKFLOW_TABLES``).
FLOWCHARTS = {
    "coercion": _chart(PRESERVATION, SEALING),
    "simple_penalty": _chart(SIMPLE),
    "payment_deferral": _chart(DEFERRAL),
    "recusal": _chart(RECUSAL),
    "case_extension": _chart(EXTENSION),
}
