"""Issuing and voiding enforcement documents.

Issuing takes the next number, renders the PDF with that number, stores it write-once and
records the PDF's digests in the ledger — all in one transaction, so a failure anywhere
leaves neither a document nor a used number behind (numbers stay gapless). Before it is
stored the PDF is signed (ADR 0200): the agency's seal where the template marks its place,
else the issuer's personal certificate; the signature's digest goes into the issue event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.confidentiality import Confidentiality, state_secret_refusal, strictest
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.stepup import (
    StepUpRequired,
    check_ledger_action,
    second_factor_required,
    step_up_record,
    step_up_seconds,
)
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from . import rendering
from .models import Document, DocumentStatus, NumberStatus
from .numbering import number_allocate
from .rendering import render_pdf
from .signing import sign_pdf

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
    confidentiality: str | None = None,
    made_on_site_at: datetime.datetime | None = None,
) -> Document:
    """Number, render, store and record one document of ``agency``.

    ``made_on_site_at`` (ADR 0226): the document was made on site or underground, where no
    device signs, and is signed now, on return. It is dated that day, prints the on-site time,
    and the ledger records both times; it cannot lie in the future.

    JL-ARC-2: the document takes ``confidentiality`` or, by default, the level its subject
    calls for (:func:`default_confidentiality`); a state-secret document is refused before a
    number is taken (ADR 0128: it is registered by reference, never rendered here).
    """
    require_role(actor, ISSUER_ROLES, _("签发执法文书"))
    require_scope(actor, agency)
    _refuse_withdrawn_certificate(actor)
    if not short_code or not title:
        raise ValidationError({"type_code": [_("文书种类缺少名称或编号简称。")]})
    level = confidentiality or default_confidentiality(subject)
    if level not in Confidentiality.values:
        raise ValidationError({"confidentiality": [_("未知的密级。")]})
    if level == Confidentiality.STATE_SECRET:
        raise ValidationError({"confidentiality": [state_secret_refusal()]})
    step_up_asked = _require_step_up_to_sign(actor, template)
    issued_on = timezone.localdate()
    if made_on_site_at is not None:
        if timezone.is_naive(made_on_site_at) or made_on_site_at > timezone.now():
            raise ValidationError(
                {"made_on_site_at": [_("现场制作时间不能晚于现在（返回后签发的时间）。")]}
            )
        issued_on = timezone.localtime(made_on_site_at).date()
    number = number_allocate(agency=agency, type_code=short_code, year=issued_on.year)
    pdf, seal_box = _render(
        template,
        {
            "agency": agency,
            "title": title,
            "number": number.text,
            "content": content,
            "issued_on": issued_on,
            "made_on_site_at": made_on_site_at,
        },
    )
    signature = None
    if settings.SANXIANG_DOCUMENT_SIGNING and _is_pdf(pdf):
        pdf, signature = sign_pdf(
            pdf,
            agency=agency,
            actor=actor,
            seal_box=seal_box,
            step_up={**step_up_record(), "required": step_up_asked},
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
        confidentiality=level,
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
        details={
            "number": number.text,
            "pdf_sm3": blob.sm3,
            "pdf_sha256": blob.sha256,
            "confidentiality": level,
            **({"made_on_site_at": made_on_site_at.isoformat()} if made_on_site_at else {}),
            **({"signature": signature.as_details()} if signature else {}),
        },
    )
    return document


def made_on_site_problems(
    made_on_site_at: datetime.datetime | None,
    *,
    not_before: datetime.datetime | None = None,
    act: str = "",
) -> list[str]:
    """Field errors for the on-site time an officer enters (ADR 0226): it must carry a zone, not
    be in the future (it is signed now, on return) and not precede the act it belongs to
    (``not_before``: the inspection's start, the decision's day) — empty when fine or absent."""
    if made_on_site_at is None:
        return []
    if timezone.is_naive(made_on_site_at) or made_on_site_at > timezone.now():
        return [_("现场制作时间不能晚于现在（返回后签发的时间）。")]
    if not_before is not None and made_on_site_at < not_before:
        return [
            _("现场制作时间不能早于%(act)s（%(at)s）。")
            % {"act": act, "at": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")}
        ]
    return []


def signing_needs_step_up(actor: Staff, template: str) -> bool:
    """ADR 0220: whether issuing ``template`` as ``actor`` needs a fresh second factor.

    Yes when the signature is a head's — his personal certificate, or the agency seal applied
    at his act — and when anyone else applies the agency seal while his account carries a
    second factor (the roles of ``SANXIANG_SECOND_FACTOR_ROLES``, or an officer who enrolled:
    ADR 0071). An officer without an authenticator who issues a sealed notice on site is not
    asked (no phones underground); his signature records that no factor was given.
    """
    if actor.has_role(Role.HEAD):
        return True
    return rendering.bears_seal(template) and second_factor_required(actor)


def _require_step_up_to_sign(actor: Staff, template: str) -> bool:
    """Ask for the step-up of ``document.sign`` (ADR 0071's list) before anything is numbered.

    The check is the one ``ledger_append`` makes for listed actions: a web or API request whose
    session gave no second factor within the window is refused — a bearer token never has one —
    while commands and background tasks are not asked. Returns whether it was asked.
    """
    if not signing_needs_step_up(actor, template):
        return False
    try:
        check_ledger_action("document.sign")
    except StepUpRequired:
        raise StepUpRequired(
            _(
                "签发加盖本单位电子印章或由负责人签名的文书，需要在%(minutes)d分钟内输入过"
                "动态口令：请在网页上输入动态口令确认身份后再办理（接口令牌不能办理签发）。"
            )
            % {"minutes": step_up_seconds() // 60}
        ) from None
    return True


def _refuse_withdrawn_certificate(actor: Staff) -> None:
    """BZ-3: an officer whose certificate is suspended (a failed 年审) or revoked signs nothing;
    a head or a legal reviewer signs in that capacity and is not asked for a certificate."""
    from sanxiang.org.selectors import certificate_withdrawn

    if actor.has_role(Role.HEAD, Role.LEGAL_REVIEWER):
        return
    certificate = certificate_withdrawn(actor)
    if certificate is not None:
        raise PermissionDenied(
            _("您的执法证（证号 %(n)s）%(s)s，不能签发执法文书。")
            % {"n": certificate.number, "s": certificate.get_status_display()}
        )


def _render(template: str, context: dict[str, Any]) -> tuple[bytes, rendering.SealBox | None]:
    """Typeset the document and find its seal's place. Tests that do not read PDFs replace
    ``render_pdf`` with a stand-in that does not typeset (``factories.html_instead_of_pdf``);
    such a stand-in has no seal box and is not signed."""
    if render_pdf is rendering.render_pdf:
        return rendering.render_pdf_with_seal_box(template, context)
    return render_pdf(template, context), None


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and data[5:6].isdigit()


def default_confidentiality(subject: models.Model | None) -> str:
    """JL-ARC-2: the level a document about ``subject`` starts with.

    A subject that carries a level of its own (a case) passes it on; a subject about an
    individual party (a natural person, or a case against one) makes it personal data;
    anything else is ordinary.
    """
    if subject is None:
        return Confidentiality.ORDINARY
    about_person = subject._meta.label_lower == "registry.person" or bool(
        getattr(subject, "person_id", None)
    )
    return strictest(
        getattr(subject, "confidentiality", "") or "",
        Confidentiality.PERSONAL if about_person else Confidentiality.ORDINARY,
    )


@transaction.atomic
def document_set_confidentiality(
    *, actor: Staff, document: Document, level: str, reason: str
) -> Document:
    """JL-ARC-2: change a document's level. The head decides (ADR 0128), with a reason.

    An issued document has its content here, so it cannot become a state secret: it is voided
    and its classified original registered instead (``classified_register``).
    """
    require_role(actor, {Role.HEAD}, _("变更执法文书密级"))
    require_scope(actor, document.agency)
    document = Document.objects.select_for_update().get(pk=document.pk)
    errors: dict[str, list[str]] = {}
    if level not in Confidentiality.values:
        errors["level"] = [_("请选择密级。")]
    elif level == Confidentiality.STATE_SECRET:
        errors["level"] = [
            _("已在本系统签发的文书不能定为国家秘密：请作废该文书，并办理涉密件登记。")
        ]
    elif level == document.confidentiality:
        errors["level"] = [_("密级没有变化。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请说明变更密级的理由。")]
    if errors:
        raise ValidationError(errors)
    before = document.confidentiality
    document.confidentiality = level
    document.save(update_fields=["confidentiality"])
    ledger_append(
        actor=actor,
        action="document.confidentiality",
        obj=document,
        details={"from": before, "to": level, "reason": reason.strip()},
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
