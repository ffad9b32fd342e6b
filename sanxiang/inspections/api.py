"""API router for enforcement plans, conflicts, draws, inspection plans, on-site inspections,
findings and on-site measures. Steps that move an object name the state the client expects it
to be in (``expected_status``), so a repeated or stale request is refused rather than applied."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.catalog.models import ViolationEntry
from sanxiang.core.validation import expect_status
from sanxiang.org.models import Staff
from sanxiang.registry.models import CoalMine

from . import selectors, services
from .models import (
    DrawTask,
    EnforcementPlanKind,
    OnsiteMeasure,
    OnsiteMeasureKind,
    RelationKind,
    Verification,
)
from .workflow import DrawStatus, EnforcementPlanStatus, InspectionStatus, PlanStatus

router = Router(tags=["监察检查"])


def expect(obj: Any, expected: str) -> None:
    expect_status(obj, expected, noun="对象")


def _staff(request, ids: list[int], field: str) -> list[Staff]:
    people = list(Staff.objects.restrict(request.user).filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise ValidationError({field: ["所选人员不存在或不在您的管辖范围内。"]})
    return people


# --- enforcement plans ---------------------------------------------------------------------------


class EnforcementPlanOut(Schema):
    id: int
    agency_id: int
    kind: EnforcementPlanKind
    year: int
    title: str
    period_start: datetime.date
    period_end: datetime.date
    content: str
    status: EnforcementPlanStatus


class EnforcementPlanIn(InputSchema):
    agency_id: int
    kind: EnforcementPlanKind
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=200)
    period_start: datetime.date
    period_end: datetime.date
    content: str = Field("", max_length=5000)


class EnforcementPlanApproveIn(InputSchema):
    expected_status: EnforcementPlanStatus
    opinion: str = Field(min_length=1, max_length=500)


@router.get("/enforcement-plans", response=list[EnforcementPlanOut], summary="监察执法计划列表")
@paginate(PageNumberPagination, page_size=50)
def list_enforcement_plans(request):
    return selectors.enforcement_plan_list(user=request.user)


@router.post("/enforcement-plans", response={201: EnforcementPlanOut}, summary="制定监察执法计划")
def create_enforcement_plan(request, payload: EnforcementPlanIn):
    from sanxiang.org.models import Agency

    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    return Status(201, services.enforcement_plan_create(actor=request.user, agency=agency, **data))


@router.post(
    "/enforcement-plans/{enforcement_plan_id}/approve",
    response=EnforcementPlanOut,
    summary="批准监察执法计划",
)
def approve_enforcement_plan(request, enforcement_plan_id: int, payload: EnforcementPlanApproveIn):
    plan = get_object_or_404(
        selectors.enforcement_plan_list(user=request.user), pk=enforcement_plan_id
    )
    expect(plan, payload.expected_status)
    return services.enforcement_plan_approve(actor=request.user, plan=plan, opinion=payload.opinion)


# --- conflicts -----------------------------------------------------------------------------------


class ConflictOut(Schema):
    id: int
    officer_id: int
    mine_id: int
    kind: str
    reason: str


class ConflictIn(InputSchema):
    officer_id: int
    mine_id: int
    kind: RelationKind
    reason: str = Field(max_length=300)


@router.get("/conflicts", response=list[ConflictOut], summary="利害关系申报列表")
@paginate(PageNumberPagination, page_size=50)
def list_conflicts(request):
    return selectors.conflict_list(user=request.user)


@router.post("/conflicts", response={201: ConflictOut}, summary="申报利害关系")
def declare_conflict(request, payload: ConflictIn):
    officer = resolve(Staff.objects.restrict(request.user), payload.officer_id, "officer_id")
    mine = resolve(CoalMine.objects.restrict(request.user), payload.mine_id, "mine_id")
    return Status(
        201,
        services.conflict_declare(
            actor=request.user, officer=officer, mine=mine, kind=payload.kind, reason=payload.reason
        ),
    )


# --- draws ---------------------------------------------------------------------------------------


class DrawOut(Schema):
    id: int
    agency_id: int
    enforcement_plan_id: int
    title: str
    items: list[dict]
    share_key: Decimal
    share_general: Decimal
    inspectors_per_mine: int
    status: DrawStatus
    commitment: str
    inputs_digest: str
    result: dict


class DrawIn(InputSchema):
    enforcement_plan_id: int
    title: str = Field(max_length=200)
    item_codes: list[str] = Field(max_length=50)
    share_key: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    share_general: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    inspectors_per_mine: int = Field(2, ge=2, le=10)


class ExclusionIn(InputSchema):
    mine_id: int
    inspector_id: int
    kind: RelationKind
    reason: str = Field(max_length=300)


class ExclusionOut(Schema):
    id: int
    mine_id: int
    inspector_id: int
    kind: str
    reason: str
    automatic: bool


class DrawStepIn(InputSchema):
    expected_status: DrawStatus


@router.get("/draws", response=list[DrawOut], summary="双随机抽取列表")
@paginate(PageNumberPagination, page_size=50)
def list_draws(request):
    return selectors.draw_list(user=request.user)


@router.get("/draws/{draw_id}", response=DrawOut, summary="双随机抽取详情")
def get_draw(request, draw_id: int):
    return get_object_or_404(selectors.draw_list(user=request.user), pk=draw_id)


@router.get("/draws/{draw_id}/inputs", response=dict, summary="抽取输入（供复核重现）")
def draw_inputs(request, draw_id: int):
    draw = get_object_or_404(selectors.draw_list(user=request.user), pk=draw_id)
    return services.published_inputs(draw)


@router.post("/draws", response={201: DrawOut}, summary="准备双随机抽取")
def create_draw(request, payload: DrawIn):
    data = payload.dict()
    plan = resolve(
        selectors.enforcement_plan_list(user=request.user),
        data.pop("enforcement_plan_id"),
        "enforcement_plan_id",
    )
    return Status(201, services.draw_create(actor=request.user, enforcement_plan=plan, **data))


@router.post("/draws/{draw_id}/exclusions", response={201: ExclusionOut}, summary="登记回避")
def add_exclusion(request, draw_id: int, payload: ExclusionIn):
    draw = get_object_or_404(selectors.draw_list(user=request.user), pk=draw_id)
    mine = resolve(CoalMine.objects.restrict(request.user), payload.mine_id, "mine_id")
    inspector = resolve(Staff.objects.restrict(request.user), payload.inspector_id, "inspector_id")
    return Status(
        201,
        services.draw_exclusion_add(
            actor=request.user,
            draw=draw,
            mine=mine,
            inspector=inspector,
            kind=payload.kind,
            reason=payload.reason,
        ),
    )


def _draw_step(request, draw_id: int, payload: DrawStepIn, service):
    draw = get_object_or_404(selectors.draw_list(user=request.user), pk=draw_id)
    expect(draw, payload.expected_status)
    return service(actor=request.user, draw=draw)


@router.post("/draws/{draw_id}/commit", response=DrawOut, summary="冻结名录并公布种子承诺值")
def commit_draw(request, draw_id: int, payload: DrawStepIn):
    return _draw_step(request, draw_id, payload, services.draw_commit)


@router.post("/draws/{draw_id}/run", response=DrawOut, summary="揭示种子并抽取")
def run_draw(request, draw_id: int, payload: DrawStepIn):
    return _draw_step(request, draw_id, payload, services.draw_run)


@router.post("/draws/{draw_id}/publish", response=DrawOut, summary="公布抽取结果")
def publish_draw(request, draw_id: int, payload: DrawStepIn):
    return _draw_step(request, draw_id, payload, services.draw_publish)


# --- inspection plans ----------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    agency_id: int
    mine_id: int
    items: list[dict]
    content: str
    legal_basis: str
    officer_ids: list[int]
    planned_start: datetime.date
    planned_end: datetime.date
    status: PlanStatus
    document_number: str | None
    draw_task_id: int | None

    @staticmethod
    def resolve_officer_ids(obj):
        return sorted(obj.officers.values_list("pk", flat=True))

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number.text if obj.document_id else None


class PlanIn(InputSchema):
    mine_id: int
    item_codes: list[str] = Field(default_factory=list, max_length=50)
    extra_items: str = Field("", max_length=2000)
    content: str = Field(max_length=5000)
    legal_basis: str = Field("", max_length=500)
    officer_ids: list[int] = Field(max_length=20)
    planned_start: datetime.date
    planned_end: datetime.date
    enforcement_plan_id: int | None = None
    draw_task_id: int | None = None


class PlanStepIn(InputSchema):
    expected_status: PlanStatus


class PlanApproveIn(InputSchema):
    expected_status: PlanStatus
    opinion: str = Field(min_length=1, max_length=500)


class PlanReturnIn(InputSchema):
    expected_status: PlanStatus
    reason: str = Field(min_length=1, max_length=500)


@router.get("/plans", response=list[PlanOut], summary="检查方案列表")
@paginate(PageNumberPagination, page_size=50)
def list_plans(request, status: str = ""):
    return selectors.plan_list(user=request.user, status=status[:20])


@router.get("/plans/{plan_id}", response=PlanOut, summary="检查方案详情")
def get_plan(request, plan_id: int):
    return get_object_or_404(selectors.plan_list(user=request.user), pk=plan_id)


@router.post("/plans", response={201: PlanOut}, summary="制作检查方案")
def create_plan(request, payload: PlanIn):
    data = payload.dict()
    mine = resolve(CoalMine.objects.restrict(request.user), data.pop("mine_id"), "mine_id")
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    plan = resolve(
        selectors.enforcement_plan_list(user=request.user),
        data.pop("enforcement_plan_id"),
        "enforcement_plan_id",
    )
    task = resolve(
        DrawTask.objects.filter(draw__in=selectors.draw_list(user=request.user)),
        data.pop("draw_task_id"),
        "draw_task_id",
    )
    if request.user.agency is None:
        raise ValidationError({"mine_id": ["只有所属执法机构的工作人员可以制作检查方案。"]})
    return Status(
        201,
        services.inspection_plan_create(
            actor=request.user,
            agency=request.user.agency,
            mine=mine,
            officers=officers,
            enforcement_plan=plan,
            draw_task=task,
            **data,
        ),
    )


@router.post("/plans/{plan_id}/submit", response=PlanOut, summary="提交检查方案")
def submit_plan(request, plan_id: int, payload: PlanStepIn):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=plan_id)
    expect(plan, payload.expected_status)
    return services.inspection_plan_submit(actor=request.user, plan=plan)


@router.post("/plans/{plan_id}/approve", response=PlanOut, summary="批准检查方案")
def approve_plan(request, plan_id: int, payload: PlanApproveIn):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=plan_id)
    expect(plan, payload.expected_status)
    return services.inspection_plan_approve(actor=request.user, plan=plan, opinion=payload.opinion)


@router.post("/plans/{plan_id}/return", response=PlanOut, summary="退回检查方案")
def return_plan(request, plan_id: int, payload: PlanReturnIn):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=plan_id)
    expect(plan, payload.expected_status)
    return services.inspection_plan_return(actor=request.user, plan=plan, reason=payload.reason)


# --- on-site inspections -------------------------------------------------------------------------


class InspectionOut(Schema):
    id: int
    plan_id: int
    agency_id: int
    mine_id: int
    officer_ids: list[int]
    inspected_on: datetime.date
    location: str
    identity_shown: bool
    status: InspectionStatus
    summary: str
    result_summary: str
    record_number: str | None

    @staticmethod
    def resolve_officer_ids(obj):
        return sorted(obj.officers.values_list("pk", flat=True))

    @staticmethod
    def resolve_record_number(obj):
        return obj.record_document.number.text if obj.record_document_id else None


class ShowingIn(InputSchema):
    """GS-MID-1 (ADR 0210): one officer showed his certificate, when and to whom."""

    officer_id: int
    shown_at: datetime.datetime
    shown_to: str = Field(max_length=200)


def showings_in(officers: list[Staff], items: list[dict] | None) -> list[dict] | None:
    """The showings as the services take them; an officer not among those present stays
    ``None`` and the service refuses it with a field error."""
    if items is None:
        return None
    by_id = {o.pk: o for o in officers}
    return [{**item, "officer": by_id.get(item.pop("officer_id"))} for item in items]


class OpenIn(InputSchema):
    officer_ids: list[int] = Field(max_length=20)
    inspected_on: datetime.date
    location: str = Field(max_length=200)
    identity_shown: bool = False
    party_present: str = Field("", max_length=200)
    showings: list[ShowingIn] | None = Field(None, max_length=20)


class FindingOut(Schema):
    id: int
    inspection_id: int
    entry_id: int
    compendium_version_id: int
    entry_code: str
    kind: str
    description: str
    violated_provision: str
    penalty_provision: str
    facts: str
    is_major_hazard: bool


class FindingIn(InputSchema):
    entry_id: int
    facts: str = Field(max_length=2000)
    location: str = Field("", max_length=200)
    is_major_hazard: bool = False


ONSITE_TIME = (
    "现场制作时间（带时区）：在现场已制作、返回后签章的文书填写；当场签发的不填（ADR 0226）"
)


class MeasureOut(Schema):
    id: int
    inspection_id: int
    finding_id: int | None
    kind: OnsiteMeasureKind
    content: str
    due_on: datetime.date | None
    due_provisional: bool
    document_number: str
    verification: str

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number.text


class MeasureIn(InputSchema):
    kind: OnsiteMeasureKind
    content: str = Field(max_length=2000)
    finding_id: int | None = None
    days: int | None = Field(None, ge=1, le=365)
    legal_basis: str = Field(services.ONSITE_MEASURE_BASIS, max_length=500)
    made_on_site_at: datetime.datetime | None = Field(None, description=ONSITE_TIME)


class CompleteIn(InputSchema):
    expected_status: InspectionStatus
    summary: str = Field(min_length=1, max_length=5000)
    made_on_site_at: datetime.datetime | None = Field(None, description=ONSITE_TIME)


class InspectionCloseIn(InputSchema):
    expected_status: InspectionStatus
    result_summary: str = Field(min_length=1, max_length=2000)


class VerifyIn(InputSchema):
    verification: Verification
    verified_on: datetime.date
    note: str = Field(max_length=2000)


@router.post("/plans/{plan_id}/inspection", response={201: InspectionOut}, summary="开始现场检查")
def open_inspection(request, plan_id: int, payload: OpenIn):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=plan_id)
    data = payload.dict()
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    data["showings"] = showings_in(officers, data.pop("showings"))
    return Status(
        201, services.inspection_open(actor=request.user, plan=plan, officers=officers, **data)
    )


@router.get("/inspections", response=list[InspectionOut], summary="现场检查列表")
@paginate(PageNumberPagination, page_size=50)
def list_inspections(request, status: str = ""):
    return selectors.inspection_list(user=request.user, status=status[:20])


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="现场检查详情")
def get_inspection(request, inspection_id: int):
    return get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)


@router.get(
    "/inspections/{inspection_id}/findings", response=list[FindingOut], summary="检查发现的问题"
)
def list_findings(request, inspection_id: int):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    return list(inspection.findings.all())


@router.post(
    "/inspections/{inspection_id}/findings", response={201: FindingOut}, summary="记录发现的问题"
)
def add_finding(request, inspection_id: int, payload: FindingIn):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    data = payload.dict()
    entry = resolve(ViolationEntry.objects.all(), data.pop("entry_id"), "entry_id")
    return Status(
        201, services.finding_add(actor=request.user, inspection=inspection, entry=entry, **data)
    )


@router.post(
    "/inspections/{inspection_id}/measures", response={201: MeasureOut}, summary="现场处理措施"
)
def add_measure(request, inspection_id: int, payload: MeasureIn):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    data = payload.dict()
    finding = resolve(inspection.findings.all(), data.pop("finding_id"), "finding_id")
    return Status(
        201,
        services.onsite_measure_take(
            actor=request.user, inspection=inspection, finding=finding, **data
        ),
    )


@router.post(
    "/inspections/{inspection_id}/complete", response=InspectionOut, summary="结束现场检查"
)
def complete_inspection(request, inspection_id: int, payload: CompleteIn):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    expect(inspection, payload.expected_status)
    return services.inspection_complete(
        actor=request.user,
        inspection=inspection,
        summary=payload.summary,
        made_on_site_at=payload.made_on_site_at,
    )


@router.post("/inspections/{inspection_id}/close", response=InspectionOut, summary="办结检查")
def close_inspection(request, inspection_id: int, payload: InspectionCloseIn):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    expect(inspection, payload.expected_status)
    return services.inspection_close(
        actor=request.user, inspection=inspection, result_summary=payload.result_summary
    )


@router.post("/measures/{measure_id}/verify", response=MeasureOut, summary="整改复查")
def verify_measure(request, measure_id: int, payload: VerifyIn):
    measure = get_object_or_404(OnsiteMeasure.objects.restrict(request.user), pk=measure_id)
    return services.onsite_measure_verify(actor=request.user, measure=measure, **payload.dict())
