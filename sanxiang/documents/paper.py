"""The paper original signed by hand on site, and its scan (ADR 0226, 0233; JL-ARC-4).

Underground or at a site without signal the officer makes the record or the decision on paper;
the party reads and signs it by hand. Back at the office the same document is issued here and
signed electronically "on return" (``document_issue(made_on_site_at=…)``). The hand-signed paper
is the original; :func:`paper_attach` stores its scan write-once in the blob store and records
one ledger event ``document.paper_attach`` that binds the counterpart PDF's digest, the scan's
digests and where the paper is kept. Only the team of the document's case or inspection attaches
it: they hold the paper and answer for it.

A document made on site whose scan has not come in within ``SANXIANG_PAPER_SCAN_WORKING_DAYS``
working days of the on-site day is overdue (:func:`paper_scans_missing`): it is on the officers'
home page until the scan is attached. The limit is the agency's own rule (a setting, 3 working
days by default), not law.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.grounds import team_ids
from sanxiang.core.permissions import require_scope
from sanxiang.core.workdays import add_working_days
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .models import Document, DocumentStatus, PaperScan

MAX_SCAN_BYTES = 20 * 1024 * 1024
#: What a scanner produces; recognised by the file's own first bytes, not by its name.
SCAN_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
LOOKBACK_DAYS = 120


def scan_working_days() -> int:
    return int(getattr(settings, "SANXIANG_PAPER_SCAN_WORKING_DAYS", 3))


def scan_type(data: bytes) -> str | None:
    for magic, content_type in SCAN_TYPES:
        if data.startswith(magic):
            return content_type
    return None


def made_on_site_at(document: Document) -> datetime.datetime | None:
    """The on-site time the issue event recorded for ``document`` (ADR 0226), or None."""
    return _on_site_times([document]).get(document.pk)


def _on_site_times(documents) -> dict[int, datetime.datetime]:
    """document pk → on-site time, read from the issue events (the ledger is where ADR 0226
    records it; the document row carries no such column)."""
    ids = [str(d.pk) for d in documents]
    if not ids:
        return {}
    entries = LedgerEntry.objects.filter(
        object_type="documents.document",
        object_id__in=ids,
        action="document.issue",
        body__contains='"made_on_site_at"',
    ).values_list("object_id", "body")
    times = {}
    for object_id, body in entries:
        value = json.loads(body).get("details", {}).get("made_on_site_at")
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is not None:
            times[int(object_id)] = moment
    return times


def may_attach(user: Any, document: Document) -> bool:
    """The team of the document's case or inspection (who hold the paper)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.pk in team_ids(document.subject_type, document.subject_id)
    )


@transaction.atomic
def paper_attach(
    *,
    actor: Staff,
    document: Document,
    data: bytes | None,
    file_name: str,
    signed_on: datetime.date | None,
    kept_at: str,
    note: str = "",
) -> PaperScan:
    """Attach the scan of ``document``'s paper copy signed by hand (ADR 0226 §2, ADR 0233).

    Refused, with Chinese field errors and nothing stored, for: someone outside the team; a
    voided document; no file, an empty or oversized one, or one that is not a PDF, JPEG or PNG
    scan; no signing date, one in the future or before the document was made; no place where
    the paper is kept. The scan goes to the write-once blob store; the event binds the
    counterpart PDF's SHA-256, the scan's SHA-256 and SM3, the signing date and the place."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("number", "agency")
        .get(pk=document.pk)
    )
    require_scope(actor, document.agency)
    if not may_attach(actor, document):
        raise PermissionDenied(_("只有本案（本次检查）的执法人员可以上传手签纸质原件的扫描件。"))
    errors: dict[str, list[str]] = {}
    if document.status != DocumentStatus.ISSUED:
        errors["document"] = [_("该文书已作废，不能附加扫描件。")]
    data = data or b""
    content_type = scan_type(data)
    if not data:
        errors["scan"] = [_("请选择手签纸质原件的扫描件。")]
    elif len(data) > MAX_SCAN_BYTES:
        errors["scan"] = [_("扫描件不能超过20MB。")]
    elif content_type is None:
        errors["scan"] = [_("扫描件应为PDF、JPEG或PNG文件。")]
    on_site = made_on_site_at(document)
    made_on = timezone.localdate(on_site or document.issued_at)
    if not isinstance(signed_on, datetime.date):
        errors["signed_on"] = [_("请填写当事人手写签名的日期。")]
    elif signed_on > timezone.localdate():
        errors["signed_on"] = [_("签名日期不能晚于今天。")]
    elif signed_on < made_on:
        errors["signed_on"] = [
            _("签名日期不能早于文书制作日期（%(day)s）。") % {"day": made_on.isoformat()}
        ]
    kept_at = (kept_at or "").strip()
    if not kept_at:
        errors["kept_at"] = [_("请填写纸质原件的存放位置（如案卷卷号、页号）。")]
    elif len(kept_at) > 200:
        errors["kept_at"] = [_("存放位置不能超过200字。")]
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = [_("说明不能超过500字。")]
    if errors:
        raise ValidationError(errors)
    blob = blob_put(data)
    scan = PaperScan.objects.create(
        document=document,
        scan_path=blob.path,
        scan_sha256=blob.sha256,
        scan_sm3=blob.sm3,
        scan_size=blob.size,
        content_type=content_type,
        file_name=(file_name or "").strip()[:200] or "scan",
        signed_on=signed_on,
        kept_at=kept_at,
        note=note,
        scanned_by=actor,
    )
    ledger_append(
        actor=actor,
        action="document.paper_attach",
        obj=scan,
        details={
            "document": document.pk,
            "number": document.number.text if document.number_id else "",
            "counterpart_sha256": document.pdf_sha256,
            "scan_sha256": blob.sha256,
            "scan_sm3": blob.sm3,
            "signed_on": signed_on,
            "kept_at": kept_at,
            **({"made_on_site_at": on_site.isoformat()} if on_site else {}),
        },
    )
    return scan


@dataclass(frozen=True)
class MissingScan:
    document: Document
    made_on_site_at: datetime.datetime
    due: datetime.date
    overdue: bool


def paper_scans_missing(*, user: Staff, today: datetime.date | None = None) -> list[MissingScan]:
    """Documents made on site, issued in the last months, whose hand-signed paper has no scan
    yet, for the officer who issued them or whose team holds them; soonest due first."""
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=LOOKBACK_DAYS)
    teams: dict[tuple[str, str], set[int]] = {}

    def in_team(d: Document) -> bool:
        key = (d.subject_type, d.subject_id)
        if key not in teams:
            teams[key] = team_ids(*key)
        return user.pk in teams[key]

    candidates = [
        d
        for d in Document.objects.restrict(user)
        .filter(status=DocumentStatus.ISSUED, issued_at__gte=since, paper_scans__isnull=True)
        .select_related("number")
        .order_by("issued_at")[:500]
        if d.issued_by_id == user.pk or in_team(d)
    ]
    times = _on_site_times(candidates)
    missing = []
    for document in candidates:
        moment = times.get(document.pk)
        if moment is None:
            continue
        due = add_working_days(timezone.localdate(moment), scan_working_days()).date
        missing.append(MissingScan(document, moment, due, due < today))
    return sorted(missing, key=lambda m: (m.due, m.document.pk))


def scans_of(document: Document) -> list[PaperScan]:
    return list(document.paper_scans.select_related("scanned_by").order_by("attached_at", "pk"))
