"""GS-REQ-2, GS-POST-1, GS-POST-2: the way a result publication goes, as one table.

    draft ─确认区分处理─▶ redaction_confirmed ─审查通过─▶ reviewed ─负责人批准─▶ approved ─公布─▶ published
      ▲                        │                          │                                   │  │  │
      └────────── 退回修改（须说明理由）────────────────────┘                                   │  │  │
      └──────────────────────────── 修订（已公布的版本继续公示，直至新版本公布）────────────────────┘  │  │
                       withdrawal_pending ◀─申请撤下─────────────────────────────────────────────────┘  │
                         │  └─驳回撤下申请─▶ published                                                  │
                         └─批准撤下─▶ withdrawn            expired ◀─公示期满（系统）─────────────────────┘

The editor prepares the draft (the 双公示 fields, filled from the decision) and confirms the
redaction; a reviewer (a legal reviewer, or another editor — never the one who confirmed)
reviews; the unit's head approves, and approval publishes at once on the portal, in open data
and in the feed. A published result is revised by a new version (the old one stays visible
until the new one is published) and withdrawn, on the head's approval, with its reason and a
tombstone. A draft whose decision is revoked before release is withdrawn the same way (it was
never public, so there is no tombstone). Publicity ends by itself at 公示截止期.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("待区分处理")
    REDACTION_CONFIRMED = "redaction_confirmed", _("待审查")
    REVIEWED = "reviewed", _("待负责人审批")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已公布")
    WITHDRAWAL_PENDING = "withdrawal_pending", _("撤下待批准")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")


STATES = PublicationStatus
INITIAL = PublicationStatus.DRAFT
PREPARING = frozenset(
    {
        PublicationStatus.DRAFT,
        PublicationStatus.REDACTION_CONFIRMED,
        PublicationStatus.REVIEWED,
        PublicationStatus.APPROVED,
    }
)
FINAL = frozenset({PublicationStatus.WITHDRAWN, PublicationStatus.EXPIRED})

EDITOR_ROLES = frozenset({Role.PUBLICITY_EDITOR})
REVIEWER_ROLES = frozenset({Role.LEGAL_REVIEWER, Role.PUBLICITY_EDITOR})
HEAD_ROLES = frozenset({Role.HEAD})
WITHDRAW_REQUEST_ROLES = frozenset({Role.PUBLICITY_EDITOR, Role.HEAD, Role.LEGAL_REVIEWER})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    needs_reason: bool = False
    system_may_act: bool = False


S = PublicationStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition("confirm", S.DRAFT, S.REDACTION_CONFIRMED, _("确认区分处理"), EDITOR_ROLES),
    Transition(
        "return", S.REDACTION_CONFIRMED, S.DRAFT, _("退回修改"), REVIEWER_ROLES, needs_reason=True
    ),
    Transition("review", S.REDACTION_CONFIRMED, S.REVIEWED, _("审查通过"), REVIEWER_ROLES),
    Transition("return", S.REVIEWED, S.DRAFT, _("退回修改"), HEAD_ROLES, needs_reason=True),
    Transition("approve", S.REVIEWED, S.APPROVED, _("负责人批准"), HEAD_ROLES),
    Transition("publish", S.APPROVED, S.PUBLISHED, _("公布"), HEAD_ROLES, system_may_act=True),
    Transition(
        "revise", S.PUBLISHED, S.DRAFT, _("修订（新版本）"), EDITOR_ROLES, needs_reason=True
    ),
    Transition(
        "request_withdrawal",
        S.PUBLISHED,
        S.WITHDRAWAL_PENDING,
        _("申请撤下"),
        WITHDRAW_REQUEST_ROLES,
        needs_reason=True,
        system_may_act=True,  # opened by a recorded appeal outcome (ADR 0155)
    ),
    Transition(
        "reject_withdrawal",
        S.WITHDRAWAL_PENDING,
        S.PUBLISHED,
        _("驳回撤下申请"),
        HEAD_ROLES,
        needs_reason=True,
    ),
    Transition(
        "withdraw", S.WITHDRAWAL_PENDING, S.WITHDRAWN, _("批准撤下"), HEAD_ROLES, needs_reason=True
    ),
    *(
        Transition("withdraw", source, S.WITHDRAWN, _("撤下"), HEAD_ROLES, needs_reason=True)
        for source in (S.PUBLISHED, S.DRAFT, S.REDACTION_CONFIRMED, S.REVIEWED, S.APPROVED)
    ),
    Transition("expire", S.PUBLISHED, S.EXPIRED, _("公示期满"), HEAD_ROLES, system_may_act=True),
)


def transition_for(source: str, action: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available_actions(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待负责人审批")
    PUBLISHED = "published", _("已公布并报送上级")


REPORT_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "regenerate",
        ReportStatus.DRAFT,
        ReportStatus.DRAFT,
        _("重新生成"),
        EDITOR_ROLES | HEAD_ROLES,
        system_may_act=True,
    ),
    Transition(
        "approve",
        ReportStatus.DRAFT,
        ReportStatus.PUBLISHED,
        _("负责人批准、公布并报送上级"),
        HEAD_ROLES,
    ),
)
