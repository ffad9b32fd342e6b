"""API for safety-supervision letters (加强和改善安全监管建议书 / 安全管理意见书), mounted on the
inspections router (``/api/inspections/…``). The rules are in ``letters.py``; steps that move
a letter name the state the client expects (``expected_status``)."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema

from . import letters, selectors
from .api import expect
from .models import Finding, LetterKind, LetterStatus

router = Router(tags=["监察检查"])


class LetterOut(Schema):
    id: int
    inspection_id: int
    kind: LetterKind
    kind_label: str
    addressee: str
    finding_ids: list[int]
    problems: str
    recommendations: str
    reply_days: int
    reply_due: datetime.date | None
    reply_overdue: bool
    status: LetterStatus
    status_label: str
    document_id: int | None
    document_number: str | None
    return_reason: str
    reply_received_on: datetime.date | None
    reply_content: str
    reply_attachment_sm3: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_finding_ids(obj):
        return sorted(obj.findings.values_list("pk", flat=True))

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number.text if obj.document_id else None

    @staticmethod
    def resolve_reply_overdue(obj):
        from django.utils import timezone

        return bool(
            obj.status == LetterStatus.ISSUED
            and obj.reply_due
            and obj.reply_due < timezone.localdate()
        )


class LetterIn(InputSchema):
    kind: LetterKind
    addressee: str = Field(max_length=200)
    finding_ids: list[int] = Field(max_length=100)
    recommendations: str = Field(max_length=5000)


class LetterStepIn(InputSchema):
    expected_status: LetterStatus


class LetterReturnIn(InputSchema):
    expected_status: LetterStatus
    reason: str = Field(max_length=500)


class LetterReplyIn(InputSchema):
    expected_status: LetterStatus
    received_on: datetime.date
    content: str = Field(max_length=5000)


def _letter(request, letter_id: int):
    return get_object_or_404(letters.letter_list(user=request.user), pk=letter_id)


@router.get(
    "/inspections/{inspection_id}/letters", response=list[LetterOut], summary="建议书和意见书列表"
)
def list_letters(request, inspection_id: int):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    return letters.letter_list(user=request.user).filter(inspection=inspection)


@router.post(
    "/inspections/{inspection_id}/letters",
    response={201: LetterOut},
    summary="起草安全监管建议书或安全管理意见书",
)
def draft_letter(request, inspection_id: int, payload: LetterIn):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=inspection_id)
    ids = list(dict.fromkeys(payload.finding_ids))
    findings = list(Finding.objects.restrict(request.user).filter(pk__in=ids))
    if len(findings) != len(ids):
        from django.core.exceptions import ValidationError

        raise ValidationError({"finding_ids": ["所选问题不存在或不在您的管辖范围内。"]})
    letter = letters.letter_draft(
        actor=request.user,
        inspection=inspection,
        kind=payload.kind,
        addressee=payload.addressee,
        findings=findings,
        recommendations=payload.recommendations,
    )
    return Status(201, letter)


@router.get("/letters/{letter_id}", response=LetterOut, summary="建议书或意见书详情")
def get_letter(request, letter_id: int):
    return _letter(request, letter_id)


@router.get(
    "/letters/{letter_id}/preview",
    summary="预览待批准的建议书或意见书（PDF，未编号）",
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def preview_letter(request, letter_id: int):
    letter = _letter(request, letter_id)
    expect(letter, LetterStatus.PENDING)
    return HttpResponse(letters.letter_preview(letter), content_type="application/pdf")


@router.post("/letters/{letter_id}/approve", response=LetterOut, summary="批准签发（负责人）")
def approve_letter(request, letter_id: int, payload: LetterStepIn):
    letter = _letter(request, letter_id)
    expect(letter, payload.expected_status)
    return letters.letter_approve(actor=request.user, letter=letter)


@router.post("/letters/{letter_id}/return", response=LetterOut, summary="不予批准（负责人）")
def return_letter(request, letter_id: int, payload: LetterReturnIn):
    letter = _letter(request, letter_id)
    expect(letter, payload.expected_status)
    return letters.letter_return(actor=request.user, letter=letter, reason=payload.reason)


@router.post("/letters/{letter_id}/reply", response=LetterOut, summary="登记回复")
def record_reply(request, letter_id: int, payload: LetterReplyIn):
    letter = _letter(request, letter_id)
    expect(letter, payload.expected_status)
    return letters.letter_reply_record(
        actor=request.user,
        letter=letter,
        received_on=payload.received_on,
        content=payload.content,
    )
