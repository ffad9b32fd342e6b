"""JL-ARC-3: filing a unit, as one transition table.

    草稿 ─提交归档（档案管理员；四性检测通过）─▶ 待审批 ─批准归档（负责人；取档号）─▶ 已归档
      ▲                                           │
      └──────── 重新组卷 ◀── 退回（负责人，说明理由；不取档号）─┘

One service per row in ``services.py``; the 档号 is taken only by 批准归档, so a returned unit
leaves no gap in the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role

from .models import UnitStatus

CUSTODIANS = frozenset({Role.CUSTODIAN})
HEADS = frozenset({Role.HEAD})
ASSEMBLERS = frozenset({Role.CUSTODIAN, Role.HEAD})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""


S = UnitStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        S.DRAFT,
        S.SUBMITTED,
        _("提交归档"),
        CUSTODIANS,
        requires=_("四性检测通过"),
    ),
    Transition(
        "submit",
        S.RETURNED,
        S.SUBMITTED,
        _("提交归档"),
        CUSTODIANS,
        requires=_("四性检测通过"),
    ),
    Transition("file", S.SUBMITTED, S.FILED, _("批准归档"), HEADS, requires=_("取得档号")),
    Transition("return", S.SUBMITTED, S.RETURNED, _("退回"), HEADS, requires=_("说明理由")),
)


def transition_for(source: str, action: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
