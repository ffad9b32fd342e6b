"""API router for evidence metadata, devices and retrieval approval.

File bytes are not JSON: uploads use the tus endpoints (``/evidence/tus/``) and playback the
range-serving views, both outside this API and its OpenAPI schema.
"""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.org.models import Agency, Staff

from . import selectors, services
from .models import Activity, Confidentiality, MediaKind, RetrievalScope, RetrievalStatus

router = Router(tags=["音像证据"])


class DeviceOut(Schema):
    id: int
    serial_number: str
    model_name: str
    agency_id: int
    explosion_proof: bool
    mine_safety_certificate: str
    mine_safety_valid_until: datetime.date | None
    underground_ready: bool
    is_active: bool

    @staticmethod
    def resolve_underground_ready(obj):
        return obj.underground_ready_on()


class DeviceIn(InputSchema):
    serial_number: str = Field(max_length=60)
    model_name: str = Field(max_length=100)
    agency_id: int
    explosion_proof: bool = False
    mine_safety_certificate: str = Field("", max_length=60)
    mine_safety_valid_until: datetime.date | None = None
    keeper_id: int | None = None


class DevicePatch(InputSchema):
    model_name: str | None = Field(None, max_length=100)
    explosion_proof: bool | None = None
    mine_safety_certificate: str | None = Field(None, max_length=60)
    mine_safety_valid_until: datetime.date | None = None
    is_active: bool | None = None


@router.get("/devices", response=list[DeviceOut], summary="执法记录仪列表")
@paginate(PageNumberPagination, page_size=50)
def list_devices(request, q: str = ""):
    return selectors.device_list(user=request.user, q=q[:100])


@router.post("/devices", response={201: DeviceOut}, summary="登记执法记录仪")
def register_device(request, payload: DeviceIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    keeper = resolve(Staff.objects.restrict(request.user), data.pop("keeper_id"), "keeper_id")
    return Status(
        201, services.device_register(actor=request.user, agency=agency, keeper=keeper, **data)
    )


@router.patch("/devices/{device_id}", response=DeviceOut, summary="修改执法记录仪")
def update_device(request, device_id: int, payload: DevicePatch):
    device = selectors.device_get(user=request.user, pk=device_id, action="change")
    return services.device_update(
        actor=request.user, device=device, **payload.dict(exclude_unset=True)
    )


class RecordingOut(Schema):
    id: int
    number: str
    title: str
    media_kind: MediaKind
    activity: str
    agency_id: int
    device_id: int | None
    officer_ids: list[int]
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    location: str
    underground: bool
    subject_type: str
    subject_id: str
    stage: str
    confidentiality: Confidentiality
    custodian_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_officer_ids(obj):
        return sorted(obj.officers.values_list("pk", flat=True))

    @staticmethod
    def resolve_title(obj, context):
        return selectors.recording_shown(context["request"].user, obj).title

    @staticmethod
    def resolve_original_name(obj, context):
        return selectors.recording_shown(context["request"].user, obj).original_name


class RecordingPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    activity: Activity | None = None
    subject: str | None = Field(
        None, max_length=100, description="类型:编号，如 registry.coalmine:12"
    )
    stage: str | None = Field(None, max_length=60)
    device: str | None = Field(None, max_length=60, description="设备序列号")
    started_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    location: str | None = Field(None, max_length=200)
    underground: bool | None = None
    officers: list[str] | None = Field(None, description="执法人员登录名")
    notes: str | None = Field(None, max_length=2000)


class CustodianIn(InputSchema):
    custodian_id: int


@router.get("/recordings", response=list[RecordingOut], summary="音像记录列表")
@paginate(PageNumberPagination, page_size=50)
def list_recordings(request, q: str = "", activity: str = "", kind: str = ""):
    return selectors.recording_list(
        user=request.user, q=q[:100], activity=activity[:30], media_kind=kind[:10]
    ).prefetch_related("officers")


@router.get("/recordings/{recording_id}", response=RecordingOut, summary="音像记录详情")
def get_recording(request, recording_id: int):
    return selectors.recording_get(user=request.user, pk=recording_id)


@router.patch("/recordings/{recording_id}", response=RecordingOut, summary="修改音像记录信息")
def update_recording(request, recording_id: int, payload: RecordingPatch):
    recording = selectors.recording_get(user=request.user, pk=recording_id)
    changes = payload.dict(exclude_unset=True)
    if "officers" in changes:
        changes["officers"] = ",".join(changes["officers"] or [])
    if "activity" in changes and changes["activity"] is None:
        changes["activity"] = ""
    return services.recording_update(actor=request.user, recording=recording, **changes)


@router.post(
    "/recordings/{recording_id}/custodian", response=RecordingOut, summary="指定音像记录保管人"
)
def assign_custodian(request, recording_id: int, payload: CustodianIn):
    recording = selectors.recording_get(user=request.user, pk=recording_id)
    custodian = resolve(Staff.objects.restrict(request.user), payload.custodian_id, "custodian_id")
    return services.recording_assign_custodian(
        actor=request.user, recording=recording, custodian=custodian
    )


class RetrievalOut(Schema):
    id: int
    recording_id: int
    requester_id: int
    purpose: str
    scope: RetrievalScope
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    status: RetrievalStatus
    active: bool
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_recording_id(obj):
        return obj.requested_id

    @staticmethod
    def resolve_active(obj):
        return obj.is_active_at()


class RetrievalIn(InputSchema):
    recording_id: int = Field(
        ge=1, le=services.MAX_RECORD_NUMBER, description="音像记录编号（YX 后的数字）"
    )
    purpose: str = Field(max_length=300)
    scope: RetrievalScope
    valid_from: datetime.datetime
    valid_until: datetime.datetime


class DecisionIn(InputSchema):
    decision: str = Field(
        pattern="^(approve|refuse)$", description="approve 批准 / refuse 不予批准"
    )
    note: str = Field("", max_length=300)


@router.get("/retrievals", response=list[RetrievalOut], summary="调阅申请列表")
@paginate(PageNumberPagination, page_size=50)
def list_retrievals(request, status: str = ""):
    return selectors.retrieval_list(user=request.user, status=status[:10])


@router.post("/retrievals", response={201: RetrievalOut}, summary="申请调阅")
def request_retrieval(request, payload: RetrievalIn):
    """任何编号都可申请；无论该编号是否存在、是否在您的管辖范围内，答复都相同，且不显示记录信息，
    经保管人或负责人批准后方可在批准期限内查看。"""
    data = payload.dict()
    number = data.pop("recording_id")
    return Status(201, services.retrieval_request_create(actor=request.user, number=number, **data))


@router.post("/retrievals/{retrieval_id}/decision", response=RetrievalOut, summary="审批调阅申请")
def decide_retrieval(request, retrieval_id: int, payload: DecisionIn):
    retrieval = selectors.retrieval_get(user=request.user, pk=retrieval_id)
    return services.retrieval_decide(
        actor=request.user,
        retrieval=retrieval,
        approve=payload.decision == "approve",
        note=payload.note,
    )
