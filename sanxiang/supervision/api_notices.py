"""API router for 督办 and 问责 (BZ-1, BZ-5). A notice's record is one of the pickable targets
(``GET /notice-targets``), named by its kind and id."""

from __future__ import annotations

import datetime

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.org import selectors as org_selectors

from .models_notices import NoticeStatus
from .notices import selectors, services, targets

router = Router(tags=["督办与问责"])


class NoticeTargetOut(Schema):
    target_type: str
    target_id: int
    kind: str
    label: str


class SupervisionNoticeOut(Schema):
    id: int
    agency_id: int
    issuing_agency_id: int
    target_type: str
    target_id: str
    target_label: str
    requirement: str
    due_on: datetime.date
    status: NoticeStatus
    reply: str
    replied_on: datetime.date | None
    answered_on_time: bool | None
    closed_on: datetime.date | None
    close_note: str


class SupervisionNoticeIn(InputSchema):
    target_type: str = Field(max_length=60, description="督办事项类别，见 notice-targets")
    target_id: int = Field(ge=1)
    requirement: str = Field(max_length=2000)
    due_on: datetime.date


class NoticeReplyIn(InputSchema):
    reply: str = Field(max_length=2000)


class NoticeCloseIn(InputSchema):
    decision: str = Field(pattern="^(close|return)$", description="close 办结 / return 退回重办")
    note: str = Field("", max_length=300)


class AccountabilityOut(Schema):
    id: int
    agency_id: int
    person_id: int | None
    kind: str
    kind_label: str
    facts: str
    notice_id: int | None
    target_type: str
    target_id: str
    target_label: str
    decided_on: datetime.date


class AccountabilityIn(InputSchema):
    kind: str = Field(max_length=40, description="问责方式目录中的代码")
    facts: str = Field(max_length=2000)
    decided_on: datetime.date
    notice_id: int | None = None
    target_type: str = Field("", max_length=60)
    target_id: int | None = Field(None, ge=1)
    person_id: int | None = None


@router.get("/notice-targets", response=list[NoticeTargetOut], summary="可督办的事项")
def list_targets(request):
    out = []
    for object_type, target in targets.target_types().items():
        for row in target.candidates(request.user, timezone.localdate())[: targets.PICK_LIMIT]:
            out.append(
                {
                    "target_type": object_type,
                    "target_id": row.pk,
                    "kind": str(target.label),
                    "label": target.describe(row),
                }
            )
    return out


@router.get("/notices", response=list[SupervisionNoticeOut], summary="督办列表")
@paginate(PageNumberPagination, page_size=50)
def list_notices(request, status: str = ""):
    return selectors.notice_list(
        user=request.user, status=status if status in NoticeStatus.values else ""
    )


@router.get("/notices/{notice_id}", response=SupervisionNoticeOut, summary="督办详情")
def get_notice(request, notice_id: int):
    return selectors.notice_get(user=request.user, pk=notice_id)


@router.post("/notices", response={201: SupervisionNoticeOut}, summary="发出督办")
def issue_notice(request, payload: SupervisionNoticeIn):
    return Status(
        201,
        services.notice_issue(
            actor=request.user,
            target=f"{payload.target_type}:{payload.target_id}",
            requirement=payload.requirement,
            due_on=payload.due_on,
        ),
    )


@router.post("/notices/{notice_id}/reply", response=SupervisionNoticeOut, summary="回复督办")
def reply_notice(request, notice_id: int, payload: NoticeReplyIn):
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    return services.notice_reply(actor=request.user, notice=notice, reply=payload.reply)


@router.post("/notices/{notice_id}/close", response=SupervisionNoticeOut, summary="办结或退回督办")
def close_notice(request, notice_id: int, payload: NoticeCloseIn):
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    return services.notice_close(
        actor=request.user, notice=notice, accept=payload.decision == "close", note=payload.note
    )


@router.get("/accountability", response=list[AccountabilityOut], summary="问责记录")
@paginate(PageNumberPagination, page_size=50)
def list_accountability(request):
    return selectors.accountability_list(user=request.user)


@router.post("/accountability", response={201: AccountabilityOut}, summary="登记问责")
def record_accountability(request, payload: AccountabilityIn):
    data = payload.dict()
    notice = resolve(selectors.notice_list(user=request.user), data.pop("notice_id"), "notice_id")
    person = resolve(
        org_selectors.staff_list(user=request.user), data.pop("person_id"), "person_id"
    )
    target_type, target_id = data.pop("target_type"), data.pop("target_id")
    target = f"{target_type}:{target_id}" if target_type and target_id else ""
    return Status(
        201,
        services.accountability_record(
            actor=request.user, notice=notice, person=person, target=target, **data
        ),
    )
