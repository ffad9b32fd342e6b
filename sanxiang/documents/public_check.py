"""What the public verification page tells a party about a served document (ADR 0224).

The party holds the file (or its number and SHA-256); the answer says only what the file
itself and its signature already say — valid or not, the seal or the signer's name and role,
when, whether the certificate was revoked — and nothing else of the record: not the party,
the facts, the case or who else saw it. A number with the wrong digest is answered exactly as
an unknown number, so the page cannot be used to learn which numbers exist.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_read

from . import signing
from .models import Document, DocumentStatus

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class SignerLine:
    """One seal or signature as the public is told it."""

    valid: bool
    signer: str
    role: str
    signed_at: datetime | None
    revoked_at: datetime | None
    signed_before_revocation: bool
    problems: tuple[str, ...] = ()


@dataclass
class PublicAnswer:
    status: str  # "valid", "invalid", "unknown"
    title: str = ""
    number: str = ""
    voided: bool = False
    signers: list[SignerLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _issue_signature(document: Document) -> tuple[dict, object]:
    """The signature facts the ledger recorded at issuance, and the issuer."""
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.ledger.services import object_type_of

    entry = (
        LedgerEntry.objects.filter(
            action="document.issue",
            object_type=object_type_of(document),
            object_id=str(document.pk),
        )
        .order_by("-pk")
        .first()
    )
    details = json.loads(entry.body).get("details") or {} if entry else {}
    return details.get("signature") or {}, document.issued_by


def _role(kind: str, issuer) -> str:
    from sanxiang.org.roles import Role

    if kind == "seal":
        return _("机构电子印章")
    for role in (Role.HEAD, Role.LEGAL_REVIEWER, Role.OFFICER):
        if role in issuer.role_codes:
            return str(role.label)
    return _("个人电子签名")


def _answer(pdf: bytes, document: Document | None) -> PublicAnswer:
    report = signing.verify_pdf(pdf)
    if document is None:
        # Not issued here (or changed): say so, and what the file's signatures say.
        answer = PublicAnswer(status="invalid")
        answer.problems.append(_("本机构没有签发过与该文件完全一致的文书（文件可能被改动过）。"))
    else:
        answer = PublicAnswer(
            status="valid" if report.valid else "invalid",
            title=document.title,
            number=document.number.text if document.number else "",
            voided=document.status == DocumentStatus.VOIDED,
        )
        if answer.voided:
            answer.status = "invalid"
    if report.error:
        answer.problems.append(report.error)
    facts, issuer = _issue_signature(document) if document is not None else ({}, None)
    for sig in report.signatures:
        recorded = facts.get("certificate_serial") == sig.serial
        role = _role(facts.get("kind", ""), issuer) if recorded else ""
        when = sig.timestamp_at
        if when is None and recorded and facts.get("signed_at"):
            when = datetime.fromisoformat(facts["signed_at"])
        answer.signers.append(
            SignerLine(
                valid=sig.valid,
                signer=sig.signer,
                role=role,
                signed_at=when or sig.signed_at,
                revoked_at=sig.revoked_at,
                signed_before_revocation=sig.signed_before_revocation,
                problems=tuple(sig.problems),
            )
        )
    return answer


def check_upload(pdf: bytes) -> PublicAnswer:
    """The uploaded file: its signatures, and whether the ledger recorded exactly this file."""
    return _answer(pdf, signing.ledger_finds(pdf))


def check_number(number: str, sha256: str) -> PublicAnswer:
    """A number and the file's SHA-256 as printed or computed by the party: the stored file
    with that number and digest, verified as if uploaded."""
    digest = sha256.strip().lower()
    document = (
        Document.objects.filter(number__text=number.strip(), pdf_sha256=digest)
        .select_related("number", "issued_by")
        .first()
        if SHA256.match(digest)
        else None
    )
    if document is None:
        return PublicAnswer(status="unknown")
    return _answer(blob_read(document.pdf_path), document)
