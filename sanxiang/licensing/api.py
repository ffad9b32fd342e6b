"""API router of the licensing window: the staff side (register, each step, licences,
consultations) and the progress query (public, by number and query code)."""

from __future__ import annotations

import base64
import binascii
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.registry.models import CoalMine

from . import selectors, services
from .workflow import ApplicationStatus, LicenceStatus, PauseKind

router = Router(tags=["行政许可"])


class LicensingApplicationOut(Schema):
    id: int
    number: str
    mine_id: int
    agency_id: int
    item_name: str
    status: ApplicationStatus
    received_on: datetime.date
    acceptance_due: datetime.date
    accepted_on: datetime.date | None
    deemed_accepted: bool
    decision_due: datetime.date | None
    paused_days: int
    extended: bool
    decided_on: datetime.date | None
    outcome: str
    licence_due: datetime.date | None


class LicensingRegisteredOut(LicensingApplicationOut):
    query_code: str


class LicensingMaterialIn(InputSchema):
    name: str = Field(max_length=200)
    file_name: str = Field(max_length=200)
    content_base64: str = Field(max_length=28_000_000)


class LicensingApplicationIn(InputSchema):
    mine_id: int
    item_id: int
    request: str = Field(min_length=1, max_length=2000)
    contact: str = Field("", max_length=100)
    received_on: datetime.date | None = None
    materials: list[LicensingMaterialIn] = Field(max_length=50)


class LicensingStepIn(InputSchema):
    on: datetime.date | None = None
    reasons: str = Field("", max_length=2000)
    missing: list[str] = Field([], max_length=50)
    kind: PauseKind | None = None
    scope: str = Field("", max_length=2000)
    valid_to: datetime.date | None = None
    number: str = Field("", max_length=50)
    note: str = Field("", max_length=2000)


class LicensingProgressIn(InputSchema):
    number: str = Field(max_length=30)
    code: str = Field(max_length=20)


class LicensingProgressStepOut(Schema):
    label: str
    on: datetime.date
    note: str
    document_title: str
    document_number: str


class LicensingProgressOut(Schema):
    number: str
    item_name: str
    mine_name: str
    agency_name: str
    status: str
    received_on: datetime.date
    steps: list[LicensingProgressStepOut]
    next_label: str
    next_due: datetime.date | None
    overdue: bool
    extension_reason: str


class LicenceOut(Schema):
    id: int
    number: str
    mine_id: int
    item_name: str
    valid_from: datetime.date
    valid_to: datetime.date
    status: LicenceStatus


class LicenceChangeIn(InputSchema):
    action: str = Field(max_length=20)
    reason: str = Field(max_length=2000)
    valid_to: datetime.date | None = None
    on: datetime.date | None = None


class LicensingAnswerIn(InputSchema):
    answer: str = Field(max_length=2000)


class LicensingConsultationOut(Schema):
    id: int
    item_name: str
    question: str
    publish_consent: bool
    answer: str


def _materials(items: list[LicensingMaterialIn]) -> list[services.Material]:
    materials = []
    for item in items:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"materials": ["材料内容不是有效的Base64编码。"]}) from None
        materials.append(services.Material(item.name, item.file_name, data))
    return materials


@router.get("/applications", response=list[LicensingApplicationOut], summary="行政许可申请列表")
@paginate(PageNumberPagination, page_size=50)
def list_applications(request, status: str = ""):
    rows = selectors.application_list(user=request.user)
    if status in ApplicationStatus.values:
        rows = rows.filter(status=status)
    return rows


@router.get(
    "/applications/{application_id}", response=LicensingApplicationOut, summary="行政许可申请详情"
)
def get_application(request, application_id: int):
    return selectors.application_get(user=request.user, pk=application_id)


@router.post(
    "/applications", response={201: LicensingRegisteredOut}, summary="代为登记行政许可申请"
)
def register_application(request, payload: LicensingApplicationIn):
    mine = resolve(CoalMine.objects.restrict(request.user), payload.mine_id, "mine_id")
    agency = services.handling_agency(mine, _any_item(mine, payload.item_id))
    items = {i.pk: i for i in services.licensing_items(agency=agency)}
    item = items.get(payload.item_id)
    if item is None:
        raise ValidationError({"item_id": ["该事项不是本机关可网上办理的行政许可事项。"]})
    application = services.submit_application(
        mine=mine,
        item=item,
        materials=_materials(payload.materials),
        request=payload.request,
        contact=payload.contact,
        registered_by=request.user,
        received_on=payload.received_on,
    )
    out = LicensingRegisteredOut.from_orm(application).dict()
    out["query_code"] = application.query_code
    return Status(201, out)


def _any_item(mine: CoalMine, item_id: int):
    from sanxiang.catalog.models import PowerItem

    item = PowerItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item_id": ["该事项不是本机关可网上办理的行政许可事项。"]})
    return item


STEP_FIELDS = {
    "correction_notice": ("missing", "note"),
    "accept": (),
    "reject": ("reasons",),
    "pause": ("kind", "note"),
    "resume": (),
    "extend": ("reasons",),
    "grant": ("scope", "valid_to"),
    "deny": ("reasons",),
    "licence_issue": ("number",),
}


@router.post(
    "/applications/{application_id}/steps/{action}",
    response=LicensingApplicationOut,
    summary="办理行政许可环节",
)
def take_step(request, application_id: int, action: str, payload: LicensingStepIn):
    application = selectors.application_get(user=request.user, pk=application_id)
    if action not in STEP_FIELDS:
        raise Http404
    data = {"on": payload.on}
    for field in STEP_FIELDS[action]:
        value = getattr(payload, field)
        if field in {"kind", "valid_to"} and value is None:
            raise ValidationError({field: ["此项为必填项。"]})
        data["reason" if action == "extend" else field] = value
    result = services.ROW_SERVICES[action](actor=request.user, application=application, **data)
    if action == "licence_issue":
        result = result.application
    return selectors.application_get(user=request.user, pk=result.pk)


@router.get("/licences", response=list[LicenceOut], summary="许可证列表")
@paginate(PageNumberPagination, page_size=50)
def list_licences(request):
    return selectors.licence_list(user=request.user)


@router.post(
    "/licences/{licence_id}/changes", response=LicenceOut, summary="许可证变更、延续、暂扣或吊销"
)
def change_licence(request, licence_id: int, payload: LicenceChangeIn):
    licence = selectors.licence_list(user=request.user).get(pk=licence_id)
    return services.licence_change(actor=request.user, licence=licence, **payload.dict())


@router.get("/consultations", response=list[LicensingConsultationOut], summary="许可咨询列表")
@paginate(PageNumberPagination, page_size=50)
def list_consultations(request):
    return selectors.consultation_list(user=request.user)


@router.post(
    "/consultations/{consultation_id}/answer",
    response=LicensingConsultationOut,
    summary="答复许可咨询",
)
def answer_consultation(request, consultation_id: int, payload: LicensingAnswerIn):
    consultation = selectors.consultation_list(user=request.user).get(pk=consultation_id)
    return services.consultation_answer(
        actor=request.user, consultation=consultation, answer=payload.answer
    )


@router.post("/progress", response=LicensingProgressOut, auth=None, summary="办件进度查询（公开）")
def query_progress(request, payload: LicensingProgressIn):
    result = selectors.progress_lookup(payload.number, payload.code)
    if result is None:
        raise Http404
    return result
