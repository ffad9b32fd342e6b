"""API router for document confidentiality (JL-ARC-2) and the registration of state-secret
items by reference (涉密件登记, ADR 0128)."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Literal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema
from sanxiang.core.confidentiality import Confidentiality

from . import paper
from .classified import classified_items_of, classified_register
from .models import ClassifiedRegistration, DigestAlgorithm, Document, ItemKind
from .services import document_set_confidentiality

router = Router(tags=["执法文书"])

SubjectType = Literal["cases.case", "inspections.inspection"]


def _subject(request, subject_type: str, subject_id: int):
    model = apps.get_model(subject_type)
    return get_object_or_404(model.objects.restrict(request.user), pk=subject_id)


class DocumentLevelOut(Schema):
    id: int
    title: str
    number: str | None
    confidentiality: Confidentiality
    confidentiality_label: str

    @staticmethod
    def resolve_number(obj):
        return obj.number.text if obj.number_id else None

    @staticmethod
    def resolve_confidentiality_label(obj):
        return obj.get_confidentiality_display()


class DocumentConfidentialityIn(InputSchema):
    level: Confidentiality
    reason: str = Field(min_length=1, max_length=300)


class ClassifiedOut(Schema):
    id: int
    subject_type: str
    subject_id: str
    item_kind: ItemKind
    type_code: str
    title: str
    register_number: str
    custodian_unit: str
    location: str
    digest_algorithm: DigestAlgorithm
    digest: str
    confidentiality: Confidentiality
    confidentiality_label: str
    registered_by_name: str
    registered_at: datetime.datetime

    @staticmethod
    def resolve_confidentiality_label(obj):
        return str(Confidentiality(obj.confidentiality).label)

    @staticmethod
    def resolve_registered_by_name(obj):
        return str(obj.registered_by)


class ClassifiedIn(InputSchema):
    subject_type: SubjectType
    subject_id: int
    item_kind: ItemKind
    type_code: str = Field("", max_length=40)
    title: str = Field(max_length=200)
    register_number: str = Field(max_length=80)
    custodian_unit: str = Field(max_length=200)
    location: str = Field(max_length=200)
    digest_algorithm: DigestAlgorithm = DigestAlgorithm.SM3
    digest: str = Field(max_length=64)


@router.get("/documents/{document_id}", response=DocumentLevelOut, summary="执法文书的密级")
def get_document(request, document_id: int):
    return get_object_or_404(Document.objects.restrict(request.user), pk=document_id)


@router.post(
    "/documents/{document_id}/confidentiality",
    response=DocumentLevelOut,
    summary="变更执法文书密级（负责人）",
)
def set_document_confidentiality(request, document_id: int, payload: DocumentConfidentialityIn):
    document = get_object_or_404(Document.objects.restrict(request.user), pk=document_id)
    return document_set_confidentiality(
        actor=request.user, document=document, level=payload.level, reason=payload.reason
    )


@router.get("/classified", response=list[ClassifiedOut], summary="涉密件登记列表（按所属对象）")
def list_classified(request, subject_type: SubjectType, subject_id: int):
    return classified_items_of(_subject(request, subject_type, subject_id))


@router.post("/classified", response={201: ClassifiedOut}, summary="涉密件登记")
def register_classified(request, payload: ClassifiedIn):
    data = payload.dict()
    subject = _subject(request, data.pop("subject_type"), data.pop("subject_id"))
    item = classified_register(actor=request.user, subject=subject, **data)
    return Status(
        201, ClassifiedRegistration.objects.select_related("registered_by").get(pk=item.pk)
    )


class PaperScanOut(Schema):
    id: int
    document_id: int
    file_name: str
    content_type: str
    scan_size: int
    scan_sha256: str
    scan_sm3: str
    signed_on: datetime.date
    kept_at: str
    note: str
    scanned_by_name: str
    attached_at: datetime.datetime

    @staticmethod
    def resolve_scanned_by_name(obj):
        return str(obj.scanned_by)


class PaperScanIn(InputSchema):
    scan_base64: str = Field(
        max_length=28_000_000, description="手签纸质原件扫描件（PDF、JPEG 或 PNG），base64 编码"
    )
    file_name: str = Field("scan", max_length=200)
    signed_on: datetime.date
    kept_at: str = Field(max_length=200, description="纸质原件存放位置")
    note: str = Field("", max_length=500)


@router.get(
    "/documents/{document_id}/paper-scans",
    response=list[PaperScanOut],
    summary="手签纸质原件的扫描件",
)
def list_paper_scans(request, document_id: int):
    document = get_object_or_404(Document.objects.restrict(request.user), pk=document_id)
    return paper.scans_of(document)


@router.post(
    "/documents/{document_id}/paper-scans",
    response={201: PaperScanOut},
    summary="附加手签纸质原件的扫描件（本案执法人员）",
)
def attach_paper_scan(request, document_id: int, payload: PaperScanIn):
    document = get_object_or_404(Document.objects.restrict(request.user), pk=document_id)
    try:
        data = base64.b64decode(payload.scan_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"scan_base64": ["扫描件不是有效的 base64 编码。"]}) from None
    try:
        scan = paper.paper_attach(
            actor=request.user,
            document=document,
            data=data,
            file_name=payload.file_name,
            signed_on=payload.signed_on,
            kept_at=payload.kept_at,
            note=payload.note,
        )
    except ValidationError as error:  # the file is the API's field scan_base64
        errors = error.message_dict
        if "scan" in errors:
            errors["scan_base64"] = errors.pop("scan")
        raise ValidationError(errors) from None
    return Status(201, scan)
