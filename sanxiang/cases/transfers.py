"""行刑衔接: transfer of a suspected crime to the public security organ, one service per row of
``appeal_workflow.TRANSFER_TRANSITIONS`` (ADR 0156).

《行政执法机关移送涉嫌犯罪案件的规定》第五条: the officer reports; the head decides within 3 days
of receiving the report (:func:`transfer_decision_due`); an approved transfer is made within 24
hours (:func:`transfer_due`) with the 涉嫌犯罪案件移送书. A step taken after its deadline is
allowed — the case cannot wait for a perfect record — but recorded as late (on the row, in the
ledger event, and on the case page and the dashboards as overdue).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.workdays import add_days
from sanxiang.inspections import paperwork
from sanxiang.inspections.paperwork import cn_date
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .appeal_workflow import START, TransferStatus, transfer_transition
from .documents import party, party_name
from .models import Case, CriminalTransfer

DECISION_DAYS = 3
TRANSFER_HOURS = 24


def transfer_decision_due(reported_at: datetime.datetime) -> datetime.date:
    """行刑衔接: the head decides "自接到报告之日起3日内" (《行政执法机关移送涉嫌犯罪案件的规定》
    第五条) — 3 days counted from the day after the report; a period ending on a rest day runs
    to the next working day (``core.workdays.add_days``)."""
    return add_days(timezone.localdate(reported_at), DECISION_DAYS).date


def transfer_due(approved_at: datetime.datetime) -> datetime.datetime:
    """行刑衔接: an approved transfer is made "在24小时内" (第五条), by the clock."""
    return approved_at + datetime.timedelta(hours=TRANSFER_HOURS)


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _begin(actor: Staff, transfer: CriminalTransfer, action: str):
    transfer = (
        CriminalTransfer.objects.select_for_update()
        .select_related("case__agency")
        .get(pk=transfer.pk)
    )
    row = transfer_transition(transfer.status, action)
    if row is None:
        raise ValidationError(
            {
                "status": [
                    _("该移送当前状态为“%(s)s”，不能执行该操作。")
                    % {"s": transfer.get_status_display()}
                ]
            }
        )
    require_role(actor, row.roles, str(row.label))
    require_scope(actor, transfer.case.agency)
    return transfer, row


def _record(actor: Staff, transfer: CriminalTransfer, row, **details: Any) -> CriminalTransfer:
    transfer.status = row.target
    transfer.save()
    ledger_append(
        actor=actor,
        action=f"case.transfer_{row.action}",
        obj=transfer,
        details={"case": transfer.case_id, "to": transfer.status, **details},
    )
    return transfer


@transaction.atomic
def transfer_report(
    *, actor: Staff, case: Case, suspected_crime: str, facts: str
) -> CriminalTransfer:
    """报告涉嫌犯罪: an officer of the case reports; the head's 3-day clock starts now."""
    case = Case.objects.select_related("agency").get(pk=case.pk)
    row = transfer_transition(START, "report")
    require_role(actor, row.roles, str(row.label))
    require_scope(actor, case.agency)
    errors: dict[str, list[str]] = {}
    if not actor.is_superuser and not case.officers.filter(pk=actor.pk).exists():
        errors["case"] = [_("只有本案承办人员可以报告涉嫌犯罪。")]
    if case.criminal_transfers.filter(
        status__in=(TransferStatus.REPORTED, TransferStatus.APPROVED)
    ).exists():
        errors["case"] = [_("本案已有尚未办结的移送报告。")]
    crime, facts = _text(suspected_crime, 100), _text(facts, 5000)
    if not crime:
        errors["suspected_crime"] = [_("请填写涉嫌罪名。")]
    if not facts:
        errors["facts"] = [_("请写明涉嫌犯罪的事实和理由。")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    transfer = CriminalTransfer(
        case=case,
        suspected_crime=crime,
        facts=facts,
        reported_by=actor,
        reported_at=now,
        decision_due=transfer_decision_due(now),
    )
    return _record(actor, transfer, row, decision_due=transfer.decision_due)


def _decide(actor: Staff, transfer: CriminalTransfer, action: str, opinion: str):
    transfer, row = _begin(actor, transfer, action)
    opinion = _text(opinion, 500)
    if action == "refuse" and not opinion:
        raise ValidationError({"opinion": [_("不批准移送的，请说明理由。")]})
    now = timezone.now()
    transfer.decided_by, transfer.decided_at = actor, now
    transfer.opinion = opinion or _("同意移送。")
    transfer.decision_late = timezone.localdate(now) > transfer.decision_due
    if action == "approve":
        transfer.transfer_due = transfer_due(now)
    return _record(
        actor,
        transfer,
        row,
        decision_due=transfer.decision_due,
        late=transfer.decision_late,
        transfer_due=transfer.transfer_due,
    )


@transaction.atomic
def transfer_approve(
    *, actor: Staff, transfer: CriminalTransfer, opinion: str = ""
) -> CriminalTransfer:
    """批准移送 (the head, within 3 days of the report); the 24-hour clock starts."""
    return _decide(actor, transfer, "approve", opinion)


@transaction.atomic
def transfer_refuse(*, actor: Staff, transfer: CriminalTransfer, opinion: str) -> CriminalTransfer:
    """不批准移送 (the head, with reasons, within 3 days of the report)."""
    return _decide(actor, transfer, "refuse", opinion)


@in_legal_language
def transfer_content(transfer: CriminalTransfer, organ: str) -> dict[str, Any]:
    case = transfer.case
    return {
        "party": party(case),
        "sections": [
            {
                "heading": _("%(organ)s：") % {"organ": organ},
                "paragraphs": [
                    _(
                        "本机关在办理%(party)s%(cause)s一案中，发现当事人涉嫌%(crime)s。"
                        "经本机关负责人于%(day)s批准，依据《行政执法机关移送涉嫌犯罪案件的规定》，"
                        "现将本案移送你局，随附涉嫌犯罪案件调查报告、涉案物品清单、有关检验报告"
                        "或者鉴定意见及其他有关材料。"
                    )
                    % {
                        "party": party_name(case),
                        "cause": f"（{case.cause}）",
                        "crime": transfer.suspected_crime,
                        "day": cn_date(timezone.localdate(transfer.decided_at)),
                    }
                ],
            },
            {"heading": _("涉嫌犯罪的事实和理由"), "paragraphs": [transfer.facts]},
            {"heading": _("负责人审批意见"), "paragraphs": [transfer.opinion]},
        ],
    }


@transaction.atomic
def transfer_complete(
    *, actor: Staff, transfer: CriminalTransfer, receiving_organ: str
) -> CriminalTransfer:
    """移送公安机关 with the numbered 涉嫌犯罪案件移送书, within 24 hours of approval."""
    transfer, row = _begin(actor, transfer, "transfer")
    organ = _text(receiving_organ, 200)
    if not organ:
        raise ValidationError({"receiving_organ": [_("请填写接收移送的公安机关。")]})
    now = timezone.now()
    transfer.document = paperwork.issue_document(
        actor=actor,
        agency=transfer.case.agency,
        type_code=row.issues,
        content=transfer_content(transfer, organ),
        subject=transfer.case,
    )
    transfer.receiving_organ = organ
    transfer.transferred_by, transfer.transferred_at = actor, now
    transfer.transfer_late = now > transfer.transfer_due
    return _record(
        actor,
        transfer,
        row,
        document=transfer.document.number.text,
        transfer_due=transfer.transfer_due,
        late=transfer.transfer_late,
    )


def transfer_overdue(transfer: CriminalTransfer, now: datetime.datetime | None = None) -> bool:
    """Is this transfer past a deadline now (or was a step late)?"""
    now = now or timezone.now()
    if transfer.status == TransferStatus.REPORTED:
        return timezone.localdate(now) > transfer.decision_due
    if transfer.status == TransferStatus.APPROVED:
        return now > transfer.transfer_due
    return transfer.decision_late or transfer.transfer_late
