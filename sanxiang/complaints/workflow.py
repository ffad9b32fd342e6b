"""GS-MID-3, 安全生产法 art. 73: the handling of a report (投诉举报) as one table.

A report arrives online (the public form), by phone, by letter or in person. Online reports
wait in the intake queue until an intake officer takes them (受理登记); reports by phone or
letter are registered by the officer who took them and start registered. Every row below is
one service in ``services/handling.py``; the public procedure chart is drawn from this table.

    已收到 ─受理登记─▶ 已登记 ─指派核查─▶ 核查中 ─记录核查结果─▶ 已核查 ─答复─▶ 已办结
      │                 │                                     │
      └─不予受理─▶ 已办结 └─移送有关部门─▶ 已移送             └─转为行政检查─▶ 已转入检查 ─答复─▶ 已办结

Escalation of a report that involves deaths, the reward eligibility (举报奖励, 安全生产法
art. 76) and the adoption of a file as evidence are actions that keep the state.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已收到，待受理")
    REGISTERED = "registered", _("已受理登记")
    VERIFYING = "verifying", _("核查中")
    VERIFIED = "verified", _("已核查")
    INSPECTION = "inspection", _("已转入行政检查")
    TRANSFERRED = "transferred", _("已移送有关部门")
    CLOSED = "closed", _("已办结")


OPEN_STATES = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.REGISTERED,
        ComplaintStatus.VERIFYING,
        ComplaintStatus.VERIFIED,
        ComplaintStatus.INSPECTION,
    }
)


class ComplaintChannel(models.TextChoices):
    ONLINE = "online", _("网上举报")
    PHONE = "phone", _("电话举报")
    LETTER = "letter", _("信件举报")
    VISIT = "visit", _("来访举报")


class ComplaintCategory(models.TextChoices):
    HAZARD = "hazard", _("重大事故隐患")
    ILLEGAL = "illegal", _("非法违法生产经营建设")
    ACCIDENT = "accident", _("瞒报、谎报、迟报生产安全事故")
    CONDUCT = "conduct", _("执法人员作风和执法行为")
    OTHER = "other", _("其他安全生产问题")


STATES = dict(ComplaintStatus.choices)
INITIAL = ComplaintStatus.RECEIVED

INTAKE = frozenset({Role.OFFICER, Role.HEAD})
OFFICERS = frozenset({Role.OFFICER})
HEADS = frozenset({Role.HEAD})


@dataclass(frozen=True)
class Transition:
    """One step: from which state, by which action (= service), to which state, by whom."""

    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""


S = ComplaintStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition("take", S.RECEIVED, S.REGISTERED, _("受理登记"), INTAKE),
    Transition(
        "decline",
        S.RECEIVED,
        S.CLOSED,
        _("不予受理并答复"),
        INTAKE,
        requires=_("说明理由（不属于本机构职责、内容无法核查等）"),
    ),
    Transition(
        "assign",
        S.REGISTERED,
        S.VERIFYING,
        _("指派核查，确定核查期限"),
        HEADS | OFFICERS,
        requires=_("核查期限按核查规则计算（示例）"),
    ),
    Transition(
        "transfer",
        S.REGISTERED,
        S.TRANSFERRED,
        _("移送有权处理的部门"),
        INTAKE,
        requires=_("写明接收部门和移送理由"),
    ),
    Transition("verify", S.VERIFYING, S.VERIFIED, _("记录核查结果"), OFFICERS),
    Transition(
        "convert_inspection",
        S.VERIFIED,
        S.INSPECTION,
        _("转为行政检查（制作检查方案）"),
        OFFICERS,
        requires=_("举报涉及本机构监管的煤矿"),
    ),
    Transition("reply", S.VERIFIED, S.CLOSED, _("答复举报人，办结"), INTAKE),
    Transition("reply", S.INSPECTION, S.CLOSED, _("答复举报人，办结"), INTAKE),
)

IN_STATE_ACTIONS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("escalate", _("涉及人员死亡的举报报告负责人"), INTAKE),
    ("reward", _("记录是否符合举报奖励条件"), INTAKE),
    ("adopt_file", _("将举报人提供的照片、视频采纳为证据"), OFFICERS),
    ("link_case", _("记录由本举报立案查处的案件"), OFFICERS),
)


def transition_for(source: str, action: str) -> Transition | None:
    for row in TRANSITIONS:
        if row.source == source and row.action == action:
            return row
    return None
