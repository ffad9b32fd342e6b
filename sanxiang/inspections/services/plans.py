"""Plans: 监察执法计划 (enforcement plans), conflict-of-interest declarations and 检查方案
(inspection plans, JL-TXT-3a), drafted, submitted, returned and approved with their document.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.selectors import (
    applicable_version,
)
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .. import paperwork, rules
from ..models import (
    DECLARABLE_RELATIONS,
    ConflictDeclaration,
    DrawTask,
    EnforcementPlan,
    InspectionPlan,
)
from ..workflow import (
    HEADS,
    OFFICERS,
    OFFICERS_OR_HEADS,
    DrawStatus,
    EnforcementPlanStatus,
    PlanStatus,
)
from .common import _add, _errors, _raise_if, _require_team, _text, _wrong_state


@transaction.atomic
def enforcement_plan_create(
    *,
    actor: Staff,
    agency: Agency,
    kind: str,
    year: int,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    content: str = "",
) -> EnforcementPlan:
    require_role(actor, OFFICERS_OR_HEADS, _("制定监察执法计划"))
    require_scope(actor, agency)
    plan = EnforcementPlan(
        agency=agency,
        kind=kind,
        year=year,
        title=_text(title),
        period_start=period_start,
        period_end=period_end,
        content=_text(content),
        created_by=actor,
    )
    errors = _errors()
    if period_start and period_end and period_end < period_start:
        _add(errors, "period_end", _("截止日期不能早于起始日期。"))
    if year and period_start and period_start.year != year:
        _add(errors, "period_start", _("起始日期应在计划年度内。"))
    if year and not 2000 <= year <= 2100:
        _add(errors, "year", _("年度应在2000至2100之间。"))
    clean_and_save(plan, extra_errors=errors)
    ledger_append(actor=actor, action="enforcement_plan.create", obj=plan)
    return plan


@transaction.atomic
def enforcement_plan_approve(
    *, actor: Staff, plan: EnforcementPlan, opinion: str
) -> EnforcementPlan:
    require_role(actor, HEADS, _("批准监察执法计划"))
    require_scope(actor, plan.agency)
    plan = EnforcementPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != EnforcementPlanStatus.DRAFT:
        raise _wrong_state(plan.get_status_display(), _("批准"))
    if not _text(opinion):
        raise ValidationError({"opinion": [_("请填写审批意见。")]})
    plan.status = EnforcementPlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.approval_opinion = _text(opinion)[:500]
    plan.save()
    ledger_append(actor=actor, action="enforcement_plan.approve", obj=plan)
    return plan


@transaction.atomic
def conflict_declare(
    *, actor: Staff, officer: Staff, mine: CoalMine, kind: str, reason: str
) -> ConflictDeclaration:
    """Record an officer's relation to a mine; it excludes him from draws for that mine."""
    require_role(actor, frozenset({Role.OFFICER, Role.HEAD, Role.SYSTEM_ADMIN}), _("申报利害关系"))
    if officer.pk != actor.pk:
        require_role(actor, frozenset({Role.HEAD, Role.SYSTEM_ADMIN}), _("代他人申报利害关系"))
    require_scope(actor, officer.agency)
    declaration = ConflictDeclaration(
        officer=officer, mine=mine, kind=kind, reason=_text(reason), declared_by=actor
    )
    errors = _errors()
    if kind not in [k.value for k in DECLARABLE_RELATIONS]:
        _add(errors, "kind", _("未知的关系类别。"))
    if not officer.has_role(Role.OFFICER):
        _add(errors, "officer", _("只有执法人员需要申报。"))
    if not CoalMine.objects.restrict(actor).filter(pk=mine.pk).exists():
        _add(errors, "mine", _("所选煤矿不存在或不在您的管辖范围内。"))
    clean_and_save(declaration, extra_errors=errors)
    ledger_append(actor=actor, action="conflict.declare", obj=declaration)
    return declaration


