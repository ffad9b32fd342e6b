"""API of 移交 (ADR 0135): three POSTs that answer with the package as ``application/x-tar``.

A failed 四性检测 is a 409 problem whose ``errors`` name each failure (the run is stored); a role
that may not export is 403; what the user cannot see is 404 (ADR 0065). Mounted at /api/archive/
beside the archive's router (``sanxiang/api/api.py``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Field, Router

from sanxiang.api.problems import problem
from sanxiang.api.schemas import InputSchema
from sanxiang.org.models import Agency
from sanxiang.registry import selectors as registry_selectors

from . import export, selectors
from .export import ExportRefused
from .export_views import tar_response

router = Router(tags=["执法档案"])

TAR = {
    "responses": {
        200: {
            "description": "移交包：一个未压缩的 POSIX tar，内含一个 BagIt 包",
            "content": {"application/x-tar": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class ArchiveExportIn(InputSchema):
    recipient: str = Field("", max_length=100, description="接收单位（可不填），记入账本")


class ArchiveAgencyYearExportIn(ArchiveExportIn):
    agency_id: int = Field(ge=1)
    year: int = Field(ge=1900, le=9999)


def _answer(request, call):
    try:
        return tar_response(call())
    except ExportRefused as exc:
        errors = [{"field": "check", "message": reason} for reason in exc.reasons[:50]]
        from sanxiang.api.api import api

        return problem(request, api, 409, "四性检测未通过，不能移交", errors)


@router.post("/units/{unit_id}/export", summary="移交案卷（BagIt 包，tar）", openapi_extra=TAR)
def export_unit(request, unit_id: int, payload: ArchiveExportIn):
    unit = get_object_or_404(selectors.unit_list(user=request.user), pk=unit_id)
    return _answer(
        request,
        lambda: export.export_unit(actor=request.user, unit=unit, recipient=payload.recipient),
    )


@router.post("/mines/{mine_id}/export", summary="移交一矿一档（BagIt 包，tar）", openapi_extra=TAR)
def export_mine_file(request, mine_id: int, payload: ArchiveExportIn):
    mine = registry_selectors.mine_get(user=request.user, pk=mine_id)
    return _answer(
        request,
        lambda: export.export_mine_file(actor=request.user, mine=mine, recipient=payload.recipient),
    )


@router.post("/exports/agency-year", summary="移交某单位某年度的全部案卷", openapi_extra=TAR)
def export_agency_year(request, payload: ArchiveAgencyYearExportIn):
    agency = get_object_or_404(Agency.objects.restrict(request.user), pk=payload.agency_id)
    return _answer(
        request,
        lambda: export.export_agency_year(
            actor=request.user, agency=agency, year=payload.year, recipient=payload.recipient
        ),
    )
