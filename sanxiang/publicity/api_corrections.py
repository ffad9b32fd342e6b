"""API router for error reports on published results (GS-POST-2, ADR 0157): the public submits
(no login, the same hourly limits as the portal form, 429 beyond), staff list and answer."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from sanxiang.api.schemas import InputSchema

from . import corrections
from .models import ErrorReport, ReporterKind

router = Router(tags=["公示信息纠错"])


class ErrorReportPublicOut(Schema):
    number: str
    status: str
    status_label: str = Field(alias="get_status_display")
    reply: str
    created_at: datetime.datetime
    corrected_at: datetime.datetime | None


class ErrorReportOut(ErrorReportPublicOut):
    id: int
    publication_id: int
    version_number: int
    reporter_kind: str
    field_label: str
    description: str
    answered_at: datetime.datetime | None
    corrected_version: int | None


class ErrorReportIn(InputSchema):
    reporter_kind: str = Field(
        ReporterKind.VISITOR, description="visitor（社会公众）或 party（当事人）"
    )
    field_label: str = Field("", max_length=60, description="有误的内容（公示项目名称）")
    description: str = Field(max_length=corrections.MAX_DESCRIPTION)


class ErrorAnswerIn(InputSchema):
    correct: bool = Field(description="true：确有错误，启动更正（新版本）；false：经核实无误")
    reply: str = Field(max_length=2000)


@router.post(
    "/results/{publication_id}/error-reports",
    response={201: ErrorReportPublicOut},
    auth=None,
    summary="提交公示信息纠错反馈（公众）",
)
def error_report_submit(request, publication_id: int, payload: ErrorReportIn):
    try:
        report = corrections.error_report_submit(
            publication_id=publication_id,
            address=request.META.get("REMOTE_ADDR", ""),
            **payload.dict(),
        )
    except corrections.TooManyReports:
        raise HttpError(429, "提交过于频繁，请稍后再试。") from None
    return Status(201, report)


@router.get(
    "/error-reports/by-number/{number}",
    response=ErrorReportPublicOut,
    auth=None,
    summary="查询纠错反馈办理情况（公众）",
)
def error_report_status(request, number: str):
    report = corrections.public_status(number)
    if report is None:
        raise HttpError(404, "没有该反馈编号。")
    return report


@router.get("/error-reports", response=list[ErrorReportOut], summary="纠错反馈列表")
def error_report_list(request):
    return list(ErrorReport.objects.restrict(request.user)[:200])


@router.post("/error-reports/{report_id}/answer", response=ErrorReportOut, summary="答复纠错反馈")
def error_report_answer(request, report_id: int, payload: ErrorAnswerIn):
    report = get_object_or_404(ErrorReport.objects.restrict(request.user), pk=report_id)
    return corrections.error_report_answer(actor=request.user, report=report, **payload.dict())
