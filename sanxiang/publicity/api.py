"""API of result publication: the public read-only results (no login, paged) and the staff
pipeline (list, detail, confirm, review, return, approve, withdraw)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.schemas import InputSchema

from . import public, search, selectors, services
from .models import WithdrawalReason

router = Router(tags=["执法结果公示"])

CategoryCode = Literal["penalty", "licensing", "inspection", "coercive", "other"]


class ResultOut(Schema):
    id: int
    category: str
    category_label: str
    agency: str
    party_name: str
    document_number: str
    kind_text: str
    outcome: str
    decision_date: datetime.date
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/public/results/{obj.id}/"


class ResultPage(Schema):
    count: int
    capped: bool = Field(description="count 达到上限（1000）时为 true")
    page: int
    num_pages: int
    ignored: list[str] = Field(description="未检索的单字（请输入两个或两个以上的字）")
    items: list[ResultOut]


class ResultFilters(Schema):
    q: str = Field(
        "", max_length=100, description="关键词（当事人、文号、违法行为类型、事实），两个汉字即可"
    )
    category: CategoryCode | None = None
    agency: int | None = Field(None, ge=1, le=10**9)
    region: str = Field("", pattern=r"^(\d{2}|\d{4}|\d{6})?$")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    page: int = Field(1, ge=1, le=10**6)


@router.get("/results", response=ResultPage, auth=None, summary="已公示的执法结果（公开，分页）")
def list_results(request, filters: Query[ResultFilters]):
    query = search.SearchQuery(
        q=filters.q,
        category=filters.category or "",
        agency_id=filters.agency,
        region=filters.region,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    result = public.result_search(query, page=filters.page)
    return {
        "count": result.total,
        "capped": result.capped,
        "page": result.page,
        "num_pages": result.num_pages,
        "ignored": query.ignored,
        "items": result.hits,
    }


class FieldOut(Schema):
    key: str
    label: str
    value: str


class TombstoneOut(Schema):
    kind: str
    when: datetime.datetime | None = None
    reason_kind: str = Field("", description="撤下事由代码（WithdrawalReason）")
    reason_kind_label: str = Field("", description="撤下事由")
    reason: str = ""
    basis: str = ""
    approved_by: str = ""


class ResultDetailOut(Schema):
    id: int
    category: str
    category_label: str
    agency: str
    state: str
    version: int
    decision_date: datetime.date
    published_at: datetime.datetime
    document_number: str
    fields: list[FieldOut]
    withheld: list[dict]
    tombstone: TombstoneOut | None


@router.get(
    "/results/{result_id}",
    response=ResultDetailOut,
    auth=None,
    summary="一条已公示的执法结果（或其撤下说明）",
)
def get_result(request, result_id: int):
    return public.result_get(result_id)


class PublicationOut(Schema):
    id: int
    agency_id: int
    category: str
    status: str
    title: str
    decided_on: datetime.date
    due_on: datetime.date
    due_provisional: bool
    revision: int
    live_version: int | None = None
    publicity_until: datetime.date | None
    withdrawal_due: datetime.date | None
    withdrawal_reason_kind: str = Field(description="撤下事由代码（WithdrawalReason）")
    withdrawal_reason_kind_label: str = Field(description="撤下事由")
    withdrawal_reason: str

    @staticmethod
    def resolve_withdrawal_reason_kind_label(obj) -> str:
        return str(obj.get_withdrawal_reason_kind_display()) if obj.withdrawal_reason_kind else ""

    @staticmethod
    def resolve_live_version(obj) -> int | None:
        return obj.live_version.number if obj.live_version_id else None


@router.get("/publications", response=list[PublicationOut], summary="结果公示（工作人员）")
@paginate(PageNumberPagination, page_size=50)
def list_publications(request, status: str = "", category: str = "", due: str = ""):
    return selectors.publication_list(
        user=request.user, status=status[:30], category=category[:20], due=due[:30]
    )


@router.get(
    "/publications/{publication_id}", response=PublicationOut, summary="结果公示详情（工作人员）"
)
def get_publication(request, publication_id: int):
    return get_object_or_404(selectors.publication_list(user=request.user), pk=publication_id)


def _publication(request, publication_id: int):
    return get_object_or_404(selectors.publication_list(user=request.user), pk=publication_id)


class PublicationConfirmIn(InputSchema):
    confirmed: bool = Field(description="核对原文与公开文本后确认（须为 true）")
    note: str = Field("", max_length=300)


class PublicationOpinionIn(InputSchema):
    opinion: str = Field("", max_length=500)


class PublicationReasonIn(InputSchema):
    reason: str = Field(max_length=500)


class WithdrawIn(InputSchema):
    reason_kind: WithdrawalReason
    reason: str = Field(max_length=500)
    revoked_on: datetime.date | None = None
    basis: str = Field("", max_length=200)


@router.post(
    "/publications/{publication_id}/confirm", response=PublicationOut, summary="确认区分处理"
)
def confirm_publication(request, publication_id: int, payload: PublicationConfirmIn):
    return services.publication_confirm(
        actor=request.user, publication=_publication(request, publication_id), **payload.dict()
    )


@router.post("/publications/{publication_id}/review", response=PublicationOut, summary="审查通过")
def review_publication(request, publication_id: int, payload: PublicationOpinionIn):
    return services.publication_review(
        actor=request.user, publication=_publication(request, publication_id), **payload.dict()
    )


@router.post("/publications/{publication_id}/return", response=PublicationOut, summary="退回修改")
def return_publication(request, publication_id: int, payload: PublicationReasonIn):
    return services.publication_return(
        actor=request.user, publication=_publication(request, publication_id), **payload.dict()
    )


@router.post(
    "/publications/{publication_id}/approve", response=PublicationOut, summary="负责人批准并公布"
)
def approve_publication(request, publication_id: int, payload: PublicationOpinionIn):
    return services.publication_approve(
        actor=request.user, publication=_publication(request, publication_id), **payload.dict()
    )


@router.post(
    "/publications/{publication_id}/withdraw", response=PublicationOut, summary="撤下（负责人）"
)
def withdraw_publication(request, publication_id: int, payload: WithdrawIn):
    return services.publication_withdraw(
        actor=request.user, publication=_publication(request, publication_id), **payload.dict()
    )
