"""Opening a document's PDF: decide, log, and hand out the bytes (JL-USE-2, JL-USE-3).

Every view and download — from a page or through the API — passes :func:`document_read`,
which appends ``document.view`` or ``document.download`` with its ground, or
``document.access_refused`` (committed even though the caller then refuses). A borrower's
copy is stamped on every page with his name, the purpose and the time (:func:`_watermark`);
the stored original is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from sanxiang.core.blobstore import blob_open, blob_read
from sanxiang.ledger.services import ledger_append

from .access import Grant, document_grant
from .models import Document

VIEW = "view"
DOWNLOAD = "download"
_ACTIONS = {VIEW: "document.view", DOWNLOAD: "document.download"}


@dataclass(frozen=True)
class Reading:
    """The decision; ``copy`` holds the watermarked bytes of a borrower's copy, and is None when
    the original is to be sent as stored (streamed from the write-once store)."""

    grant: Grant
    allowed: bool
    copy: bytes | None = None


def _watermark(pdf: bytes, text: str) -> bytes:
    """The borrower's copy: ``text`` on every page (the archive's volume watermark)."""
    from sanxiang.archive.volume import watermark_copy

    return watermark_copy(pdf, text)


def watermark_text(*, reader: Any, purpose: str, moment) -> str:
    name = getattr(reader, "full_name", "") or reader.username
    agency = getattr(getattr(reader, "agency", None), "name", "") or ""
    stamp = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return f"{agency} {name} 借阅 {stamp} 事由：{purpose} 仅限本人使用"


@transaction.atomic
def document_read(
    *, actor: Any, document: Document, mode: str, channel_detail: dict[str, Any] | None = None
) -> Reading:
    """Decide one view or download of ``document`` by ``actor``, log it with its ground, and
    return the bytes to send (watermarked for a borrower)."""
    return record_read(
        actor=actor,
        obj=document,
        grant=document_grant(actor, document),
        pdf_path=document.pdf_path,
        mode=mode,
        actions=_ACTIONS,
        refused_action="document.access_refused",
        channel_detail=channel_detail,
    )


@transaction.atomic
def record_read(
    *,
    actor: Any,
    obj: Any,
    grant: Grant,
    pdf_path: str,
    mode: str,
    actions: dict[str, str],
    refused_action: str,
    channel_detail: dict[str, Any] | None = None,
) -> Reading:
    """One view or download of a text record's PDF (a document, an archive unit's volume) on
    ``grant``: logged with its ground, or logged as refused; a borrower's copy watermarked."""
    if mode not in actions:
        raise ValueError(f"unknown reading mode {mode!r}")
    allowed = grant.view if mode == VIEW else grant.download
    details = {"mode": mode, "ground": grant.ground, **(channel_detail or {})}
    if not allowed:
        ledger_append(actor=actor, action=refused_action, obj=obj, details=details)
        return Reading(grant, False)
    copy = None
    if grant.borrow is not None:
        copy = _watermark(
            blob_read(pdf_path),
            watermark_text(reader=actor, purpose=grant.borrow.purpose, moment=timezone.now()),
        )
        details["watermarked"] = True
    ledger_append(actor=actor, action=actions[mode], obj=obj, details=details)
    return Reading(grant, True, copy)


def pdf_response(document: Document, reading: Reading, *, download: bool) -> HttpResponse:
    """The PDF to send: the borrower's copy, or the original streamed from the store."""
    return file_response(
        document.pdf_path,
        f"{document.title}{document.number or ''}.pdf",
        reading,
        download=download,
    )


def file_response(path: str, filename: str, reading: Reading, *, download: bool) -> HttpResponse:
    """A record's PDF: the borrower's copy, or the original streamed from the store."""
    if reading.copy is not None:
        response: HttpResponse = HttpResponse(reading.copy, content_type="application/pdf")
    else:
        response = FileResponse(blob_open(path), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(download, filename)
    response["Cache-Control"] = "private, no-store"
    return response
