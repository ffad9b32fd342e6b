"""API router for disposal (鉴定销毁, ADR 0130): the due list, appraisals and their approval
and execution, tombstones, legal holds. Mounted at ``/api/archive/disposal/``."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from sanxiang.api.schemas import InputSchema
from sanxiang.cases.models import Case
from sanxiang.org.models import Staff

from . import disposal, holds, selectors
from .models import ArchiveUnit
from .models_disposal import (
    AppraisalStatus,
    DisposalAppraisal,
    DisposalTombstone,
    HoldKind,
    LegalHold,
    Verdict,
)

router = Router(tags=["执法档案"])


class DisposalHoldOut(Schema):
    id: int
    unit_id: int | None
    case_id: int | None
    kind: HoldKind
    kind_label: str
    reason: str
    by_system: bool
    set_at: datetime.datetime
    released_at: datetime.datetime | None
    release_reason: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class DisposalDueOut(Schema):
    id: int
    archival_code: str
    title: str
    retention_label: str
    retention_due: datetime.date | None
    holds: list[DisposalHoldOut]

    @staticmethod
    def resolve_retention_label(obj):
        return obj.get_retention_period_display() if obj.retention_period else ""

    @staticmethod
    def resolve_holds(obj):
        return list(holds.active_holds(obj))


class DisposalLineOut(Schema):
    unit_id: int
    archival_code: str
    verdict: Verdict
    extend_years: int | None
    reason: str

    @staticmethod
    def resolve_archival_code(obj):
        return obj.unit.archival_code


class DisposalAppraisalOut(Schema):
    id: int
    status: AppraisalStatus
    status_label: str
    appraised_on: datetime.date
    opinion: str
    appraiser_ids: list[int]
    lines: list[DisposalLineOut]
    decided_at: datetime.datetime | None
    decision_opinion: str
    executed_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_appraiser_ids(obj):
        return sorted(obj.appraisers.values_list("pk", flat=True))

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("unit"))


class DisposalOriginalOut(Schema):
    path: str
    sha256: str
    sm3: str
    size: int | None = None
    what: str = ""


class DisposalTombstoneOut(Schema):
    id: int
    unit_id: int
    archival_code: str
    title: str
    retention_period: str
    filed_on: datetime.date | None
    retention_due: datetime.date | None
    destroyed_at: datetime.datetime
    reason: str
    appraisal_id: int
    approved_at: datetime.datetime
    destroyed: list[DisposalOriginalOut]


class DisposalLineIn(InputSchema):
    unit_id: int = Field(ge=1)
    verdict: Verdict
    extend_years: int | None = Field(None, ge=1, le=disposal.MAX_EXTEND_YEARS)
    reason: str = Field(min_length=1, max_length=500)


class DisposalAppraisalIn(InputSchema):
    appraised_on: datetime.date | None = None
    opinion: str = Field(min_length=1, max_length=2000)
    appraiser_ids: list[int] = Field(min_length=1, max_length=20)
    lines: list[DisposalLineIn] = Field(min_length=1, max_length=500)


class DisposalDecisionIn(InputSchema):
    opinion: str = Field("", max_length=500)


class DisposalExecuteIn(InputSchema):
    """Names the state the client expects (已批准), so a repeated request is refused."""

    expected_status: AppraisalStatus


class DisposalHoldIn(InputSchema):
    unit_id: int | None = Field(None, ge=1)
    case_id: int | None = Field(None, ge=1)
    kind: HoldKind
    reason: str = Field(min_length=1, max_length=500)


class DisposalReleaseIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


def _appraisal(request, pk: int) -> DisposalAppraisal:
    return get_object_or_404(DisposalAppraisal.objects.restrict(request.user), pk=pk)


@router.get("/due", response=list[DisposalDueOut], summary="保管期满待鉴定的案卷")
def due(request):
    return disposal.due_units(user=request.user)


@router.get("/appraisals", response=list[DisposalAppraisalOut], summary="档案鉴定列表")
def list_appraisals(request):
    return list(DisposalAppraisal.objects.restrict(request.user)[:200])


@router.get("/appraisals/{appraisal_id}", response=DisposalAppraisalOut, summary="档案鉴定详情")
def get_appraisal(request, appraisal_id: int):
    return _appraisal(request, appraisal_id)


@router.post("/appraisals", response=DisposalAppraisalOut, summary="登记档案鉴定")
def create_appraisal(request, payload: DisposalAppraisalIn):
    units = {
        u.pk: u
        for u in selectors.unit_list(user=request.user).filter(
            pk__in=[line.unit_id for line in payload.lines]
        )
    }
    people = list(Staff.objects.filter(pk__in=payload.appraiser_ids))
    if len(people) != len(set(payload.appraiser_ids)):
        raise ValidationError({"appraiser_ids": ["鉴定人员不存在。"]})
    return disposal.appraisal_create(
        actor=request.user,
        lines=[
            disposal.LineIn(
                unit=units.get(line.unit_id),
                verdict=line.verdict,
                reason=line.reason,
                extend_years=line.extend_years,
            )
            for line in payload.lines
        ],
        appraisers=people,
        opinion=payload.opinion,
        appraised_on=payload.appraised_on,
    )


@router.post(
    "/appraisals/{appraisal_id}/approve", response=DisposalAppraisalOut, summary="批准销毁"
)
def approve_appraisal(request, appraisal_id: int, payload: DisposalDecisionIn):
    return disposal.appraisal_approve(
        actor=request.user, appraisal=_appraisal(request, appraisal_id), opinion=payload.opinion
    )


@router.post("/appraisals/{appraisal_id}/refuse", response=DisposalAppraisalOut, summary="不予批准")
def refuse_appraisal(request, appraisal_id: int, payload: DisposalDecisionIn):
    return disposal.appraisal_refuse(
        actor=request.user, appraisal=_appraisal(request, appraisal_id), opinion=payload.opinion
    )


@router.post(
    "/appraisals/{appraisal_id}/execute", response=list[DisposalTombstoneOut], summary="执行销毁"
)
def execute_appraisal(request, appraisal_id: int, payload: DisposalExecuteIn):
    appraisal = _appraisal(request, appraisal_id)
    if appraisal.status != payload.expected_status:
        raise ValidationError(
            {
                "expected_status": [
                    f"该鉴定当前为“{appraisal.get_status_display()}”，与请求不符，请刷新后重试。"
                ]
            }
        )
    return disposal.appraisal_execute(actor=request.user, appraisal=appraisal)


@router.get("/tombstones", response=list[DisposalTombstoneOut], summary="档案销毁记录")
def tombstones(request):
    return list(DisposalTombstone.objects.restrict(request.user)[:500])


@router.get("/units/{unit_id}/holds", response=list[DisposalHoldOut], summary="案卷的保全")
def unit_holds(request, unit_id: int):
    unit = get_object_or_404(selectors.unit_list(user=request.user), pk=unit_id)
    return list(holds.active_holds(unit))


@router.post("/holds", response=DisposalHoldOut, summary="设置保全")
def place_hold(request, payload: DisposalHoldIn):
    if (payload.unit_id is None) == (payload.case_id is None):
        raise ValidationError({"unit_id": ["请指定一个案卷或一个案件（二者选一）。"]})
    if payload.unit_id is not None:
        subject = get_object_or_404(ArchiveUnit.objects.restrict(request.user), pk=payload.unit_id)
    else:
        subject = get_object_or_404(Case.objects.restrict(request.user), pk=payload.case_id)
    return holds.place_hold(subject, payload.kind, payload.reason, request.user)


@router.post("/holds/{hold_id}/release", response=DisposalHoldOut, summary="解除保全")
def release_hold(request, hold_id: int, payload: DisposalReleaseIn):
    hold = get_object_or_404(LegalHold.objects.restrict(request.user), pk=hold_id)
    return holds.release_hold(hold, payload.reason, request.user)