def _plan_items(
    agency: Agency, item_codes: list[str], extra_items: str, errors: dict
) -> list[dict[str, str]]:
    version = applicable_version(agency=agency, kind=CatalogKind.RANDOM_INSPECTION)
    catalog = {i.code: i for i in version.random_inspection_items.all()} if version else {}
    items = []
    for code in dict.fromkeys(c.strip() for c in item_codes or [] if c and c.strip()):
        item = catalog.get(code)
        if item is None:
            _add(errors, "item_codes", _("随机抽查事项清单中没有“%(code)s”。") % {"code": code})
            continue
        items.append({"code": item.code, "name": item.name, "content": item.content})
    for line in (extra_items or "").splitlines():
        if line.strip():
            items.append({"code": "", "name": line.strip()[:200], "content": ""})
    if not items:
        _add(errors, "item_codes", _("检查方案须列明检查事项（《实施办法》四（一）3）。"))
    return items


def _officer_errors(agency: Agency, officers: list[Staff], errors: dict) -> None:
    officers = list(dict.fromkeys(officers))
    if len(officers) < rules.MIN_OFFICERS:
        _add(errors, "officers", _("检查人员不得少于%(n)d人。") % {"n": rules.MIN_OFFICERS})
    for officer in officers:
        if not officer.has_role(Role.OFFICER) or officer.agency is None:
            _add(errors, "officers", _("%(name)s不是执法人员。") % {"name": officer})
        elif not officer.agency.path.startswith(agency.path):
            _add(errors, "officers", _("%(name)s不属于本机构。") % {"name": officer})
        elif problem := rules.certificate_withdrawn_problem(officer, timezone.localdate()):
            _add(errors, "officers", problem)


@transaction.atomic
def inspection_plan_create(
    *,
    actor: Staff,
    agency: Agency,
    mine: CoalMine,
    item_codes: list[str],
    content: str,
    officers: list[Staff],
    planned_start: datetime.date,
    planned_end: datetime.date,
    extra_items: str = "",
    legal_basis: str = "",
    enforcement_plan: EnforcementPlan | None = None,
    draw_task: DrawTask | None = None,
) -> InspectionPlan:
    """Draft the inspection plan (检查方案): items and content, officers, dates (JL-TXT-3a)."""
    require_role(actor, OFFICERS, _("制作检查方案"))
    require_scope(actor, agency)
    errors = _errors()
    items = _plan_items(agency, item_codes, extra_items, errors)
    _officer_errors(agency, officers, errors)
    if not mine.supervising_agency.path.startswith(agency.path):
        _add(errors, "mine", _("该煤矿不在本机构监管范围内。"))
    if planned_start and planned_end and planned_end < planned_start:
        _add(errors, "planned_end", _("计划结束日期不能早于开始日期。"))
    if enforcement_plan is not None and enforcement_plan.agency_id != agency.pk:
        _add(errors, "enforcement_plan", _("所选执法计划不是本机构的计划。"))
    if draw_task is not None:
        if draw_task.draw.status not in (DrawStatus.DRAWN, DrawStatus.PUBLISHED):
            _add(errors, "draw_task", _("该抽查任务所属的抽取尚未完成。"))
        if draw_task.mine_id != mine.pk:
            _add(errors, "mine", _("抽查任务的煤矿由随机抽取确定，不能更换。"))
        drawn = set(draw_task.inspectors.values_list("pk", flat=True))
        if drawn != {o.pk for o in officers}:
            _add(errors, "officers", _("抽查任务的检查人员由随机抽取确定，不能更换。"))
        if InspectionPlan.objects.filter(draw_task=draw_task).exists():
            _add(errors, "draw_task", _("该抽查任务已制作检查方案。"))
        enforcement_plan = enforcement_plan or draw_task.draw.enforcement_plan
    plan = InspectionPlan(
        agency=agency,
        mine=mine,
        items=items,
        content=_text(content),
        legal_basis=_text(legal_basis),
        planned_start=planned_start,
        planned_end=planned_end,
        enforcement_plan=enforcement_plan,
        draw_task=draw_task,
        created_by=actor,
    )
    clean_and_save(plan, extra_errors=errors)
    plan.officers.set(officers)
    ledger_append(
        actor=actor,
        action="inspection_plan.create",
        obj=plan,
        details={"officers": sorted(o.pk for o in officers)},
    )
    return plan


