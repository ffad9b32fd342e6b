"""API router for catalogs: versions and their workflow, items, compendium search, classification."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.org.models import Agency

from . import selectors, services
from .exporters import content_rows, json_ready
from .kinds import rows_from_db, spec_for
from .major import DecisionFacts, MeasureKind, PartyKind, classify
from .models import CatalogKind
from .workflow import VersionStatus

router = Router(tags=["执法目录"])
MONEY_MAX = Decimal("100000000000")


class VersionOut(Schema):
    id: int
    agency_id: int
    kind: CatalogKind
    number: int
    title: str
    change_note: str
    effective_from: datetime.date
    status: VersionStatus
    is_sample: bool
    based_on_id: int | None
    content_digest: str
    return_reason: str
    published_at: datetime.datetime | None


class VersionIn(InputSchema):
    agency_id: int
    kind: CatalogKind
    effective_from: datetime.date
    title: str = Field(max_length=200)
    change_note: str = Field("", max_length=2000)


class TransitionIn(InputSchema):
    action: Literal["submit", "return", "review", "approve", "publish", "revoke"]
    reason: str = Field("", max_length=500)


@router.get("/versions", response=list[VersionOut], summary="目录版本列表")
@paginate(PageNumberPagination, page_size=50)
def list_versions(request, kind: str = "", agency_id: int | None = None, status: str = ""):
    return selectors.version_list(
        user=request.user, kind=kind[:30], agency_id=agency_id, status=status[:20]
    )


@router.get("/versions/{version_id}", response=VersionOut, summary="目录版本详情")
def get_version(request, version_id: int):
    return selectors.version_get(user=request.user, pk=version_id)


@router.get("/versions/{version_id}/items", response=list[dict[str, Any]], summary="目录版本的条目")
def list_items(request, version_id: int):
    version = selectors.version_get(user=request.user, pk=version_id)
    spec = spec_for(version.kind)
    return json_ready(content_rows(spec, rows_from_db(spec, version)))


@router.post("/versions", response={201: VersionOut}, summary="新建目录版本（草稿）")
def create_version(request, payload: VersionIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    return Status(201, services.catalog_version_create(actor=request.user, agency=agency, **data))


@router.post(
    "/versions/{version_id}/transitions",
    response=VersionOut,
    summary="办理目录审核发布流程（提交、退回、审核、批准、公布、撤回）",
)
def transition_version(request, version_id: int, payload: TransitionIn):
    version = selectors.version_get(user=request.user, pk=version_id)
    return services.catalog_version_transition(
        actor=request.user, version=version, action=payload.action, reason=payload.reason
    )


class BenchmarkOut(Schema):
    severity: str
    circumstance: str
    party_scope: str
    fine_min: Decimal | None
    fine_max: Decimal | None
    measure: str


class ViolationOut(Schema):
    id: int
    code: str
    kind: str
    specialty: str
    description: str
    violated_provision: str
    penalty_provision: str
    keywords: str
    benchmarks: list[BenchmarkOut]

    @staticmethod
    def resolve_benchmarks(obj):
        return list(obj.benchmarks.all())


@router.get("/compendium", response=list[ViolationOut], summary="查询违法违规行为描述")
@paginate(PageNumberPagination, page_size=50)
def search_compendium(request, q: str = "", agency_id: int | None = None):
    agency = (
        Agency.objects.restrict(request.user).filter(pk=agency_id).first()
        if agency_id
        else request.user.agency
    )
    if agency is None:
        return []
    return selectors.compendium_search(agency=agency, q=q[:50])


class ClassifyIn(InputSchema):
    agency_id: int
    party_kind: PartyKind
    fine_amount: Decimal = Field(Decimal(0), ge=0, le=MONEY_MAX, decimal_places=2)
    confiscation_value: Decimal = Field(Decimal(0), ge=0, le=MONEY_MAX, decimal_places=2)
    measures: list[MeasureKind] = Field(default_factory=list, max_length=20)
    after_hearing: bool = False
    complex_case: bool = False
    court_enforcement: bool = False
    circumstances: list[str] = Field(default_factory=list, max_length=20)


class MatchOut(Schema):
    code: str
    title: str
    reason: str
    statutory: bool


class ClassifyOut(Schema):
    major: bool
    matches: list[MatchOut]


@router.post("/major-decisions/classify", response=ClassifyOut, summary="认定是否属于重大执法决定")
def classify_decision(request, payload: ClassifyIn):
    agency = resolve(Agency.objects.restrict(request.user), payload.agency_id, "agency_id")
    facts = DecisionFacts(
        party_kind=payload.party_kind,
        fine_amount=payload.fine_amount,
        confiscation_value=payload.confiscation_value,
        measures=frozenset(payload.measures),
        after_hearing=payload.after_hearing,
        complex_case=payload.complex_case,
        court_enforcement=payload.court_enforcement,
        circumstances=frozenset(c[:50] for c in payload.circumstances),
    )
    matches = classify(facts, selectors.major_items_for(agency=agency))
    return {"major": bool(matches), "matches": matches}
