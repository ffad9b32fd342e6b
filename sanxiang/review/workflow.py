"""SH-CONT-2, SH-CONT-3, SH-RESP-3: the legal review of a major decision as one transition table.

One review (法制审核) follows one proposed decision of a case through its rounds: each
submission (送审) is a round; the review office receives complete materials (starting the
5-working-day clock, SH-RESP-2) or returns them for completion (the clock does not start);
the reviewer answers the checklist and issues a written opinion. "Approve" clears the gate;
any other opinion returns the case to the case side, which answers and resubmits (a new
round) or contests the opinion, after which the agency's heads decide collectively.

    已送审 ─接收（材料齐全）─▶ 审核中 ─同意─▶ 审核通过
      │  ▲                      │
      │  └────── 再次送审 ◀──────┼─继续调查/变更/纠正─▶ 已退回 ─提出异议─▶ 有异议 ─集体讨论：按原拟决定─▶ 待登记 ─登记─▶ 审核通过
      ▼                         │                        ▲                    │
    材料不全 ─补正后送审─▶ 已送审  │                        └──集体讨论：采纳审核意见或其他──┘
                                                     已送审/材料不全/已退回 ─撤回─▶ 已撤回

``IN_STATE_ACTIONS`` keep the state (assignment, checklist, hearing the party or
investigating, the head's one extension, written arguments of experts and legal advisers).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已送审（待接收）")
    INCOMPLETE = "incomplete", _("材料不全（退回补正）")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("已提出审核意见（退回承办机构）")
    CONTESTED = "contested", _("有异议（待集体讨论）")
    COLLECTIVE_PROCEED = "collective_proceed", _("集体讨论决定作出（待登记）")
    CLEARED = "cleared", _("审核通过")
    WITHDRAWN = "withdrawn", _("已撤回")


STATES = ReviewStatus
INITIAL = ReviewStatus.SUBMITTED
FINAL = frozenset({ReviewStatus.CLEARED, ReviewStatus.WITHDRAWN})
OPEN = frozenset(set(ReviewStatus.values) - FINAL)
# States in which the review office holds the file (the clock, once started, runs).
WITH_REVIEW_OFFICE = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW})
# States in which the case side must act.
WITH_CASE_SIDE = frozenset({ReviewStatus.INCOMPLETE, ReviewStatus.RETURNED})

CASE_SIDE = frozenset({Role.OFFICER, Role.HEAD})
REVIEWERS = frozenset({Role.LEGAL_REVIEWER})
HEADS = frozenset({Role.HEAD})
ORGANISERS = frozenset({Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""
    issues: str = ""


S = ReviewStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "receive",
        S.SUBMITTED,
        S.IN_REVIEW,
        _("接收送审材料（材料齐全）"),
        REVIEWERS,
        requires=_("起算5个工作日审核期限（《实施办法》五（四）2）"),
    ),
    Transition(
        "return_incomplete",
        S.SUBMITTED,
        S.INCOMPLETE,
        _("材料不全，退回补正"),
        REVIEWERS,
        requires=_("写明缺少的材料；审核期限不起算"),
    ),
    Transition(
        "resubmit",
        S.INCOMPLETE,
        S.SUBMITTED,
        _("补正后再次送审"),
        CASE_SIDE,
        requires=_("重新声明送审材料真实、准确、完整（《实施办法》五（四）4）"),
    ),
    Transition(
        "approve",
        S.IN_REVIEW,
        S.CLEARED,
        _("提出同意的审核意见"),
        REVIEWERS,
        requires=_("审核要点逐项填写且无问题（《实施办法》五（三）1）；所审内容即当前拟作出的决定"),
        issues="review_opinion",
    ),
    Transition(
        "return_opinion",
        S.IN_REVIEW,
        S.RETURNED,
        _("提出继续调查、不予作出决定、变更或纠正的审核意见"),
        REVIEWERS,
        requires=_(
            "审核要点逐项填写；写明理由，变更、纠正意见写明具体内容（《实施办法》五（三）2）"
        ),
        issues="review_opinion",
    ),
    Transition(
        "resubmit",
        S.RETURNED,
        S.SUBMITTED,
        _("研究处理审核意见后再次送审"),
        CASE_SIDE,
        requires=_(
            "说明对审核意见的处理情况（《实施办法》五（三）3）；重新声明（《实施办法》五（四）4）"
        ),
    ),
    *(
        Transition(
            "resubmit",
            state,
            S.SUBMITTED,
            _("拟作出的决定已变更，重新送审"),
            CASE_SIDE,
            requires=_("送审的拟作出决定已被新的拟决定替代；审核期限重新起算"),
        )
        for state in (S.SUBMITTED, S.IN_REVIEW)
    ),
    Transition(
        "contest",
        S.RETURNED,
        S.CONTESTED,
        _("对审核意见提出异议"),
        CASE_SIDE,
        requires=_("写明不同意的理由（《实施办法》五（四）3）"),
    ),
    Transition(
        "collective_proceed",
        S.CONTESTED,
        S.COLLECTIVE_PROCEED,
        _("负责人集体讨论：按拟作出的决定办理"),
        HEADS,
        requires=_("两名以上负责人参加；制作集体讨论记录（《实施办法》五（四）3）"),
        issues="collective_record",
    ),
    Transition(
        "collective_return",
        S.CONTESTED,
        S.RETURNED,
        _("负责人集体讨论：采纳审核意见或作出其他决定"),
        HEADS,
        requires=_("两名以上负责人参加；制作集体讨论记录（《实施办法》五（四）3）"),
        issues="collective_record",
    ),
    Transition(
        "register_collective",
        S.COLLECTIVE_PROCEED,
        S.CLEARED,
        _("法制审核机构登记集体讨论决定"),
        REVIEWERS,
        requires=_("所登记内容即集体讨论的拟作出的决定"),
    ),
    *(
        Transition(
            "withdraw",
            state,
            S.WITHDRAWN,
            _("撤回送审"),
            CASE_SIDE,
            requires=_("说明理由（如不再作出该决定）"),
        )
        for state in (S.SUBMITTED, S.INCOMPLETE, S.RETURNED)
    ),
)

IN_STATE_ACTIONS: tuple[Transition, ...] = (
    *(
        Transition("assign", state, state, _("分配审核人员"), frozenset({*HEADS, *REVIEWERS}))
        for state in (S.SUBMITTED, S.IN_REVIEW)
    ),
    Transition("checklist", S.IN_REVIEW, S.IN_REVIEW, _("填写审核要点"), REVIEWERS),
    Transition("inquiry", S.IN_REVIEW, S.IN_REVIEW, _("向当事人了解情况或调查取证"), REVIEWERS),
    Transition(
        "extend",
        S.IN_REVIEW,
        S.IN_REVIEW,
        _("负责人批准延长审核期限5个工作日"),
        HEADS,
        requires=_("每次送审只能延长一次，须在期限届满前批准（《实施办法》五（四）2）"),
    ),
    Transition(
        "argument",
        S.CONTESTED,
        S.CONTESTED,
        _("登记专家、法律顾问或第三方论证意见"),
        ORGANISERS,
    ),
)


def transition_for(source: str, action: str) -> Transition | None:
    for transition in TRANSITIONS + IN_STATE_ACTIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS + IN_STATE_ACTIONS if t.source == source]


ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS + IN_STATE_ACTIONS))
