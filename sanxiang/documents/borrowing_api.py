"""API router for documents: the PDF of a document behind its ground, and borrowing (借阅).

``GET /documents/{id}/pdf`` answers the bytes (``application/pdf``) to whoever has a ground,
logged like a page's read; a refusal is logged too and answered 403 with the reason (404, as
for a missing one, to whoever may not see that the document exists). The decision on a borrow
request is the person's own act: session only, with a fresh second factor (ADR 0071, 0075).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.schemas import InputSchema
from sanxiang.core.readable import may_read

from . import borrowing, reading, selectors
from .models import BorrowScope, BorrowStatus, Document

router = Router(tags=["文书借阅"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "文书 PDF（借阅人的副本每页带水印）",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/documents/{document_id}/pdf", summary="查阅执法文书 PDF", openapi_extra=PDF_RESPONSE)
def document_pdf(request, document_id: int, download: bool = False):
    """有查阅依据（承办、审核、审批、保管、借阅等）方可取得；每次查阅和拒绝均记入账本。"""
    document = get_object_or_404(Document.objects.select_related("number"), pk=document_id)
    mode = reading.DOWNLOAD if download else reading.VIEW
    result = reading.document_read(
        actor=request.user, document=document, mode=mode, channel_detail={"via": "api"}
    )
    if not result.allowed:
        if not may_read(request.user, "documents.document", str(document.pk)):
            raise Http404
        raise PermissionDenied(result.grant.reason)
    return reading.pdf_response(document, result, download=download)


class BorrowOut(Schema):
    id: int
    subject_type: str
    subject_id: str
    subject_label: str
    requester_id: int
    purpose: str
    scope: BorrowScope
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    status: BorrowStatus
    active: bool
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_active(obj):
        return obj.is_active_at()


class BorrowIn(InputSchema):
    document_id: int = Field(ge=1, le=2**63 - 1, description="要借阅的执法文书")
    purpose: str = Field(max_length=300)
    scope: BorrowScope
    valid_from: datetime.datetime
    valid_until: datetime.datetime


class BorrowDecisionIn(InputSchema):
    decision: str = Field(
        pattern="^(approve|refuse)$", description="approve 批准 / refuse 不予批准"
    )
    note: str = Field("", max_length=300)


@router.get("/borrow-requests", response=list[BorrowOut], summary="借阅申请列表")
@paginate(PageNumberPagination, page_size=50)
def list_borrow_requests(request):
    return selectors.borrow_list(user=request.user)


@router.post("/borrow-requests", response={201: BorrowOut}, summary="申请借阅执法文书")
def request_borrow(request, payload: BorrowIn):
    data = payload.dict()
    document_id = data.pop("document_id")
    return Status(
        201,
        borrowing.borrow_request_create(
            actor=request.user,
            subject_type=borrowing.DOCUMENT,
            subject_id=str(document_id),
            **data,
        ),
    )


@router.post("/borrow-requests/{borrow_id}/decision", response=BorrowOut, summary="审批借阅申请")
def decide_borrow(request, borrow_id: int, payload: BorrowDecisionIn):
    borrow = selectors.borrow_get(user=request.user, pk=borrow_id)
    return borrowing.borrow_decide(
        actor=request.user,
        borrow=borrow,
        approve=payload.decision == "approve",
        note=payload.note,
    )
