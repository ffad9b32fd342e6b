"""API router for the annual target assessment (BZ-5). Approving and reporting need a fresh
second factor (step-up, ADR 0071): a session with one, never a bearer token."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.schemas import InputSchema

from .assessment import selectors, services
from .models_notices import AssessmentStatus

router = Router(tags=["年度目标考核"])


class AssessmentLineOut(Schema):
    code: str
    label: str
    manual: bool
    weight: Decimal
    rate: Decimal | None
    score: Decimal
    basis: str
    note: str


class AssessmentSheetOut(Schema):
    id: int
    agency_id: int
    year: int
    status: AssessmentStatus
    weights_version: str
    total: Decimal
    computed_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None
    lines: list[AssessmentLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class AssessmentSheetIn(InputSchema):
    year: int = Field(ge=2000, le=2100)


class AssessmentScoreIn(InputSchema):
    code: str = Field(max_length=40)
    score: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    note: str = Field(max_length=300)


class AssessmentStepIn(InputSchema):
    confirm: bool = Field(description="确认")


@router.get("/assessment/sheets", response=list[AssessmentSheetOut], summary="年度目标考核表")
@paginate(PageNumberPagination, page_size=50)
def list_sheets(request):
    return selectors.sheet_list(user=request.user)


@router.get("/assessment/sheets/{sheet_id}", response=AssessmentSheetOut, summary="考核表详情")
def get_sheet(request, sheet_id: int):
    return selectors.sheet_get(user=request.user, pk=sheet_id)


@router.post(
    "/assessment/sheets", response={201: AssessmentSheetOut}, summary="计算本单位年度考核表"
)
def compute_sheet(request, payload: AssessmentSheetIn):
    return Status(
        201,
        services.assessment_compute(
            actor=request.user, agency=request.user.agency, year=payload.year
        ),
    )


@router.post("/assessment/sheets/{sheet_id}/score", response=AssessmentSheetOut, summary="人工评分")
def score_sheet(request, sheet_id: int, payload: AssessmentScoreIn):
    sheet = selectors.sheet_get(user=request.user, pk=sheet_id)
    return services.assessment_manual_score(actor=request.user, sheet=sheet, **payload.dict())


@router.post(
    "/assessment/sheets/{sheet_id}/approve", response=AssessmentSheetOut, summary="批准考核表"
)
def approve_sheet(request, sheet_id: int, payload: AssessmentStepIn):
    sheet = selectors.sheet_get(user=request.user, pk=sheet_id)
    return services.assessment_approve(actor=request.user, sheet=sheet)


@router.post(
    "/assessment/sheets/{sheet_id}/publish", response=AssessmentSheetOut, summary="报送上级"
)
def publish_sheet(request, sheet_id: int, payload: AssessmentStepIn):
    sheet = selectors.sheet_get(user=request.user, pk=sheet_id)
    return services.assessment_publish(actor=request.user, sheet=sheet)
