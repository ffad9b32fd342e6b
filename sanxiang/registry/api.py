"""API router for coal mines and natural persons."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.org.models import Agency

from . import selectors, services
from .models import MineStatus, MineType

router = Router(tags=["监管对象"])


class MineOut(Schema):
    id: int
    name: str
    credit_code: str
    division_code: str
    address: str
    mine_type: MineType
    status: MineStatus
    licence_number: str
    licence_valid_until: datetime.date | None
    capacity_10kt: Decimal | None
    person_in_charge: str
    is_key: bool
    supervising_agency_id: int


class MineIn(InputSchema):
    name: str = Field(max_length=100)
    credit_code: str = Field(max_length=40)
    division_code: str = Field(max_length=6)
    address: str = Field(max_length=200)
    mine_type: MineType
    status: MineStatus
    licence_number: str = Field("", max_length=50)
    licence_valid_until: datetime.date | None = None
    capacity_10kt: Decimal | None = Field(None, ge=0, le=100000, decimal_places=1)
    person_in_charge: str = Field("", max_length=50)
    is_key: bool = False
    supervising_agency_id: int


class MinePatch(InputSchema):
    name: str | None = Field(None, max_length=100)
    credit_code: str | None = Field(None, max_length=40)
    division_code: str | None = Field(None, max_length=6)
    address: str | None = Field(None, max_length=200)
    mine_type: MineType | None = None
    status: MineStatus | None = None
    licence_number: str | None = Field(None, max_length=50)
    licence_valid_until: datetime.date | None = None
    capacity_10kt: Decimal | None = Field(None, ge=0, le=100000, decimal_places=1)
    person_in_charge: str | None = Field(None, max_length=50)
    is_key: bool | None = None
    supervising_agency_id: int | None = None


@router.get("/mines", response=list[MineOut], summary="煤矿列表")
@paginate(PageNumberPagination, page_size=50)
def list_mines(
    request, q: str = "", status: str = "", agency_id: int | None = None, is_key: bool | None = None
):
    return selectors.mine_list(
        user=request.user, q=q[:100], status=status[:20], agency_id=agency_id, is_key=is_key
    )


@router.get("/mines/{mine_id}", response=MineOut, summary="煤矿详情")
def get_mine(request, mine_id: int):
    return selectors.mine_get(user=request.user, pk=mine_id)


@router.post("/mines", response={201: MineOut}, summary="登记煤矿")
def create_mine(request, payload: MineIn):
    data = payload.dict()
    agency = resolve(
        Agency.objects.restrict(request.user),
        data.pop("supervising_agency_id"),
        "supervising_agency_id",
    )
    return Status(201, services.mine_create(actor=request.user, supervising_agency=agency, **data))


@router.patch("/mines/{mine_id}", response=MineOut, summary="修改煤矿信息")
def update_mine(request, mine_id: int, payload: MinePatch):
    mine = selectors.mine_get(user=request.user, pk=mine_id, action="change")
    data = payload.dict(exclude_unset=True)
    agency = resolve(
        Agency.objects.restrict(request.user),
        data.pop("supervising_agency_id", None),
        "supervising_agency_id",
    )
    return services.mine_update(actor=request.user, mine=mine, supervising_agency=agency, **data)


class PersonOut(Schema):
    """A person as the requesting user may see him: the ID number masked unless his role allows."""

    id: int
    name: str
    id_number: str
    phone: str
    employer_id: int | None
    job_title: str
    agency_id: int

    @staticmethod
    def resolve_id_number(obj, context):
        return selectors.person_id_number_for(context["request"].user, obj)


class PersonIn(InputSchema):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=40)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    employer_id: int | None = None
    job_title: str = Field("", max_length=50)
    agency_id: int


class PersonPatch(InputSchema):
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=200)
    employer_id: int | None = None
    job_title: str | None = Field(None, max_length=50)


@router.get("/persons", response=list[PersonOut], summary="自然人列表")
@paginate(PageNumberPagination, page_size=50)
def list_persons(request, q: str = ""):
    return selectors.person_list(user=request.user, q=q[:50])


@router.get("/persons/{person_id}", response=PersonOut, summary="自然人详情")
def get_person(request, person_id: int):
    return selectors.person_get(user=request.user, pk=person_id)


@router.post("/persons", response={201: PersonOut}, summary="登记自然人")
def create_person(request, payload: PersonIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    employer = resolve(
        selectors.mine_list(user=request.user), data.pop("employer_id"), "employer_id"
    )
    return Status(
        201, services.person_create(actor=request.user, agency=agency, employer=employer, **data)
    )


@router.patch("/persons/{person_id}", response=PersonOut, summary="修改自然人信息")
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.person_get(user=request.user, pk=person_id, action="change")
    data = payload.dict(exclude_unset=True)
    if "employer_id" in data:
        data["employer"] = resolve(
            selectors.mine_list(user=request.user), data.pop("employer_id"), "employer_id"
        )
    return services.person_update(actor=request.user, person=person, **data)
