"""API router for the archive: units (list, detail with the 卷内目录 and the last check report)
and the filing steps. Steps name the state the client expects the unit to be in
(``expected_status``), so a repeated or stale request is refused rather than applied."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.schemas import InputSchema
from sanxiang.core.validation import expect_status

from . import assembly, selectors, services
from .models import ArchiveUnit, UnitKind, UnitStatus
from .workflow import available

router = Router(tags=["执法档案"])


def _unit(request, unit_id: int) -> ArchiveUnit:
    return get_object_or_404(selectors.unit_list(user=request.user), pk=unit_id)


def _expect(unit: ArchiveUnit, expected: str) -> None:
    expect_status(unit, expected, noun="案卷")


class ArchiveUnitOut(Schema):
    id: int
    kind: UnitKind
    kind_label: str
    agency_id: int
    case_id: int | None
    inspection_id: int | None
    mine_id: int | None
    title: str
    year: int
    status: UnitStatus
    status_label: str
    status_reason: str
    closed_on: datetime.date
    filing_due: datetime.date | None
    retention_period: str
    retention_label: str
    retention_due: datetime.date | None
    confidentiality: str
    archival_code: str
    volume_sha256: str
    volume_pages: int | None
    filed_on: datetime.date | None
    available_actions: list[str]

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_retention_label(obj):
        return obj.get_retention_period_display() if obj.retention_period else ""

    @staticmethod
    def resolve_available_actions(obj):
        return [t.action for t in available(obj.status)]


class ArchiveItemOut(Schema):
    seq: int
    stage: str
    stage_label: str
    kind: str
    title: str
    doc_number: str
    responsible: str
    date: datetime.date
    page_from: int | None
    page_to: int | None
    sha256: str
    sm3: str
    voided: bool
    remarks: str

    @staticmethod
    def resolve_stage_label(obj):
        return obj.get_stage_display()

    @staticmethod
    def resolve_sha256(obj):
        return obj.file_sha256

    @staticmethod
    def resolve_sm3(obj):
        return obj.file_sm3


class ArchiveCheckOut(Schema):
    ran_at: datetime.datetime
    trigger: str
    passed: bool
    report: dict


class ArchiveUnitDetailOut(ArchiveUnitOut):
    items: list[ArchiveItemOut]
    last_check: ArchiveCheckOut | None

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.order_by("seq"))

    @staticmethod
    def resolve_last_check(obj):
        return selectors.latest_check(obj)


class ArchiveStepIn(InputSchema):
    expected_status: UnitStatus


class ArchiveApproveIn(ArchiveStepIn):
    opinion: str = Field("", max_length=200)


class ArchiveReturnIn(ArchiveStepIn):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/units", response=list[ArchiveUnitOut], summary="档案案卷列表")
@paginate(PageNumberPagination, page_size=50)
def list_units(
    request,
    status: str = "",
    kind: str = "",
    year: int | None = Query(None, ge=1900, le=9999),
    due: str = "",
    q: str = "",
):
    return selectors.unit_list(
        user=request.user, status=status[:20], kind=kind[:20], year=year, due=due[:10], q=q[:100]
    )


@router.get("/units/{unit_id}", response=ArchiveUnitDetailOut, summary="案卷详情（卷内目录）")
def get_unit(request, unit_id: int):
    return _unit(request, unit_id)


@router.post("/units/{unit_id}/submit", response=ArchiveUnitOut, summary="提交归档")
def submit_unit(request, unit_id: int, payload: ArchiveStepIn):
    unit = _unit(request, unit_id)
    _expect(unit, payload.expected_status)
    return services.unit_submit(actor=request.user, unit=unit)


@router.post("/units/{unit_id}/approve", response=ArchiveUnitOut, summary="批准归档")
def approve_unit(request, unit_id: int, payload: ArchiveApproveIn):
    unit = _unit(request, unit_id)
    _expect(unit, payload.expected_status)
    return services.unit_approve(actor=request.user, unit=unit, opinion=payload.opinion)


@router.post("/units/{unit_id}/return", response=ArchiveUnitOut, summary="退回")
def return_unit(request, unit_id: int, payload: ArchiveReturnIn):
    unit = _unit(request, unit_id)
    _expect(unit, payload.expected_status)
    return services.unit_return(actor=request.user, unit=unit, reason=payload.reason)


@router.post("/units/{unit_id}/reassemble", response=ArchiveUnitOut, summary="重新组卷")
def reassemble_unit(request, unit_id: int, payload: ArchiveStepIn):
    unit = _unit(request, unit_id)
    _expect(unit, payload.expected_status)
    return assembly.unit_reassemble(actor=request.user, unit=unit)
