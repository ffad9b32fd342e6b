"""API router for the procedure branches of a case (ADR 0205): simple procedure, evidence
preservation, sealing, payment deferral, recusal, case time-limit extension."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema

from . import branches, selectors
from .models import Case, CaseBranch

router = Router(tags=["程序分支"])


def _case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.case_list(user=request.user), pk=case_id)


class CaseBranchOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    started_on: datetime.date
    due_on: datetime.date | None
    extended: bool
    late: bool
    subject: str
    document_number: str | None

    @staticmethod
    def resolve_document_number(obj) -> str | None:
        return obj.document.number.text if obj.document_id else None


class ItemIn(InputSchema):
    """One item of a list (先行登记保存、查封（扣押）、抽样取证), as the national formats print it."""

    name: str = Field(max_length=200, description="名称")
    specification: str = Field("", max_length=200, description="规格型号")
    quantity: str = Field(max_length=200, description="数量（含单位）")
    place: str = Field("", max_length=200, description="地点（保存、所在或抽样地点）")


class CaseBranchStartIn(InputSchema):
    kind: str = Field(
        description="simple（当场处罚）、preservation（先行登记保存）、sealing（查封扣押）、"
        "deferral（暂缓或分期缴纳）、recusal（回避）、extension（延长办案期限）"
    )
    subject: str = Field(max_length=500, description="事项：物品清单、申请理由或决定内容")
    started_on: datetime.date | None = None
    penalty_kind: str = Field("", description="当场处罚：warning 或 fine")
    amount: Decimal | None = Field(None, description="当场罚款金额（元）")
    major: bool = Field(False, description="查封（扣押）属于重大执法决定")
    review_reference: str = Field("", max_length=100, description="法制审核意见书文号")
    items: list[ItemIn] = Field(
        [], max_length=50, description="先行登记保存、查封（扣押）：物品清单（必填）"
    )
    basis: str = Field("", max_length=300, description="查封（扣押）的法律依据（必填）")
    officer_id: int | None = Field(None, description="申请回避的执法人员（本案承办人员）")
    made_on_site_at: datetime.datetime | None = Field(
        None, description="当场处罚：现场制作时间（带时区），返回后签章的填写（ADR 0226）"
    )


class CaseBranchStepIn(InputSchema):
    action: str = Field(
        description="report_record、handle、extend、release、grant、refuse、decide（见流程表）"
    )
    note: str = Field("", max_length=2000)
    on: datetime.date | None = None
    granted: bool = False
    handling: list[str] = Field(
        [], max_length=50, description="先行登记保存处理决定：逐项处理意见（各项相同时一项）"
    )


@router.get("/cases/{case_id}/branches", response=list[CaseBranchOut], summary="案件的程序分支")
def branch_list(request, case_id: int):
    return list(_case(request, case_id).branches.select_related("document__number"))


@router.post("/cases/{case_id}/branches", response={201: CaseBranchOut}, summary="启动程序分支")
def branch_start(request, case_id: int, payload: CaseBranchStartIn):
    case = _case(request, case_id)
    data = payload.dict()
    officer_id = data.pop("officer_id")
    if officer_id is not None:
        officer = case.officers.filter(pk=officer_id).first()
        if officer is None:
            raise ValidationError({"officer_id": ["请选择本案承办人员。"]})
        data["officer"] = officer
    return Status(201, branches.branch_start(actor=request.user, case=case, **data))


@router.post("/branches/{branch_id}/steps", response=CaseBranchOut, summary="程序分支的下一步")
def branch_step(request, branch_id: int, payload: CaseBranchStepIn):
    branch = get_object_or_404(CaseBranch.objects.restrict(request.user), pk=branch_id)
    data = payload.dict()
    if data["on"] is None:
        data.pop("on")
    return branches.branch_step(actor=request.user, branch=branch, **data)
