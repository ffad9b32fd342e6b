"""A campaign's life, as one transition table (ADR 0160).

    草稿 ─公布承诺值（冻结案卷名录、评查人员和回避；SM3(种子) 入账本）─▶ 已公布承诺值
        ─抽取案卷（公开种子；按单位分层抽取；分配评查人员；系统预填）─▶ 评查中
        ─结束评查（评查依据随之终止）─▶ 已结束

The organiser — a head of the organising agency or above, or its legal office (法制审核人员) —
takes every step; evaluators score the files while the campaign runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role

from ..models_evaluation import CampaignStatus

ORGANISERS = frozenset({Role.HEAD, Role.LEGAL_REVIEWER})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""


S = CampaignStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "commit",
        S.DRAFT,
        S.COMMITTED,
        _("公布承诺值"),
        ORGANISERS,
        requires=_("冻结案卷名录和评查人员"),
    ),
    Transition(
        "draw", S.COMMITTED, S.RUNNING, _("抽取案卷"), ORGANISERS, requires=_("公开随机种子")
    ),
    Transition("close", S.RUNNING, S.CLOSED, _("结束评查"), ORGANISERS),
)


def transition_for(source: str, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.action == action), None)


def available(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status]
