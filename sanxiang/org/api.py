"""API router for agencies, staff, certificates and legal advisers."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema

from . import privileges, second_factor, selectors, services
from .models import Agency, AgencyLevel, CertificateStatus, PrivilegeKind, PrivilegeState
from .roles import Role

router = Router(tags=["机构与人员"])


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    level: AgencyLevel
    parent_id: int | None
    credit_code: str
    enforcement_scope: str
    division_code: str
    address: str
    phone: str
    is_active: bool


class AgencyIn(InputSchema):
    name: str = Field(max_length=100)
    short_name: str = Field(max_length=20)
    level: AgencyLevel
    parent_id: int | None = None
    credit_code: str = Field(max_length=40)
    enforcement_scope: str = ""
    division_code: str = Field("", max_length=6)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)


class AgencyPatch(InputSchema):
    name: str | None = Field(None, max_length=100)
    short_name: str | None = Field(None, max_length=20)
    credit_code: str | None = Field(None, max_length=40)
    enforcement_scope: str | None = None
    division_code: str | None = Field(None, max_length=6)
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    is_active: bool | None = None


@router.get("/agencies", response=list[AgencyOut], summary="执法机构列表")
@paginate(PageNumberPagination, page_size=50)
def list_agencies(request, q: str = "", level: str = ""):
    return selectors.agency_list(user=request.user, q=q[:100], level=level[:20])


@router.get("/agencies/{agency_id}", response=AgencyOut, summary="执法机构详情")
def get_agency(request, agency_id: int):
    return selectors.agency_get(user=request.user, pk=agency_id)


@router.post("/agencies", response={201: AgencyOut}, summary="新增执法机构")
def create_agency(request, payload: AgencyIn):
    data = payload.dict()
    parent = resolve(Agency.objects.restrict(request.user), data.pop("parent_id"), "parent_id")
    return Status(201, services.agency_create(actor=request.user, parent=parent, **data))


@router.patch("/agencies/{agency_id}", response=AgencyOut, summary="修改执法机构")
def update_agency(request, agency_id: int, payload: AgencyPatch):
    agency = selectors.agency_get(user=request.user, pk=agency_id, action="change")
    return services.agency_update(
        actor=request.user, agency=agency, **payload.dict(exclude_unset=True)
    )


class StaffOut(Schema):
    id: int
    username: str
    full_name: str
    agency_id: int | None
    position: str
    roles: list[Role]
    is_active: bool
    pending_request_id: int | None = Field(
        None, description="本次请求中须经负责人批准的部分（授予角色、重置密码）所生成的申请"
    )

    @staticmethod
    def resolve_roles(obj):
        return sorted(obj.role_codes)

    @staticmethod
    def resolve_pending_request_id(obj):
        pending = getattr(obj, "pending_request", None)
        return pending.pk if pending is not None else None


class StaffIn(InputSchema):
    username: str = Field(max_length=150)
    full_name: str = Field(max_length=50)
    agency_id: int
    roles: list[Role]
    password: str = Field(max_length=128)
    position: str = Field("", max_length=50)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    has_legal_qualification: bool = False


class StaffPatch(InputSchema):
    full_name: str | None = Field(None, max_length=50)
    position: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    has_legal_qualification: bool | None = None
    is_active: bool | None = None
    roles: list[Role] | None = None


@router.get("/staff", response=list[StaffOut], summary="工作人员列表")
@paginate(PageNumberPagination, page_size=50)
def list_staff(request, q: str = "", role: str = "", agency_id: int | None = None):
    return selectors.staff_list(user=request.user, q=q[:100], role=role[:30], agency_id=agency_id)


@router.get("/staff/{staff_id}", response=StaffOut, summary="工作人员详情")
def get_staff(request, staff_id: int):
    return selectors.staff_get(user=request.user, pk=staff_id)


@router.post("/staff", response={201: StaffOut}, summary="新增工作人员")
def create_staff(request, payload: StaffIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    return Status(201, services.staff_create(actor=request.user, agency=agency, **data))


@router.patch("/staff/{staff_id}", response=StaffOut, summary="修改工作人员")
def update_staff(request, staff_id: int, payload: StaffPatch):
    staff = selectors.staff_get(user=request.user, pk=staff_id, action="change")
    return services.staff_update(
        actor=request.user, staff=staff, **payload.dict(exclude_unset=True)
    )


class CertificateOut(Schema):
    id: int
    number: str
    holder_id: int
    holder_name: str = Field(alias="holder.full_name")
    issuing_authority: str
    issued_on: datetime.date
    expires_on: datetime.date
    status: CertificateStatus
    validity: str


class CertificateIn(InputSchema):
    holder_id: int
    number: str = Field(max_length=30)
    issuing_authority: str = Field(max_length=100)
    issued_on: datetime.date
    expires_on: datetime.date


class CertificateStatusIn(InputSchema):
    status: CertificateStatus
    reason: str = Field("", max_length=200)


@router.get("/certificates", response=list[CertificateOut], summary="执法证列表")
@paginate(PageNumberPagination, page_size=50)
def list_certificates(request, q: str = "", validity: str = ""):
    return selectors.certificate_list(user=request.user, q=q[:100], validity=validity[:20])


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="执法证详情")
def get_certificate(request, certificate_id: int):
    return get_object_or_404(selectors.certificate_list(user=request.user), pk=certificate_id)


@router.post("/certificates", response={201: CertificateOut}, summary="登记执法证")
def issue_certificate(request, payload: CertificateIn):
    data = payload.dict()
    holder = resolve(selectors.staff_list(user=request.user), data.pop("holder_id"), "holder_id")
    return Status(201, services.certificate_issue(actor=request.user, holder=holder, **data))


@router.post(
    "/certificates/{certificate_id}/status", response=CertificateOut, summary="变更执法证状态"
)
def set_certificate_status(request, certificate_id: int, payload: CertificateStatusIn):
    certificate = get_object_or_404(
        selectors.certificate_list(user=request.user), pk=certificate_id
    )
    return services.certificate_set_status(
        actor=request.user, certificate=certificate, status=payload.status, reason=payload.reason
    )


class AdviserOut(Schema):
    id: int
    name: str
    kind: str
    agency_id: int
    organisation: str
    specialties: str
    shared_pool: bool


class AdviserIn(InputSchema):
    name: str = Field(max_length=50)
    kind: str = Field(max_length=20)
    agency_id: int
    organisation: str = Field("", max_length=100)
    licence_number: str = Field("", max_length=40)
    specialties: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    shared_pool: bool = False
    engaged_from: datetime.date | None = None
    engaged_until: datetime.date | None = None


@router.get("/advisers", response=list[AdviserOut], summary="法律顾问列表")
@paginate(PageNumberPagination, page_size=50)
def list_advisers(request, q: str = ""):
    return selectors.adviser_list(user=request.user, q=q[:100])


@router.post("/advisers", response={201: AdviserOut}, summary="登记法律顾问")
def create_adviser(request, payload: AdviserIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    return Status(201, services.adviser_create(actor=request.user, agency=agency, **data))


class PrivilegeRequestOut(Schema):
    id: int
    staff_id: int
    kind: PrivilegeKind
    roles: list[Role]
    state: PrivilegeState
    requested_by_id: int
    requested_at: datetime.datetime
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    reason: str


class PrivilegeApproveIn(InputSchema):
    opinion: str = Field(min_length=1, max_length=200, description="审批意见，如“同意”")


class PrivilegeRejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200, description="驳回理由")


class SecondFactorResetIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200, description="重置理由，如“手机遗失”")


@router.get(
    "/privilege-requests", response=list[PrivilegeRequestOut], summary="账号权限变更申请列表"
)
@paginate(PageNumberPagination, page_size=50)
def list_privilege_requests(request, state: str = ""):
    state = state if state in PrivilegeState.values else ""
    return selectors.privilege_request_list(user=request.user, state=state)


@router.post(
    "/privilege-requests/{privilege_request_id}/approve",
    response=PrivilegeRequestOut,
    summary="批准账号权限变更（负责人，须动态口令确认）",
)
def approve_privilege_request(request, privilege_request_id: int, payload: PrivilegeApproveIn):
    item = selectors.privilege_request_get(user=request.user, pk=privilege_request_id)
    return privileges.privilege_request_approve(
        actor=request.user, request=item, opinion=payload.opinion
    )


@router.post(
    "/privilege-requests/{privilege_request_id}/reject",
    response=PrivilegeRequestOut,
    summary="驳回账号权限变更（负责人，须动态口令确认）",
)
def reject_privilege_request(request, privilege_request_id: int, payload: PrivilegeRejectIn):
    item = selectors.privilege_request_get(user=request.user, pk=privilege_request_id)
    return privileges.privilege_request_reject(
        actor=request.user, request=item, reason=payload.reason
    )


class SecondFactorResetOut(Schema):
    done: bool = Field(description="已立即重置；为否时须等负责人批准")
    pending_request_id: int | None = None


@router.post(
    "/staff/{staff_id}/second-factor/reset",
    response=SecondFactorResetOut,
    summary="重置动态口令（特权账号须负责人批准）",
)
def reset_second_factor(request, staff_id: int, payload: SecondFactorResetIn):
    staff = selectors.staff_get(user=request.user, pk=staff_id, action="change")
    pending = second_factor.second_factor_reset(
        actor=request.user, staff=staff, reason=payload.reason
    )
    return {"done": pending is None, "pending_request_id": pending.pk if pending else None}
