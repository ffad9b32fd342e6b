"""JL-TXT-2, JL-TXT-3a: the inspection procedure as one table, readable at a glance.

The inspection plan (检查方案) and the on-site inspection are two objects with one life: a
plan is drafted, approved by the head, and only then can the on-site inspection be opened on
it. The public procedure page draws its flowchart from ``TRANSITIONS`` (registered as
``inspection`` in ``sanxiang/catalog/procedures.py``), so what is published is what the
services enforce.

    草拟 ─提交审批─▶ 待审批 ─负责人批准─▶ 已批准 ─开始现场检查─▶ 检查中 ─结束检查─▶ 整改跟踪 ─办结─▶ 已办结
      ▲                │
      └── 退回修改 ─────┘

Enforcement plans (draft → approved) and draws (draft → committed → drawn → published) have
their own short tables below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.stages import Stage
from sanxiang.org.roles import Role


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("检查方案草拟")
    SUBMITTED = "submitted", _("检查方案待审批")
    APPROVED = "approved", _("检查方案已批准")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("现场检查中")
    COMPLETED = "completed", _("检查结束（整改跟踪）")
    CLOSED = "closed", _("已办结")


class EnforcementPlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")


class DrawStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    COMMITTED = "committed", _("种子已承诺")
    DRAWN = "drawn", _("已抽取")
    PUBLISHED = "published", _("已公布")


# The flowchart's states: the plan's, then the inspection's (their values never collide).
STATES = {
    **{f"plan:{value}": label for value, label in PlanStatus.choices},
    **{f"inspection:{value}": label for value, label in InspectionStatus.choices},
}
INITIAL = f"plan:{PlanStatus.DRAFT}"

OFFICERS = frozenset({Role.OFFICER})
HEADS = frozenset({Role.HEAD})
OFFICERS_OR_HEADS = frozenset({Role.OFFICER, Role.HEAD})


@dataclass(frozen=True)
class Transition:
    """One step: which object, from which state, by which action, to which state, by whom.

    ``requires`` names the precondition checked by the service, in words; ``stages`` the
    stages whose required documents (catalog stage rules, JL-TXT-3b) must all be issued first.
    """

    obj: str
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""
    stages: tuple[str, ...] = ()
    issues: str = ""

    @property
    def source_state(self) -> str:
        return self.source.split(":", 1)[1]

    @property
    def target_state(self) -> str:
        return self.target.split(":", 1)[1]


def _p(state: str) -> str:
    return f"plan:{state}"


def _i(state: str) -> str:
    return f"inspection:{state}"


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "plan",
        "submit",
        _p(PlanStatus.DRAFT),
        _p(PlanStatus.SUBMITTED),
        _("提交审批"),
        OFFICERS,
        requires=_("方案列明检查事项和内容、不少于2名检查人员和检查日期"),
    ),
    Transition(
        "plan",
        "return",
        _p(PlanStatus.SUBMITTED),
        _p(PlanStatus.DRAFT),
        _("退回修改"),
        HEADS,
        requires=_("说明退回理由"),
    ),
    Transition(
        "plan",
        "approve",
        _p(PlanStatus.SUBMITTED),
        _p(PlanStatus.APPROVED),
        _("负责人批准"),
        HEADS,
        issues="inspection_plan",
    ),
    Transition(
        "inspection",
        "open",
        _p(PlanStatus.APPROVED),
        _i(InspectionStatus.OPEN),
        _("开始现场检查"),
        OFFICERS,
        requires=_(
            "方案已批准且批准记录在账本中先于检查；检查日期在方案期限内；"
            "不少于2名检查人员到场，执法证在检查当日有效（《实施办法》三（二）1）"
        ),
        stages=(Stage.INSPECTION_PLAN,),
    ),
    Transition(
        "inspection",
        "complete",
        _i(InspectionStatus.OPEN),
        _i(InspectionStatus.COMPLETED),
        _("结束检查，制作现场检查记录"),
        OFFICERS,
        issues="onsite_record",
    ),
    Transition(
        "inspection",
        "close",
        _i(InspectionStatus.COMPLETED),
        _i(InspectionStatus.CLOSED),
        _("整改复查完毕，办结"),
        OFFICERS_OR_HEADS,
        requires=_("限期整改的措施均已复查；本检查各环节文书齐全"),
        stages=(Stage.INSPECTION_PLAN, Stage.ONSITE_INSPECTION, Stage.ONSITE_MEASURE),
    ),
)

# Actions that keep the inspection in its state.
IN_STATE_ACTIONS: tuple[Transition, ...] = (
    Transition(
        "inspection",
        "finding",
        _i(InspectionStatus.OPEN),
        _i(InspectionStatus.OPEN),
        _("记录发现的问题（选用违法违规行为描述汇编）"),
        OFFICERS,
    ),
    Transition(
        "inspection",
        "measure",
        _i(InspectionStatus.OPEN),
        _i(InspectionStatus.OPEN),
        _("采取现场处理措施"),
        OFFICERS,
        issues=_("现场处理决定书 / 责令限期整改指令书 / 撤出作业人员命令书"),
    ),
    Transition(
        "inspection",
        "verify",
        _i(InspectionStatus.COMPLETED),
        _i(InspectionStatus.COMPLETED),
        _("整改复查"),
        OFFICERS,
    ),
)

ENFORCEMENT_PLAN_TRANSITIONS = (
    (EnforcementPlanStatus.DRAFT, EnforcementPlanStatus.APPROVED, _("负责人批准")),
)
DRAW_TRANSITIONS = (
    (DrawStatus.DRAFT, DrawStatus.COMMITTED, _("冻结名录并公布种子承诺值")),
    (DrawStatus.COMMITTED, DrawStatus.DRAWN, _("揭示种子并抽取")),
    (DrawStatus.DRAWN, DrawStatus.PUBLISHED, _("负责人批准公布")),
)


def transition_for(source: str, action: str) -> Transition | None:
    """The step ``action`` leaving ``source`` (``plan:<status>`` or ``inspection:<status>``)."""
    for transition in TRANSITIONS + IN_STATE_ACTIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def plan_state(status: str) -> str:
    return _p(status)


def inspection_state(status: str) -> str:
    return _i(status)


def plan_transitions(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == _p(state)]


def inspection_transitions(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS + IN_STATE_ACTIONS if t.source == _i(state)]