def _require_plan(actor: Staff, plan: InspectionPlan, roles, doing: str) -> InspectionPlan:
    if roles == HEADS:
        require_role(actor, HEADS, doing)
        require_scope(actor, plan.agency)
    else:
        _require_team(actor, plan.agency, plan.officers.values_list("pk", flat=True), doing)
    return InspectionPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def inspection_plan_submit(*, actor: Staff, plan: InspectionPlan) -> InspectionPlan:
    plan = _require_plan(actor, plan, OFFICERS, _("提交检查方案"))
    if plan.status != PlanStatus.DRAFT:
        raise _wrong_state(plan.get_status_display(), _("提交审批"))
    errors = _errors()
    _officer_errors(plan.agency, list(plan.officers.all()), errors)
    if not plan.items:
        _add(errors, "item_codes", _("检查方案须列明检查事项（《实施办法》四（一）3）。"))
    _raise_if(errors)
    plan.status, plan.return_reason = PlanStatus.SUBMITTED, ""
    plan.save()
    ledger_append(actor=actor, action="inspection_plan.submit", obj=plan)
    return plan


@transaction.atomic
def inspection_plan_return(*, actor: Staff, plan: InspectionPlan, reason: str) -> InspectionPlan:
    plan = _require_plan(actor, plan, HEADS, _("退回检查方案"))
    if plan.status != PlanStatus.SUBMITTED:
        raise _wrong_state(plan.get_status_display(), _("退回"))
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明退回理由。")]})
    plan.status, plan.return_reason = PlanStatus.DRAFT, _text(reason)[:500]
    plan.save()
    ledger_append(actor=actor, action="inspection_plan.return", obj=plan)
    return plan


@in_legal_language
def _plan_document_content(plan: InspectionPlan, opinion: str) -> dict[str, Any]:
    officers = list(plan.officers.all())
    return {
        "party": paperwork.party_lines(mine=plan.mine),
        "table": [
            {
                "label": _("检查时间"),
                "value": f"{paperwork.cn_date(plan.planned_start)} 至 {paperwork.cn_date(plan.planned_end)}",
            },
            {"label": _("检查人员"), "value": paperwork.officer_line(officers, plan.planned_start)},
            {"label": _("检查依据"), "value": plan.legal_basis or "—"},
        ],
        "inspection_items": [
            {"name": i["name"], "content": i.get("content", ""), "code": i.get("code", "")}
            for i in plan.items
        ],
        "sections": [{"heading": _("检查内容和重点"), "paragraphs": plan.content.splitlines()}],
        "opinions": [{"label": _("负责人审批意见"), "value": opinion}],
    }


@transaction.atomic
def inspection_plan_approve(
    *, actor: Staff, plan: InspectionPlan, opinion: str = ""
) -> InspectionPlan:
    """The head approves the plan; the numbered 检查方案 is issued (JL-TXT-3a)."""
    plan = _require_plan(actor, plan, HEADS, _("批准检查方案"))
    if plan.status != PlanStatus.SUBMITTED:
        raise _wrong_state(plan.get_status_display(), _("批准"))
    with in_legal_language():  # the head's opinion is printed and recorded as it stands
        opinion = _text(opinion) or _("同意。")
    plan.document = paperwork.issue_document(
        actor=actor,
        agency=plan.agency,
        type_code="inspection_plan",
        content=_plan_document_content(plan, opinion),
        subject=plan,
    )
    plan.status = PlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    ledger_append(
        actor=actor,
        action="inspection_plan.approve",
        obj=plan,
        details={"document": plan.document.number.text, "opinion": opinion[:200]},
    )
    return plan
