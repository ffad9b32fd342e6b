"""The staff steps of a report, one service per row of ``workflow.TRANSITIONS`` (GS-MID-3)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import is_superuser, require_role
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import rules
from ..models import Complaint, ComplaintVerdict
from ..workflow import HEADS, INTAKE, OFFICERS, OPEN_STATES, ComplaintStatus
from .common import clean_text, raise_if, record, require_state, step
from .intake import require_intake_scope


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _begin(actor: Staff, complaint: Complaint, roles, doing: str) -> Complaint:
    require_role(actor, roles, doing)
    require_intake_scope(actor, complaint)
    return _locked(complaint)


def _is_head(actor: Staff) -> bool:
    return is_superuser(actor) or actor.has_role(Role.HEAD)


def _require_intake_officer(actor: Staff, complaint: Complaint, doing: str) -> None:
    """Steps that speak to the reporter are the intake officer's or the head's."""
    if _is_head(actor) or complaint.intake_officer_id == actor.pk:
        return
    raise PermissionDenied(_("只有受理人或负责人可以%(d)s。") % {"d": doing})


@transaction.atomic
def complaint_take(*, actor: Staff, complaint: Complaint) -> Complaint:
    """受理登记: an officer takes an online report from the intake queue; he becomes its intake
    officer (who alone, with the head, sees the reporter's identity)."""
    complaint = _begin(actor, complaint, INTAKE, _("受理举报"))
    require_state(complaint, "take", _("受理登记"))
    complaint.intake_officer = actor
    step(complaint, ComplaintStatus.REGISTERED)
    record(actor, "take", complaint)
    return complaint


@transaction.atomic
def complaint_decline(*, actor: Staff, complaint: Complaint, reply: str) -> Complaint:
    """不予受理: closed with the reasons, which the reporter reads with his query code."""
    complaint = _begin(actor, complaint, INTAKE, _("不予受理举报"))
    require_state(complaint, "decline", _("不予受理"))
    errors: dict[str, list[str]] = {}
    complaint.reply = clean_text(
        {"reply": reply}, "reply", 3000, errors, required=_("请写明不予受理的理由。")
    )
    raise_if(errors)
    complaint.intake_officer = actor
    step(complaint, ComplaintStatus.CLOSED)
    record(actor, "decline", complaint)
    return complaint


@transaction.atomic
def complaint_assign(
    *, actor: Staff, complaint: Complaint, officer: Staff, on: datetime.date | None = None
) -> Complaint:
    """指派核查: the verifying officer and the due date from the verification rules (示例)."""
    complaint = _begin(actor, complaint, INTAKE, _("指派核查"))
    require_state(complaint, "assign", _("指派核查"))
    _require_intake_officer(actor, complaint, _("指派核查"))
    if (
        officer is None
        or not officer.is_active
        or not officer.has_role(Role.OFFICER)
        or officer.agency is None
        or not officer.agency.path.startswith(complaint.agency.path)
    ):
        raise ValidationError({"officer": [_("请选择本机构的执法人员负责核查。")]})
    day = on or timezone.localdate()
    due, basis = rules.verify_due(
        complaint.category, involves_deaths=complaint.involves_deaths, assigned_on=day
    )
    complaint.assigned_to = officer
    complaint.assigned_on = day
    complaint.verify_due, complaint.verify_due_provisional = due.date, due.provisional
    complaint.verify_rule = basis[:200]
    step(complaint, ComplaintStatus.VERIFYING)
    record(actor, "assign", complaint, officer=officer.pk, due=due.date.isoformat())
    return complaint


@transaction.atomic
def complaint_transfer(
    *, actor: Staff, complaint: Complaint, department: str, reply: str
) -> Complaint:
    """移送: a report outside the agency's competence goes to the department that has it."""
    complaint = _begin(actor, complaint, INTAKE, _("移送举报"))
    require_state(complaint, "transfer", _("移送"))
    _require_intake_officer(actor, complaint, _("移送举报"))
    errors: dict[str, list[str]] = {}
    complaint.transfer_to = clean_text(
        {"d": department}, "d", 200, errors, required=_("请填写接收举报的部门。")
    )
    if "d" in errors:
        errors["department"] = errors.pop("d")
    complaint.reply = clean_text(
        {"reply": reply}, "reply", 3000, errors, required=_("请写明给举报人的答复。")
    )
    raise_if(errors)
    complaint.closed_at = timezone.now()
    step(complaint, ComplaintStatus.TRANSFERRED)
    record(actor, "transfer", complaint)
    return complaint


@transaction.atomic
def complaint_verify(
    *, actor: Staff, complaint: Complaint, finding: str, substantiated: str
) -> Complaint:
    """核查: the written result of the verification (安全生产法 art. 73 — 形成书面材料)."""
    complaint = _begin(actor, complaint, OFFICERS | HEADS, _("记录核查结果"))
    require_state(complaint, "verify", _("记录核查结果"))
    if not (_is_head(actor) or complaint.assigned_to_id == actor.pk):
        raise PermissionDenied(_("只有指派的核查人可以记录核查结果。"))
    errors: dict[str, list[str]] = {}
    complaint.finding = clean_text(
        {"finding": finding}, "finding", 5000, errors, required=_("请写明核查情况。")
    )
    if substantiated not in ComplaintVerdict.values:
        errors.setdefault("substantiated", []).append(_("请选择核查结论。"))
    raise_if(errors)
    complaint.substantiated = substantiated
    step(complaint, ComplaintStatus.VERIFIED)
    record(actor, "verify", complaint, substantiated=substantiated)
    return complaint


@transaction.atomic
def complaint_convert_inspection(
    *,
    actor: Staff,
    complaint: Complaint,
    officers: list[Staff],
    planned_start: datetime.date,
    planned_end: datetime.date,
    items: str = "",
    item_codes: list[str] | None = None,
):
    """转为行政检查: draft an inspection plan (检查方案) on the reported mine through the
    inspections services; the plan names the report as its source, never the reporter."""
    from sanxiang.inspections.services import inspection_plan_create

    complaint = _begin(actor, complaint, OFFICERS, _("将举报转为行政检查"))
    require_state(complaint, "convert_inspection", _("转为行政检查"))
    if complaint.mine_id is None:
        raise ValidationError({"mine": [_("被举报单位不在煤矿名录中，不能转为行政检查。")]})
    plan = inspection_plan_create(
        actor=actor,
        agency=complaint.agency,
        mine=complaint.mine,
        item_codes=list(item_codes or []),
        extra_items=items or _("核查举报反映的问题"),
        content=_("根据举报（编号 %(n)s）开展检查：%(t)s")
        % {"n": complaint.number, "t": complaint.get_category_display()},
        legal_basis=_("《中华人民共和国安全生产法》第七十三条"),
        officers=officers,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    complaint.inspection_plan = plan
    step(complaint, ComplaintStatus.INSPECTION)
    record(actor, "convert_inspection", complaint, inspection_plan=plan.pk)
    return plan


@transaction.atomic
def complaint_reply(*, actor: Staff, complaint: Complaint, reply: str) -> Complaint:
    """答复举报人并办结: the reply the reporter reads with his query code."""
    complaint = _begin(actor, complaint, INTAKE, _("答复举报人"))
    require_state(complaint, "reply", _("答复举报人"))
    _require_intake_officer(actor, complaint, _("答复举报人"))
    errors: dict[str, list[str]] = {}
    complaint.reply = clean_text(
        {"reply": reply}, "reply", 3000, errors, required=_("请写明给举报人的答复。")
    )
    raise_if(errors)
    step(complaint, ComplaintStatus.CLOSED)
    record(actor, "reply", complaint)
    return complaint


@transaction.atomic
def complaint_escalate(*, actor: Staff, complaint: Complaint) -> Complaint:
    """A report that involves deaths goes to the head at once (his dashboard lists it)."""
    complaint = _begin(actor, complaint, INTAKE, _("报告负责人"))
    if complaint.status not in OPEN_STATES:
        raise ValidationError({"__all__": [_("该举报已办结。")]})
    if complaint.escalated_at is not None:
        raise ValidationError({"__all__": [_("该举报已报告负责人。")]})
    complaint.involves_deaths = True
    complaint.escalated_at = timezone.now()
    complaint.save()
    record(actor, "escalate", complaint)
    return complaint


@transaction.atomic
def complaint_reward_record(
    *, actor: Staff, complaint: Complaint, eligible: bool, note: str
) -> Complaint:
    """举报奖励 (安全生产法 art. 76): whether the report qualifies, recorded after the result;
    only a report found true in whole or in part can qualify."""
    complaint = _begin(actor, complaint, INTAKE, _("记录举报奖励"))
    _require_intake_officer(actor, complaint, _("记录举报奖励"))
    errors: dict[str, list[str]] = {}
    if complaint.status not in (ComplaintStatus.CLOSED, ComplaintStatus.INSPECTION):
        errors.setdefault("__all__", []).append(_("核查并答复后才能认定举报奖励。"))
    if eligible and complaint.substantiated not in (ComplaintVerdict.TRUE, ComplaintVerdict.PARTLY):
        errors.setdefault("eligible", []).append(_("举报经核查不属实，不符合奖励条件。"))
    complaint.reward_note = clean_text(
        {"note": note}, "note", 1000, errors, required=_("请写明认定的理由。")
    )
    raise_if(errors)
    complaint.reward_eligible = bool(eligible)
    complaint.save()
    record(actor, "reward", complaint, eligible=bool(eligible))
    return complaint


@transaction.atomic
def complaint_link_case(*, actor: Staff, complaint: Complaint, case) -> Complaint:
    """案件来源: record the case filed on what the report brought to light (the case came from
    the inspection the report was turned into)."""
    complaint = _begin(actor, complaint, OFFICERS | HEADS, _("记录立案查处的案件"))
    if complaint.inspection_plan_id is None:
        raise ValidationError({"case": [_("该举报尚未转为行政检查。")]})
    inspection = getattr(case, "inspection", None)
    if inspection is None or inspection.plan_id != complaint.inspection_plan_id:
        raise ValidationError({"case": [_("该案件不是由本举报转入的检查立案的。")]})
    complaint.case = case
    complaint.save()
    record(actor, "link_case", complaint, case=case.pk)
    return complaint
