"""GS-REQ-2, GS-PRE-3: the approval workflow every catalog version goes through before it is public.

One table, readable at a glance, shared by every catalog kind. The published procedure's
flowchart is drawn from this same table (``sanxiang.core.flowchart``), so what the portal
shows can never drift from what the services enforce.

    draft ──提交法制审核──▶ submitted ──审核通过──▶ reviewed ──负责人批准──▶ approved ──到生效日期公布──▶ published
      ▲                        │                      │                         │
      └──────── 退回修改（须说明理由）────────────────┴─────── 撤回批准 ─────────┘
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待法制审核")
    REVIEWED = "reviewed", _("待负责人审批")
    APPROVED = "approved", _("已批准待生效")
    PUBLISHED = "published", _("已公布")


STATES = VersionStatus
INITIAL = VersionStatus.DRAFT

# Who may act. Editors draft and submit; legal reviewers review (never their own submission);
# the unit's head approves. ``None`` in ``roles`` means the system may also act (scheduled publication).
EDITOR_ROLES = frozenset({Role.PUBLICITY_EDITOR, Role.LEGAL_REVIEWER, Role.SYSTEM_ADMIN})
REVIEWER_ROLES = frozenset({Role.LEGAL_REVIEWER})
HEAD_ROLES = frozenset({Role.HEAD})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    needs_reason: bool = False
    system_may_act: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", VersionStatus.DRAFT, VersionStatus.SUBMITTED, _("提交法制审核"), EDITOR_ROLES
    ),
    Transition(
        "return",
        VersionStatus.SUBMITTED,
        VersionStatus.DRAFT,
        _("退回修改"),
        REVIEWER_ROLES,
        needs_reason=True,
    ),
    Transition(
        "review", VersionStatus.SUBMITTED, VersionStatus.REVIEWED, _("审核通过"), REVIEWER_ROLES
    ),
    Transition(
        "return",
        VersionStatus.REVIEWED,
        VersionStatus.DRAFT,
        _("退回修改"),
        HEAD_ROLES,
        needs_reason=True,
    ),
    Transition(
        "approve", VersionStatus.REVIEWED, VersionStatus.APPROVED, _("负责人批准"), HEAD_ROLES
    ),
    Transition(
        "publish",
        VersionStatus.APPROVED,
        VersionStatus.PUBLISHED,
        _("到生效日期公布"),
        HEAD_ROLES,
        system_may_act=True,
    ),
    Transition(
        "revoke",
        VersionStatus.APPROVED,
        VersionStatus.DRAFT,
        _("撤回批准"),
        HEAD_ROLES,
        needs_reason=True,
    ),
)

ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
OPEN_STATUSES = frozenset(s for s in VersionStatus.values if s != VersionStatus.PUBLISHED)


def transition_for(source: str, action: str) -> Transition | None:
    """The transition ``action`` leaving ``source``, or None when the table has none."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available_actions(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
