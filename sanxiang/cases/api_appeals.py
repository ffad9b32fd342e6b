"""API router for what follows a case's decision: appeals (复议、诉讼, ADR 0155) and criminal
transfers (行刑衔接, ADR 0156). The effective document comes as base64 in the JSON body."""

from __future__ import annotations

import base64
import binascii
import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema

from . import appeals, selectors, transfers
from .models import Appeal, Case, CriminalTransfer

router = Router(tags=["复议诉讼与涉嫌犯罪移送"])


def _case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.case_list(user=request.user), pk=case_id)


def _appeal(request, appeal_id: int) -> Appeal:
    return get_object_or_404(Appeal.objects.restrict(request.user), pk=appeal_id)


def _transfer(request, transfer_id: int) -> CriminalTransfer:
    return get_object_or_404(CriminalTransfer.objects.restrict(request.user), pk=transfer_id)


class AppealOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    applicant: str
    authority: str = Field(alias="body")
    reference: str
    filed_on: datetime.date
    outcome: str
    outcome_name: str
    outcome_document_number: str
    outcome_decided_on: datetime.date | None
    effective_on: datetime.date | None
    received_on: datetime.date | None
    document_sha256: str
    withdrawal_due: datetime.date | None
    publication_id_withdrawn: int | None
    new_publication_id: int | None


class AppealRegisterIn(InputSchema):
    kind: str = Field(description="reconsideration（行政复议）或 litigation（行政诉讼）")
    applicant: str = Field(max_length=200)
    authority: str = Field(max_length=200, description="复议机关或人民法院")
    filed_on: datetime.date
    reference: str = Field("", max_length=100)


class AppealConcludeIn(InputSchema):
    outcome: str = Field(description="结果编码，见 /cases/appeal-outcomes")
    document_number: str = Field(max_length=100)
    decided_on: datetime.date
    effective_on: datetime.date
    received_on: datetime.date
    summary: str = Field("", max_length=2000)
    document_name: str = Field("生效文书.pdf", max_length=200)
    document_base64: str = Field(description="生效文书 PDF，base64 编码，不超过 20 MB")


class AppealNewDecisionIn(InputSchema):
    document_number: str = Field(max_length=100)
    decided_on: datetime.date
    content: str = Field(max_length=2000)


class AppealOutcomeOut(Schema):
    code: str
    kind: str
    name: str
    effect: str
    basis: str


class TransferOut(Schema):
    id: int
    case_id: int
    status: str
    status_label: str = Field(alias="get_status_display")
    suspected_crime: str
    reported_at: datetime.datetime
    decision_due: datetime.date
    decided_at: datetime.datetime | None
    decision_late: bool
    opinion: str
    transfer_due: datetime.datetime | None
    receiving_organ: str
    transferred_at: datetime.datetime | None
    transfer_late: bool
    overdue: bool
    document_number: str | None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return transfers.transfer_overdue(obj)

    @staticmethod
    def resolve_document_number(obj) -> str | None:
        return obj.document.number.text if obj.document_id else None


class TransferReportIn(InputSchema):
    suspected_crime: str = Field(max_length=100)
    facts: str = Field(max_length=5000)


class TransferDecideIn(InputSchema):
    approve: bool
    opinion: str = Field("", max_length=500)


class TransferCompleteIn(InputSchema):
    receiving_organ: str = Field(max_length=200)


def _pdf(payload: AppealConcludeIn) -> SimpleUploadedFile:
    try:
        data = base64.b64decode(payload.document_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"document_base64": ["文书内容不是有效的 base64 编码。"]}) from None
    return SimpleUploadedFile(payload.document_name, data, content_type="application/pdf")


@router.get("/appeal-outcomes", response=list[AppealOutcomeOut], summary="复议决定、裁判结果目录")
def appeal_outcomes(request):
    from .appeal_outcomes import outcomes

    return list(outcomes().values())


@router.get("/cases/{case_id}/appeals", response=list[AppealOut], summary="案件的复议、诉讼")
def appeal_list(request, case_id: int):
    return list(_case(request, case_id).appeals.all())


@router.post("/cases/{case_id}/appeals", response={201: AppealOut}, summary="登记复议申请或起诉")
def appeal_register(request, case_id: int, payload: AppealRegisterIn):
    case = _case(request, case_id)
    data = payload.dict()
    data["body"] = data.pop("authority")
    try:
        appeal = appeals.appeal_register(actor=request.user, case=case, **data)
    except ValidationError as exc:  # the service's field is the API's ``authority``
        errors = exc.message_dict
        if "body" in errors:
            errors["authority"] = errors.pop("body")
        raise ValidationError(errors) from None
    return Status(201, appeal)


@router.post(
    "/appeals/{appeal_id}/conclude", response=AppealOut, summary="登记生效的复议决定或裁判"
)
def appeal_conclude(request, appeal_id: int, payload: AppealConcludeIn):
    appeal = _appeal(request, appeal_id)
    data = payload.dict()
    data.pop("document_base64"), data.pop("document_name")
    return appeals.appeal_conclude(
        actor=request.user, appeal=appeal, document=_pdf(payload), **data
    )


@router.post(
    "/appeals/{appeal_id}/new-decision",
    response=AppealOut,
    summary="公示重新作出的决定",
)
def appeal_new_decision(request, appeal_id: int, payload: AppealNewDecisionIn):
    appeal = _appeal(request, appeal_id)
    return appeals.appeal_new_decision_publish(actor=request.user, appeal=appeal, **payload.dict())


@router.get(
    "/cases/{case_id}/criminal-transfers",
    response=list[TransferOut],
    summary="案件的涉嫌犯罪移送",
)
def transfer_list(request, case_id: int):
    return list(_case(request, case_id).criminal_transfers.select_related("document__number"))


@router.post(
    "/cases/{case_id}/criminal-transfers",
    response={201: TransferOut},
    summary="报告涉嫌犯罪",
)
def transfer_report(request, case_id: int, payload: TransferReportIn):
    case = _case(request, case_id)
    return Status(201, transfers.transfer_report(actor=request.user, case=case, **payload.dict()))


@router.post(
    "/criminal-transfers/{transfer_id}/decide",
    response=TransferOut,
    summary="负责人决定是否移送",
)
def transfer_decide(request, transfer_id: int, payload: TransferDecideIn):
    transfer = _transfer(request, transfer_id)
    service = transfers.transfer_approve if payload.approve else transfers.transfer_refuse
    return service(actor=request.user, transfer=transfer, opinion=payload.opinion)


@router.post(
    "/criminal-transfers/{transfer_id}/transfer",
    response=TransferOut,
    summary="移送公安机关",
)
def transfer_complete(request, transfer_id: int, payload: TransferCompleteIn):
    transfer = _transfer(request, transfer_id)
    return transfers.transfer_complete(
        actor=request.user, transfer=transfer, receiving_organ=payload.receiving_organ
    )
