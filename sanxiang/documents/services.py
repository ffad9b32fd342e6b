"""Issuing and voiding enforcement documents.

Issuing takes the next number, renders the PDF with that number, stores it write-once and
records the PDF's digests in the ledger — all in one transaction, so a failure anywhere
leaves neither a document nor a used number behind (numbers stay gapless).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from .models import Document, DocumentStatus, NumberStatus
from .numbering import number_allocate
from .rendering import render_pdf

ISSUER_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER})
STANDARD_TEMPLATE = "documents/pdf/standard.html"


@transaction.atomic
def document_issue(
    *,
    actor: Staff,
    agency: Agency,
    type_code: str,
    short_code: str,
    title: str,
    content: dict[str, Any],
    subject: models.Model | None = None,
    template: str = STANDARD_TEMPLATE,
) -> Document:
    """Number, render, store and record one document of ``agency``."""
    require_role(actor, ISSUER_ROLES, _("签发执法文书"))
    require_scope(actor, agency)
    if not short_code or not title:
        raise ValidationError({"type_code": [_("文书种类缺少名称或编号简称。")]})
    issued_on = timezone.localdate()
    number = number_allocate(agency=agency, type_code=short_code, year=issued_on.year)
    pdf = render_pdf(
        template,
        {
            "agency": agency,
            "title": title,
            "number": number.text,
            "content": content,
            "issued_on": issued_on,
        },
    )
    blob = blob_put(pdf)
    document = Document.objects.create(
        agency=agency,
        type_code=type_code,
        title=title,
        number=number,
        subject_type=object_type_of(subject) if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        content=content,
        pdf_path=blob.path,
        pdf_sha256=blob.sha256,
        pdf_sm3=blob.sm3,
        pdf_size=blob.size,
        issued_by=actor,
    )
    ledger_append(
        actor=actor,
        action="document.issue",
        obj=document,
        details={"number": number.text, "pdf_sm3": blob.sm3, "pdf_sha256": blob.sha256},
    )
    return document


@transaction.atomic
def document_void(*, actor: Staff, document: Document, reason: str) -> Document:
    """Void an issued document; its number stays recorded as voided, never reused."""
    require_role(actor, {Role.HEAD}, _("作废执法文书"))
    require_scope(actor, document.agency)
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("number")
        .get(pk=document.pk)
    )
    if document.status == DocumentStatus.VOIDED:
        raise ValidationError({"status": [_("该文书已作废。")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写作废原因。")]})
    document.status = DocumentStatus.VOIDED
    document.save(update_fields=["status"])
    number = document.number
    number.status, number.void_reason = NumberStatus.VOIDED, reason.strip()
    number.save(update_fields=["status", "void_reason"])
    ledger_append(
        actor=actor,
        action="document.void",
        obj=document,
        details={"number": number.text, "reason": number.void_reason},
    )
    return document
