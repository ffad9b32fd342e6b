"""API router of 案卷评查 (ADR 0160): campaigns and their steps, the published draw inputs, the
drawn files with their findings, the evaluator's decisions and score, rectifications.

Steps name the state the client expects (``expected_status``), so a repeated or stale request
is refused rather than applied; every write goes through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema
from sanxiang.core.validation import expect_status
from sanxiang.org.models import Agency, Staff

from .evaluation import scoring, selectors, services
from .evaluation.access import findings_readable
from .evaluation.workflow import available
from .models_evaluation import (
    Campaign,
    CampaignStatus,
    EvaluationFile,
    Rubric,
)

router = Router(tags=["案卷评查"])


class EvaluationCampaignOut(Schema):
    id: int
    title: str
    agency_id: int
    agency_name: str
    period_from: datetime.date
    period_to: datetime.date
    unit_ids: list[int]
    share: Decimal
    include_cases: bool
    include_inspections: bool
    evaluator_ids: list[int]
    rubric_id: int
    rubric_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: CampaignStatus
    status_label: str
    commitment: str
    inputs_digest: str
    available_actions: list[str]

    @staticmethod
    def resolve_agency_name(obj):
        return obj.agency.name

    @staticmethod
    def resolve_unit_ids(obj):
        return sorted(obj.units.values_list("pk", flat=True))

    @staticmethod
    def resolve_evaluator_ids(obj):
        return sorted(obj.evaluators.values_list("pk", flat=True))

    @staticmethod
    def resolve_rubric_label(obj):
        return str(obj.rubric)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_available_actions(obj):
        return [t.action for t in available(obj.status)]


class EvaluationUnitResultOut(Schema):
    name: str
    drawn: int
    scored: int
    excellent: int
    passed: int
    failed: int
    basic_failed: int
    average: Decimal | None


class EvaluationCampaignDetailOut(EvaluationCampaignOut):
    total: EvaluationUnitResultOut
    units: list[EvaluationUnitResultOut]

    @staticmethod
    def resolve_total(obj):
        return selectors.results(obj)[0]

    @staticmethod
    def resolve_units(obj):
        return selectors.results(obj)[1]


class EvaluationFindingOut(Schema):
    id: int
    item_code: str
    item_kind: str
    item_label: str
    source: str
    text: str
    evidence_label: str
    evidence_url: str
    deduction: Decimal
    state: str
    state_label: str
    reason: str

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class EvaluationFileOut(Schema):
    id: int
    campaign_id: int
    key: str
    kind: str
    case_id: int | None
    inspection_id: int | None
    archive_unit_id: int | None
    title: str
    unit_id: int
    evaluator_id: int | None
    status: str
    status_label: str
    basic_failed: bool
    form_score: Decimal | None
    content_score: Decimal | None
    total: Decimal | None
    grade: str
    grade_label: str
    opinion: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_grade_label(obj):
        return obj.get_grade_display() if obj.grade else ""


class EvaluationFileDetailOut(EvaluationFileOut):
    findings: list[EvaluationFindingOut]

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.order_by("pk"))


class EvaluationRectificationOut(Schema):
    id: int
    file_id: int
    unit_id: int
    requirements: str
    due_on: datetime.date
    status: str
    status_label: str
    reply: str
    replied_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class EvaluationCampaignIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    agency_id: int = Field(ge=1, le=2**31 - 1)
    period_from: datetime.date
    period_to: datetime.date
    unit_ids: list[int] = Field(min_length=1, max_length=200)
    share: Decimal = Field(gt=0, le=1, max_digits=4, decimal_places=3)
    evaluator_ids: list[int] = Field(min_length=1, max_length=200)
    rubric_id: int = Field(ge=1, le=2**31 - 1)
    starts_on: datetime.date
    ends_on: datetime.date
    include_cases: bool = True
    include_inspections: bool = True


class EvaluationStepIn(InputSchema):
    expected_status: CampaignStatus


class EvaluationAssignIn(InputSchema):
    evaluator_id: int = Field(ge=1, le=2**31 - 1)


class EvaluationFindingIn(InputSchema):
    item_code: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=500)
    deduction: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=1)


class EvaluationDecideIn(InputSchema):
    accept: bool
    reason: str = Field("", max_length=500)
    deduction: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=1)


class EvaluationScoreIn(InputSchema):
    opinion: str = Field(min_length=1, max_length=2000)


class EvaluationRectificationIn(InputSchema):
    requirements: str = Field(min_length=1, max_length=2000)
    due_on: datetime.date


class EvaluationReplyIn(InputSchema):
    reply: str = Field(min_length=1, max_length=2000)


def _campaign(request, campaign_id: int) -> Campaign:
    return get_object_or_404(selectors.campaign_list(user=request.user), pk=campaign_id)


def _file(request, evaluation_file_id: int) -> EvaluationFile:
    return get_object_or_404(selectors.file_list(user=request.user), pk=evaluation_file_id)


def _ids(model, ids: list[int], field: str, noun: str, rows=None) -> list:
    rows = list((rows if rows is not None else model.objects).filter(pk__in=set(ids)))
    if len(rows) != len(set(ids)):
        raise ValidationError({field: [f"所选{noun}不存在或不在您的管辖范围内。"]})
    return rows


@router.get("/campaigns", response=list[EvaluationCampaignOut], summary="案卷评查活动列表")
def list_campaigns(request, status: str = ""):
    return list(selectors.campaign_list(user=request.user, status=status[:20])[:200])


@router.post("/campaigns", response={201: EvaluationCampaignOut}, summary="组织案卷评查")
def create_campaign(request, payload: EvaluationCampaignIn):
    agency = Agency.objects.restrict(request.user).filter(pk=payload.agency_id).first()
    if agency is None:
        raise ValidationError({"agency_id": ["所选组织机构不存在或不在您的管辖范围内。"]})
    units = _ids(
        Agency, payload.unit_ids, "unit_ids", "被评查单位", Agency.objects.restrict(request.user)
    )
    evaluators = _ids(
        Staff,
        payload.evaluator_ids,
        "evaluator_ids",
        "评查人员",
        Staff.objects.restrict(request.user),
    )
    rubric = services.rubrics_for(agency).filter(pk=payload.rubric_id).first()
    if rubric is None and not Rubric.objects.filter(pk=payload.rubric_id).exists():
        raise ValidationError({"rubric_id": ["所选评查标准不存在。"]})
    campaign = services.campaign_create(
        actor=request.user,
        agency=agency,
        title=payload.title,
        period_from=payload.period_from,
        period_to=payload.period_to,
        units=units,
        share=payload.share,
        evaluators=evaluators,
        rubric=rubric,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        include_cases=payload.include_cases,
        include_inspections=payload.include_inspections,
    )
    return Status(201, campaign)


@router.get(
    "/campaigns/{campaign_id}", response=EvaluationCampaignDetailOut, summary="评查活动详情"
)
def get_campaign(request, campaign_id: int):
    return _campaign(request, campaign_id)


@router.get("/campaigns/{campaign_id}/inputs", response=dict, summary="抽取输入（可重现）")
def campaign_inputs(request, campaign_id: int):
    campaign = _campaign(request, campaign_id)
    return services.published_inputs(campaign) if campaign.commitment else {}


def _step(request, campaign_id: int, payload: EvaluationStepIn, call):
    campaign = _campaign(request, campaign_id)
    expect_status(campaign, payload.expected_status, noun="评查活动")
    return call(actor=request.user, campaign=campaign)


@router.post(
    "/campaigns/{campaign_id}/commit", response=EvaluationCampaignOut, summary="公布承诺值"
)
def commit_campaign(request, campaign_id: int, payload: EvaluationStepIn):
    return _step(request, campaign_id, payload, services.campaign_commit)


@router.post("/campaigns/{campaign_id}/draw", response=EvaluationCampaignOut, summary="抽取案卷")
def draw_campaign(request, campaign_id: int, payload: EvaluationStepIn):
    return _step(request, campaign_id, payload, services.campaign_draw)


@router.post("/campaigns/{campaign_id}/close", response=EvaluationCampaignOut, summary="结束评查")
def close_campaign(request, campaign_id: int, payload: EvaluationStepIn):
    return _step(request, campaign_id, payload, services.campaign_close)


@router.get("/campaigns/{campaign_id}/files", response=list[EvaluationFileOut], summary="评查案卷")
def campaign_files(request, campaign_id: int):
    return list(selectors.file_list(user=request.user, campaign=_campaign(request, campaign_id)))


@router.get("/tasks", response=list[EvaluationFileOut], summary="我的评查任务")
def my_tasks(request):
    return list(selectors.my_tasks(user=request.user)[:200])


@router.get("/files/{evaluation_file_id}", response=EvaluationFileDetailOut, summary="评查案卷详情")
def get_file(request, evaluation_file_id: int):
    return _file(request, evaluation_file_id)


@router.post(
    "/files/{evaluation_file_id}/assign", response=EvaluationFileOut, summary="调整评查人员"
)
def assign_file(request, evaluation_file_id: int, payload: EvaluationAssignIn):
    file = _file(request, evaluation_file_id)
    evaluator = file.campaign.evaluators.filter(pk=payload.evaluator_id).first()
    if evaluator is None:
        raise ValidationError({"evaluator_id": ["请从本次评查活动的评查人员中选择。"]})
    return services.file_assign(actor=request.user, file=file, evaluator=evaluator)


@router.post(
    "/files/{evaluation_file_id}/findings", response={201: EvaluationFindingOut}, summary="补充问题"
)
def add_finding(request, evaluation_file_id: int, payload: EvaluationFindingIn):
    file = _file(request, evaluation_file_id)
    finding = scoring.finding_add(
        actor=request.user,
        file=file,
        item_code=payload.item_code,
        text=payload.text,
        deduction=payload.deduction,
    )
    return Status(201, finding)


@router.post(
    "/findings/{evaluation_finding_id}/decide",
    response=EvaluationFindingOut,
    summary="确认或不予采纳",
)
def decide_finding(request, evaluation_finding_id: int, payload: EvaluationDecideIn):
    finding = get_object_or_404(findings_readable(request.user), pk=evaluation_finding_id)
    return scoring.finding_decide(
        actor=request.user,
        finding=finding,
        accept=payload.accept,
        reason=payload.reason,
        deduction=payload.deduction,
    )


@router.post("/files/{evaluation_file_id}/score", response=EvaluationFileOut, summary="评定")
def score_file(request, evaluation_file_id: int, payload: EvaluationScoreIn):
    return scoring.file_score(
        actor=request.user, file=_file(request, evaluation_file_id), opinion=payload.opinion
    )


@router.post(
    "/files/{evaluation_file_id}/rectifications",
    response={201: EvaluationRectificationOut},
    summary="提出整改要求",
)
def request_rectification(request, evaluation_file_id: int, payload: EvaluationRectificationIn):
    rectification = scoring.rectification_request(
        actor=request.user,
        file=_file(request, evaluation_file_id),
        requirements=payload.requirements,
        due_on=payload.due_on,
    )
    return Status(201, rectification)


@router.get("/rectifications", response=list[EvaluationRectificationOut], summary="评查整改")
def list_rectifications(request, status: str = ""):
    return list(selectors.rectification_list(user=request.user, status=status[:20])[:200])


@router.post(
    "/rectifications/{evaluation_rectification_id}/reply",
    response=EvaluationRectificationOut,
    summary="回复整改情况",
)
def reply_rectification(request, evaluation_rectification_id: int, payload: EvaluationReplyIn):
    rectification = get_object_or_404(
        selectors.rectification_list(user=request.user), pk=evaluation_rectification_id
    )
    return scoring.rectification_reply(
        actor=request.user, rectification=rectification, reply=payload.reply
    )
