"""API of 投诉举报 for the staff side (``/api/complaints/…``). Steps name the state the client
expects (``expected_status``); the reporter's identity is masked as on the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema
from sanxiang.core.validation import expect_status
from sanxiang.org.models import Staff
from sanxiang.registry.models import CoalMine

from . import selectors, services
from .models import Complaint, ComplaintFile, ComplaintScanStatus, ComplaintVerdict
from .workflow import ComplaintCategory, ComplaintChannel, ComplaintStatus

router = Router(tags=["投诉举报"])


class ComplaintReporterOut(Schema):
    name: str
    contact: str
    masked: bool


class ComplaintOut(Schema):
    id: int
    number: str
    agency_id: int
    channel: ComplaintChannel
    channel_label: str
    category: ComplaintCategory
    category_label: str
    status: ComplaintStatus
    status_label: str
    mine_id: int | None
    mine_text: str
    description: str
    place: str
    occurred_on: datetime.date | None
    involves_deaths: bool
    escalated: bool
    received_at: datetime.datetime
    reporter: ComplaintReporterOut
    intake_officer_id: int | None
    assigned_to_id: int | None
    verify_due: datetime.date | None
    substantiated: str
    finding: str
    reply: str
    transfer_to: str
    inspection_plan_id: int | None
    case_id: int | None
    reward_eligible: bool | None

    @staticmethod
    def resolve_channel_label(obj):
        return obj.get_channel_display()

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_escalated(obj):
        return obj.escalated_at is not None

    @staticmethod
    def resolve_reporter(obj, context):
        return selectors.reporter_for(context["request"].user, obj)


class ComplaintRegisteredOut(Schema):
    complaint: ComplaintOut
    query_code: str = Field(description="告知举报人的查询码，只返回这一次")


class ComplaintFileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    scan_status: ComplaintScanStatus
    scan_status_label: str
    recording_id: int | None

    @staticmethod
    def resolve_scan_status_label(obj):
        return obj.get_scan_status_display()


class ComplaintRegisterIn(InputSchema):
    channel: ComplaintChannel
    category: ComplaintCategory
    mine_id: int | None = None
    mine_text: str = Field("", max_length=200)
    description: str = Field(max_length=5000)
    place: str = Field("", max_length=200)
    occurred_on: datetime.date | None = None
    involves_deaths: bool = False
    reporter_name: str = Field("", max_length=50)
    reporter_contact: str = Field("", max_length=100)


class ComplaintStepIn(InputSchema):
    expected_status: ComplaintStatus


class ComplaintTextIn(InputSchema):
    expected_status: ComplaintStatus
    text: str = Field(max_length=3000)


class ComplaintAssignIn(InputSchema):
    expected_status: ComplaintStatus
    officer_id: int


class ComplaintTransferIn(InputSchema):
    expected_status: ComplaintStatus
    department: str = Field(max_length=200)
    reply: str = Field(max_length=3000)


class ComplaintVerifyIn(InputSchema):
    expected_status: ComplaintStatus
    substantiated: ComplaintVerdict
    finding: str = Field(max_length=5000)


class ComplaintInspectionIn(InputSchema):
    expected_status: ComplaintStatus
    officer_ids: list[int] = Field(max_length=20)
    planned_start: datetime.date
    planned_end: datetime.date
    items: str = Field("", max_length=2000)


class ComplaintRewardIn(InputSchema):
    eligible: bool
    note: str = Field(max_length=1000)


class ComplaintCountsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_channel: dict[str, int]
    substantiated: int
    to_inspection: int
    to_case: int
    transferred: int
    escalated: int
    overdue: int
    reward_eligible: int


def _complaint(request, complaint_id: int) -> Complaint:
    return get_object_or_404(selectors.complaint_list(user=request.user), pk=complaint_id)


def _step(request, complaint_id: int, expected: str) -> Complaint:
    complaint = _complaint(request, complaint_id)
    expect_status(complaint, expected, noun="举报")
    return complaint


def _staff(request, ids: list[int], field: str) -> list[Staff]:
    people = list(Staff.objects.restrict(request.user).filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise ValidationError({field: ["所选人员不存在或不在您的管辖范围内。"]})
    return people


@router.get("/", response=list[ComplaintOut], summary="投诉举报列表")
def list_complaints(request, status: ComplaintStatus | None = None):
    return list(selectors.complaint_list(user=request.user, status=status)[:500])


@router.get("/counts", response=ComplaintCountsOut, summary="投诉举报统计")
def complaint_counts(request, start: datetime.date | None = None, end: datetime.date | None = None):
    return selectors.complaint_counts(user=request.user, start=start, end=end)


@router.post("/", response={201: ComplaintRegisteredOut}, summary="登记电话、信件或来访举报")
def register_complaint(request, payload: ComplaintRegisterIn):
    data = payload.dict()
    mine_id = data.pop("mine_id")
    data.pop("channel")
    mine = None
    if mine_id is not None:
        mine = CoalMine.objects.restrict(request.user).filter(pk=mine_id).first()
        if mine is None:
            raise ValidationError({"mine_id": ["所选煤矿不存在或不在您的管辖范围内。"]})
    data["mine"] = mine
    complaint, code = services.complaint_register(
        actor=request.user, channel=payload.channel, data=data
    )
    return Status(201, {"complaint": complaint, "query_code": code})


@router.get("/{complaint_id}", response=ComplaintOut, summary="投诉举报详情")
def get_complaint(request, complaint_id: int):
    return _complaint(request, complaint_id)


@router.get("/{complaint_id}/files", response=list[ComplaintFileOut], summary="举报附件")
def list_files(request, complaint_id: int):
    return list(_complaint(request, complaint_id).files.all())


@router.post("/{complaint_id}/take", response=ComplaintOut, summary="受理登记")
def take(request, complaint_id: int, payload: ComplaintStepIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_take(actor=request.user, complaint=complaint)


@router.post("/{complaint_id}/decline", response=ComplaintOut, summary="不予受理并答复")
def decline(request, complaint_id: int, payload: ComplaintTextIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_decline(actor=request.user, complaint=complaint, reply=payload.text)


@router.post("/{complaint_id}/assign", response=ComplaintOut, summary="指派核查")
def assign(request, complaint_id: int, payload: ComplaintAssignIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    officer = _staff(request, [payload.officer_id], "officer_id")[0]
    return services.complaint_assign(actor=request.user, complaint=complaint, officer=officer)


@router.post("/{complaint_id}/transfer", response=ComplaintOut, summary="移送有关部门")
def transfer(request, complaint_id: int, payload: ComplaintTransferIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_transfer(
        actor=request.user, complaint=complaint, department=payload.department, reply=payload.reply
    )


@router.post("/{complaint_id}/verify", response=ComplaintOut, summary="记录核查结果")
def verify(request, complaint_id: int, payload: ComplaintVerifyIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_verify(
        actor=request.user,
        complaint=complaint,
        finding=payload.finding,
        substantiated=payload.substantiated,
    )


@router.post("/{complaint_id}/inspection", response=ComplaintOut, summary="转为行政检查")
def convert(request, complaint_id: int, payload: ComplaintInspectionIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    services.complaint_convert_inspection(
        actor=request.user,
        complaint=complaint,
        officers=_staff(request, payload.officer_ids, "officer_ids"),
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        items=payload.items,
    )
    return _complaint(request, complaint_id)


@router.post("/{complaint_id}/reply", response=ComplaintOut, summary="答复举报人并办结")
def reply(request, complaint_id: int, payload: ComplaintTextIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_reply(actor=request.user, complaint=complaint, reply=payload.text)


@router.post("/{complaint_id}/escalate", response=ComplaintOut, summary="报告负责人")
def escalate(request, complaint_id: int, payload: ComplaintStepIn):
    complaint = _step(request, complaint_id, payload.expected_status)
    return services.complaint_escalate(actor=request.user, complaint=complaint)


@router.post("/{complaint_id}/reward", response=ComplaintOut, summary="举报奖励认定")
def reward(request, complaint_id: int, payload: ComplaintRewardIn):
    complaint = _complaint(request, complaint_id)
    return services.complaint_reward_record(
        actor=request.user, complaint=complaint, eligible=payload.eligible, note=payload.note
    )


@router.post("/files/{file_id}/adopt", response=ComplaintFileOut, summary="采纳附件为证据")
def adopt(request, file_id: int):
    item = get_object_or_404(
        ComplaintFile.objects.filter(
            complaint__in=selectors.complaint_list(user=request.user).values("pk")
        ),
        pk=file_id,
    )
    services.complaint_file_adopt(actor=request.user, item=item)
    item.refresh_from_db()
    return item
