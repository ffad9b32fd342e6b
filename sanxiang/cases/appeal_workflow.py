"""GS-POST-2 and 行刑衔接: what happens to a case after its decision, as two small tables.

Appeals (复议、诉讼) against the decision::

    登记复议（诉讼）──▶ 审理中 ──登记生效结果──▶ 已审结
                                   │
        维持 / 驳回：公示不变；撤销、确认违法、确认无效、变更、责令重新作出：启动撤下（3个工作日，
        《行政处罚法》第四十八条、第八十五条）；变更：另行公示变更后的决定（7个工作日）；
        责令重新作出：重新作出的决定另行公示

Criminal transfer (涉嫌犯罪移送)::

    报告涉嫌犯罪 ──▶ 待负责人决定（3日内）──批准移送──▶ 待移送（24小时内）──移送──▶ 已移送
                                         └─不批准移送─▶ 不予移送

One service per row (``appeals.py``, ``transfers.py``); the deadlines are computed there
(``transfer_decision_due``, ``transfer_due``) and a late step is recorded as late.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.roles import Role


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("审理中")
    CONCLUDED = "concluded", _("已审结")


class TransferStatus(models.TextChoices):
    REPORTED = "reported", _("待负责人决定")
    APPROVED = "approved", _("已批准，待移送")
    REFUSED = "refused", _("不予移送")
    TRANSFERRED = "transferred", _("已移送")


# Who records appeals: the legal office (法制审核人员, which answers reconsideration and
# litigation) and the head; who reports a suspected crime: the officers of the case.
APPEAL_KEEPERS = frozenset({Role.LEGAL_REVIEWER, Role.HEAD})
OFFICERS = frozenset({Role.OFFICER})
HEADS = frozenset({Role.HEAD})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: str
    roles: frozenset[str]
    requires: str = ""
    issues: str = ""


START = ""  # the row that creates the record

APPEAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "register",
        START,
        AppealStatus.PENDING,
        _("登记复议申请或起诉"),
        APPEAL_KEEPERS,
        requires=_("案件已作出处罚决定；设置档案保全（复议、诉讼未结）"),
    ),
    Transition(
        "conclude",
        AppealStatus.PENDING,
        AppealStatus.CONCLUDED,
        _("登记生效的复议决定或裁判"),
        APPEAL_KEEPERS,
        requires=_(
            "上传生效文书；决定被变更、撤销、确认违法、确认无效或责令重新作出的，"
            "自收到之日起3个工作日内撤下公示（《中华人民共和国行政处罚法》第四十八条、第八十五条）；"
            "解除档案保全"
        ),
    ),
    Transition(
        "publish_new_decision",
        AppealStatus.CONCLUDED,
        AppealStatus.CONCLUDED,
        _("公示变更或重新作出的决定"),
        APPEAL_KEEPERS,
        requires=_("作为新的公示记录，自收到（作出）之日起7个工作日内公示"),
    ),
)

TRANSFER_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "report",
        START,
        TransferStatus.REPORTED,
        _("报告涉嫌犯罪"),
        OFFICERS,
        requires=_("写明涉嫌犯罪的事实和理由"),
    ),
    Transition(
        "approve",
        TransferStatus.REPORTED,
        TransferStatus.APPROVED,
        _("批准移送"),
        HEADS,
        requires=_("自接到报告之日起3日内作出决定（《行政执法机关移送涉嫌犯罪案件的规定》第五条）"),
    ),
    Transition(
        "refuse",
        TransferStatus.REPORTED,
        TransferStatus.REFUSED,
        _("不批准移送"),
        HEADS,
        requires=_("说明理由；3日内作出决定"),
    ),
    Transition(
        "transfer",
        TransferStatus.APPROVED,
        TransferStatus.TRANSFERRED,
        _("移送公安机关"),
        OFFICERS | HEADS,
        requires=_("批准后24小时内移送（《行政执法机关移送涉嫌犯罪案件的规定》第五条）"),
        issues="criminal_transfer",
    ),
)


def appeal_transition(source: str, action: str) -> Transition | None:
    return next((t for t in APPEAL_TRANSITIONS if t.source == source and t.action == action), None)


def transfer_transition(source: str, action: str) -> Transition | None:
    return next(
        (t for t in TRANSFER_TRANSITIONS if t.source == source and t.action == action), None
    )
