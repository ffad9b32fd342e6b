"""JL-TXT-2: the administrative penalty procedure as one transition table, readable at a glance.

Each row: from which state, by which action, to which state, who may do it, what must hold
first (in words; the service checks it), which stages' required documents must all be issued
(catalog stage rules, JL-TXT-3b) and which document the step issues. One service in
``services.py`` per row. The public procedure page draws the flowchart from ``TRANSITIONS``
(registered as ``penalty`` in ``sanxiang/catalog/procedures.py``).

    立案待批 ─批准立案─▶ 调查取证 ─案件处理呈报─▶ 呈报待批 ─负责人批准─▶ 待告知 ─告知─▶ 陈述申辩期
      │                  ▲  ▲                       │                              │      │
      └─不予立案─▶ 不予立案 │  └──────── 退回补充调查 ─┘◀──────── 补充调查 ────────────┘      │
                          │                                                 听证 ◀─申请听证┤
                       补充调查 ◀── 待作出决定 ◀─举行听证── 听证                  期满/放弃 ─┘
                                     │
                     作出处罚决定（重大决定须经法制审核，《实施办法》五（二）1）
                                     ▼
            待送达 ─送达─▶ 待履行 ─缴清/履行完毕─▶ 已履行 ─结案─▶ 已结案 ─▶ 待归档
                             └─申请法院强制执行─▶ 已申请强制执行 ─结案─┘

``IN_STATE_ACTIONS`` are steps that keep the state (investigation records, statements,
payments, additional fines, emergency measures).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.stages import Stage
from sanxiang.org.roles import Role


class CaseStatus(models.TextChoices):
    FILING_PENDING = "filing_pending", _("立案待批")
    NOT_FILED = "not_filed", _("不予立案")
    INVESTIGATING = "investigating", _("调查取证")
    REPORTED = "reported", _("案件处理呈报待批")
    REPORT_APPROVED = "report_approved", _("待告知")
    NOTIFIED = "notified", _("已告知（陈述申辩期）")
    HEARING = "hearing", _("听证")
    PENDING_DECISION = "pending_decision", _("待作出决定")
    DECIDED = "decided", _("已作出决定（待送达）")
    SERVED = "served", _("已送达（待履行）")
    EXECUTED = "executed", _("已履行")
    ENFORCEMENT_APPLIED = "enforcement_applied", _("已申请法院强制执行")
    CLOSED = "closed", _("已结案")
    ARCHIVE_READY = "archive_ready", _("待归档")


STATES = CaseStatus
INITIAL = CaseStatus.FILING_PENDING
FINAL = frozenset({CaseStatus.NOT_FILED, CaseStatus.CLOSED, CaseStatus.ARCHIVE_READY})
OPEN = frozenset(set(CaseStatus.values) - FINAL)
BEFORE_DECISION = frozenset(
    {
        CaseStatus.FILING_PENDING,
        CaseStatus.INVESTIGATING,
        CaseStatus.REPORTED,
        CaseStatus.REPORT_APPROVED,
        CaseStatus.NOTIFIED,
        CaseStatus.HEARING,
        CaseStatus.PENDING_DECISION,
    }
)

# Officers act only on cases they handle (承办人员); heads of the agency (or above) approve.
OFFICERS = frozenset({Role.OFFICER})
HEADS = frozenset({Role.HEAD})
TEAM_OR_HEAD = frozenset({Role.OFFICER, Role.HEAD})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""
    stages: tuple[str, ...] = ()
    issues: str = ""
    gate: bool = False


S = CaseStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "approve_filing",
        S.FILING_PENDING,
        S.INVESTIGATING,
        _("批准立案"),
        HEADS,
        requires=_("有违法事实、属于本机关管辖、在追责时效内"),
        issues="filing_approval",
    ),
    Transition(
        "refuse_filing",
        S.FILING_PENDING,
        S.NOT_FILED,
        _("不予立案"),
        HEADS,
        requires=_("说明理由"),
    ),
    Transition(
        "submit_report",
        S.INVESTIGATING,
        S.REPORTED,
        _("案件处理呈报"),
        OFFICERS,
        requires=_("违法事实、证据、依据（施行中的条文）和拟处理意见齐全"),
        stages=(Stage.CASE_FILING, Stage.INVESTIGATION),
        issues="case_report",
    ),
    Transition(
        "return_report",
        S.REPORTED,
        S.INVESTIGATING,
        _("退回补充调查"),
        HEADS,
        requires=_("说明理由"),
    ),
    Transition("approve_report", S.REPORTED, S.REPORT_APPROVED, _("负责人批准拟处理意见"), HEADS),
    Transition(
        "notify",
        S.REPORT_APPROVED,
        S.NOTIFIED,
        _("告知（事实、理由、证据、依据、陈述申辩和听证权利）"),
        OFFICERS,
        requires=_(
            "告知过程全程音像记录（《实施办法》四（二）2）；起算陈述申辩期和听证申请期（《实施办法》三（二）2）"
        ),
        stages=(Stage.CASE_REPORT,),
        issues="penalty_notice",
    ),
    Transition(
        "request_hearing",
        S.NOTIFIED,
        S.HEARING,
        _("当事人申请听证"),
        OFFICERS,
        requires=_("拟处罚属于听证范围，且在听证申请期内提出"),
    ),
    Transition(
        "hold_hearing",
        S.HEARING,
        S.PENDING_DECISION,
        _("举行听证"),
        OFFICERS,
        requires=_("听证主持人不是本案调查人员；制作听证笔录"),
        issues="hearing_record",
    ),
    Transition(
        "close_notice",
        S.NOTIFIED,
        S.PENDING_DECISION,
        _("陈述申辩期满或当事人放弃"),
        OFFICERS,
        requires=_("陈述申辩期（及听证申请期）已届满，或当事人书面放弃"),
        stages=(Stage.PRIOR_NOTICE,),
    ),
    Transition(
        "reinvestigate",
        S.REPORT_APPROVED,
        S.INVESTIGATING,
        _("补充调查"),
        TEAM_OR_HEAD,
        requires=_("说明理由；须重新呈报"),
    ),
    Transition(
        "reinvestigate",
        S.NOTIFIED,
        S.INVESTIGATING,
        _("补充调查"),
        TEAM_OR_HEAD,
        requires=_("说明理由；须重新呈报、重新告知"),
    ),
    Transition(
        "reinvestigate",
        S.PENDING_DECISION,
        S.INVESTIGATING,
        _("补充调查"),
        TEAM_OR_HEAD,
        requires=_("说明理由（如法制审核意见为继续调查）"),
    ),
    Transition(
        "decide",
        S.PENDING_DECISION,
        S.DECIDED,
        _("作出行政处罚决定"),
        HEADS,
        requires=_(
            "重大执法决定须已通过法制审核（《实施办法》五（二）1，审核对象为当前拟作出的决定）；"
            "起算7个工作日公示期限"
        ),
        stages=(Stage.PRIOR_NOTICE,),
        issues="penalty_decision",
        gate=True,
    ),
    Transition(
        "serve",
        S.DECIDED,
        S.SERVED,
        _("送达（送达回执）"),
        OFFICERS,
        requires=_(
            "直接送达时执法人员不少于2人且执法证有效（《实施办法》三（二）1）；起算缴款期限"
        ),
        stages=(Stage.DECISION,),
        issues="service_receipt",
    ),
    Transition(
        "pay",
        S.SERVED,
        S.EXECUTED,
        _("缴清罚款（含加处罚款）"),
        OFFICERS,
        requires=_("缴款凭证"),
    ),
    Transition(
        "confirm_execution",
        S.SERVED,
        S.EXECUTED,
        _("确认履行完毕"),
        OFFICERS,
        requires=_("没有未缴的罚款"),
    ),
    Transition(
        "apply_court",
        S.SERVED,
        S.ENFORCEMENT_APPLIED,
        _("申请人民法院强制执行"),
        HEADS,
        requires=_("逾期不履行；申请已通过法制审核（《实施办法》五（二）2（9））"),
        stages=(Stage.SERVICE,),
        issues="enforcement_application",
        gate=True,
    ),
    Transition(
        "close",
        S.EXECUTED,
        S.CLOSED,
        _("结案"),
        HEADS,
        requires=_("各环节文书齐全（《实施办法》四（一）3）；紧急措施的事后法制审核已完成"),
        issues="closure_approval",
    ),
    Transition(
        "close",
        S.ENFORCEMENT_APPLIED,
        S.CLOSED,
        _("结案"),
        HEADS,
        requires=_("各环节文书齐全（《实施办法》四（一）3）；紧急措施的事后法制审核已完成"),
        issues="closure_approval",
    ),
    Transition(
        "archive",
        S.CLOSED,
        S.ARCHIVE_READY,
        _("整理完毕，待归档"),
        frozenset({Role.OFFICER, Role.CUSTODIAN}),
        requires=_("各环节文书齐全"),
    ),
)

# Steps that keep the case in its state (source == target; the flowchart leaves them out).
IN_STATE_ACTIONS: tuple[Transition, ...] = (
    Transition(
        "investigate",
        S.INVESTIGATING,
        S.INVESTIGATING,
        _("调查取证（询问、勘验、先行登记保存、抽样）"),
        OFFICERS,
        requires=_(
            "执法人员不少于2人且执法证有效（《实施办法》三（二）1）；先行登记保存、抽样须全程音像记录（《实施办法》四（二）2）"
        ),
        issues=_("询问笔录 / 勘验笔录 / 先行登记保存证据通知书 / 抽样取证通知书"),
    ),
    *(
        Transition(
            "statement",
            state,
            state,
            _("记录陈述、申辩或放弃"),
            OFFICERS,
        )
        for state in (S.NOTIFIED, S.HEARING)
    ),
    Transition(
        "payment",
        S.SERVED,
        S.SERVED,
        _("登记缴款"),
        OFFICERS,
    ),
    Transition(
        "propose_additional_fine",
        S.SERVED,
        S.SERVED,
        _("拟加处罚款（每日3%，不超过罚款数额）"),
        OFFICERS,
        requires=_("缴款期限已届满"),
    ),
    Transition(
        "impose_additional_fine",
        S.SERVED,
        S.SERVED,
        _("作出加处罚款决定"),
        HEADS,
        requires=_("已通过法制审核（《实施办法》五（二）2（7））"),
        issues="additional_fine",
        gate=True,
    ),
    Transition(
        "propose_court_enforcement",
        S.SERVED,
        S.SERVED,
        _("拟申请人民法院强制执行"),
        OFFICERS,
        requires=_("缴款期限已届满"),
    ),
    *(
        Transition(
            "emergency_measure",
            state,
            state,
            _("重大事故隐患紧急措施（先执行、后审核）"),
            OFFICERS,
            requires=_(
                "本案认定存在重大事故隐患；5个工作日内完成事后法制审核（《实施办法》五（二）1）"
            ),
            issues=_("查封（扣押）决定书 / 现场处理决定书"),
        )
        for state in (
            S.FILING_PENDING,
            S.INVESTIGATING,
            S.REPORTED,
            S.REPORT_APPROVED,
            S.NOTIFIED,
            S.HEARING,
            S.PENDING_DECISION,
        )
    ),
)


def transition_for(source: str, action: str) -> Transition | None:
    """The row ``action`` leaving ``source``, in either table, or None."""
    for transition in TRANSITIONS + IN_STATE_ACTIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(source: str) -> list[Transition]:
    """Every row leaving ``source``: transitions first, then the steps that keep the state."""
    return [t for t in TRANSITIONS + IN_STATE_ACTIONS if t.source == source]


ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS + IN_STATE_ACTIONS))
