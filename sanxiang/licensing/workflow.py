"""GS-PRE-2.4: the licensing procedure (行政许可法 arts. 29–50) as one transition table.

Each row: from which state, by which action, to which state, who may do it, what must hold
(in words; the service checks it) and which document the step issues. One service per row
(``services.ROW_SERVICES`` maps the action to it; a test keeps the two in step). The public
procedure page draws the licensing flowchart from ``TRANSITIONS`` (registered as ``licensing``
in ``sanxiang/catalog/procedures.py``).

    已提交待受理 ─受理─▶ 审查中 ─准予许可─▶ 准予许可（待发证） ─颁发许可证─▶ 已发证
      │  ▲  │              │ ▲  └─不予许可─▶ 不予许可
      │  │  └─逾期视为受理─┘ │
      │  └补正后重新提交─ 待补正          听证/专家评审（暂停计时） ─恢复计时─▶ 审查中
      └─不予受理─▶ 不予受理

``IN_STATE_ACTIONS`` keep the state (the head's extension of the decision period).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交（待受理）")
    CORRECTION = "correction", _("待补正材料")
    REJECTED = "rejected", _("不予受理")
    REVIEWING = "reviewing", _("已受理（审查中）")
    PAUSED = "paused", _("听证或专家评审（暂停计时）")
    GRANTED = "granted", _("准予许可（待发证）")
    DENIED = "denied", _("不予许可")
    LICENSED = "licensed", _("已发证")


class Outcome(models.TextChoices):
    GRANT = "grant", _("准予行政许可")
    DENY = "deny", _("不予行政许可")


class PauseKind(models.TextChoices):
    HEARING = "hearing", _("听证")
    EXPERT = "expert", _("专家评审")
    INSPECTION = "inspection", _("检验、检测、鉴定")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销或撤销")
    EXPIRED = "expired", _("已过期")


STATES = ApplicationStatus
INITIAL = ApplicationStatus.SUBMITTED
FINAL = frozenset(
    {ApplicationStatus.REJECTED, ApplicationStatus.DENIED, ApplicationStatus.LICENSED}
)
OPEN = frozenset(set(ApplicationStatus.values) - FINAL)
# States in which the decision clock runs (or is paused).
UNDER_REVIEW = frozenset({ApplicationStatus.REVIEWING, ApplicationStatus.PAUSED})

APPLICANT = "applicant"  # the mine (its account) or staff registering on its behalf
SYSTEM = "system"  # the daily sweep, by operation of law
OFFICERS = frozenset({Role.OFFICER, Role.HEAD})
HEADS = frozenset({Role.HEAD})
ROLE_WORDS = {APPLICANT: _("申请人"), SYSTEM: _("依法自动")}


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""
    issues: str = ""


S = ApplicationStatus

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "correction_notice",
        S.SUBMITTED,
        S.CORRECTION,
        _("一次性告知补正"),
        OFFICERS,
        requires=_("在受理期限内一次性告知需要补正的全部内容（行政许可法第三十二条）"),
        issues="licensing_correction",
    ),
    Transition(
        "correction_complete",
        S.CORRECTION,
        S.SUBMITTED,
        _("申请人补正材料"),
        frozenset({APPLICANT}),
        requires=_("提交告知补正的材料；自收到补正材料之日起重新计算受理期限"),
    ),
    Transition(
        "accept",
        S.SUBMITTED,
        S.REVIEWING,
        _("受理"),
        OFFICERS,
        requires=_("材料齐全、符合法定形式；起算许可决定期限"),
        issues="licensing_acceptance",
    ),
    Transition(
        "deem_accepted",
        S.SUBMITTED,
        S.REVIEWING,
        _("逾期未告知，自收到材料之日起视为受理"),
        frozenset({SYSTEM}),
        requires=_("受理期限届满未作出受理决定或告知补正（行政许可法第三十二条）"),
    ),
    Transition(
        "reject",
        S.SUBMITTED,
        S.REJECTED,
        _("不予受理"),
        OFFICERS,
        requires=_("说明理由，告知申请人依法申请行政复议或者提起行政诉讼的权利"),
        issues="licensing_rejection",
    ),
    Transition(
        "pause",
        S.REVIEWING,
        S.PAUSED,
        _("听证或专家评审"),
        OFFICERS,
        requires=_("所需时间不计入许可期限，书面告知申请人（行政许可法第四十五条）"),
    ),
    Transition(
        "resume",
        S.PAUSED,
        S.REVIEWING,
        _("听证或专家评审结束，恢复计时"),
        OFFICERS,
    ),
    Transition(
        "grant",
        S.REVIEWING,
        S.GRANTED,
        _("负责人决定准予许可"),
        HEADS,
        requires=_("在许可决定期限内作出书面决定；起算7个工作日公示期限"),
        issues="licensing_grant",
    ),
    Transition(
        "deny",
        S.REVIEWING,
        S.DENIED,
        _("负责人决定不予许可"),
        HEADS,
        requires=_("说明理由，告知申请人依法申请行政复议或者提起行政诉讼的权利"),
        issues="licensing_denial",
    ),
    Transition(
        "licence_issue",
        S.GRANTED,
        S.LICENSED,
        _("颁发许可证"),
        OFFICERS,
        requires=_("自作出准予许可决定之日起10个工作日内颁发（行政许可法第四十四条）"),
    ),
)

# Steps that keep the state.
IN_STATE_ACTIONS: tuple[Transition, ...] = (
    Transition(
        "extend",
        S.REVIEWING,
        S.REVIEWING,
        _("经负责人批准延长决定期限"),
        HEADS,
        requires=_("一次，延长期限按许可事项目录，将延长理由告知申请人（行政许可法第四十二条）"),
    ),
)


def transition(source: str, action: str) -> Transition | None:
    for row in TRANSITIONS + IN_STATE_ACTIONS:
        if row.source == source and row.action == action:
            return row
    return None


def available(status: str) -> list[Transition]:
    return [row for row in TRANSITIONS + IN_STATE_ACTIONS if row.source == status]


# The licence's own steps after issue: action → (label, status after).
LICENCE_ACTIONS: dict[str, tuple[str, str | None]] = {
    "change": (_("变更"), None),
    "extend": (_("延续"), None),
    "suspend": (_("暂扣"), LicenceStatus.SUSPENDED),
    "restore": (_("恢复"), LicenceStatus.VALID),
    "revoke": (_("吊销或撤销"), LicenceStatus.REVOKED),
}
