"""API router for document confidentiality (JL-ARC-2) and the registration of state-secret
items by reference (涉密件登记, ADR 0128)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.apps import apps
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema
from sanxiang.core.confidentiality import Confidentiality

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
