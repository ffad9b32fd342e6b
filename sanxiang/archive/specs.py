"""``unit_spec(unit)``: the archive's records turned into the contract of ``spec.py``.

The volume, the four-property check and the BagIt export read only this description. It is
built from the stored rows, plus two live facts the check must see: whether a document was
voided after the unit was assembled, and which documents the procedure requires per stage
(the stage-rule catalog, through the case's or inspection's own checklist, JL-TXT-3b).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from sanxiang.catalog.models import UnitKind
from sanxiang.core.language import in_legal_language
from sanxiang.documents.models import DocumentStatus

from .assembly import archive_stage
from .models import ArchiveItem, ArchiveUnit, ItemKind
from .spec import LedgerRef, Requirement, StoredFile, UnitItem, UnitSpec

_SAFE = str.maketrans({c: "_" for c in '/\\:*?"<>|'})


def _checklists(unit: ArchiveUnit):
    if unit.kind == UnitKind.PENALTY and unit.case_id:
        from sanxiang.cases.steps import case_checklists

        return case_checklists(unit.case)
    if unit.kind == UnitKind.INSPECTION and unit.inspection_id:
        from sanxiang.inspections.services import inspection_checklists

        return inspection_checklists(unit.inspection)
    return []


def unit_requirements(unit: ArchiveUnit) -> tuple[Requirement, ...]:
    """Per arrangement stage, the documents the procedure required of this matter."""
    out = []
    for checklist in _checklists(unit):
        stage = archive_stage(unit.kind, checklist.stage)
        for item in checklist.items:
            out.append(Requirement(stage=stage, title=item.name, type_code=item.code))
    return tuple(out)


def _extension(media_type: str) -> str:
    return {
        "application/pdf": ".pdf",
        "video/mp4": ".mp4",
        "audio/mpeg": ".mp3",
        "image/jpeg": ".jpg",
        "image/png": ".png",
    }.get(media_type, "")


def _reference_digest(item: ArchiveItem) -> str:
    if item.kind != ItemKind.CLASSIFIED:
        return ""
    return f"SM3 {item.file_sm3}" if item.file_sm3 else f"SHA-256 {item.file_sha256}"


def _file(item: ArchiveItem) -> StoredFile | None:
    if not item.file_path:
        return None
    return StoredFile(
        path=item.file_path,
        size=item.file_size or 0,
        sha256=item.file_sha256,
        sm3=item.file_sm3,
        media_type=item.media_type,
        ledger=LedgerRef(object_type=item.ledger_type, object_id=item.ledger_id),
        name=f"{item.seq:03d}-{item.title}".translate(_SAFE)[:80] + _extension(item.media_type),
    )


def _voided_since(item: ArchiveItem) -> bool:
    """A document voided after assembly (one voided before carries a remark instead)."""
    return bool(
        item.document_id and not item.voided and item.document.status == DocumentStatus.VOIDED
    )


def _subject_label(unit: ArchiveUnit) -> str:
    if unit.case_id:
        return str(unit.case.party or "")
    return unit.mine.name if unit.mine_id else ""


@in_legal_language
def unit_spec(unit: ArchiveUnit) -> UnitSpec:
    """The contract object for ``unit`` (see ``spec.py``), items in volume order."""
    items = tuple(
        UnitItem(
            seq=item.seq,
            stage=item.stage,
            kind=item.kind,
            title=item.title,
            doc_number=item.doc_number,
            responsible=item.responsible,
            date=item.date,
            file=_file(item),
            duration_seconds=item.duration_seconds,
            voided=_voided_since(item),
            remarks=item.remarks,
            type_code=item.document.type_code if item.document_id else "",
            reference_digest=_reference_digest(item),
        )
        for item in unit.items.select_related("document").order_by("seq")
    )
    return UnitSpec(
        unit_id=unit.pk,
        kind_label=unit.get_kind_display(),
        title=unit.title,
        archival_code=unit.archival_code,
        fonds_code=unit.fonds_code,
        agency_name=unit.agency.name,
        year=unit.year,
        retention_label=unit.get_retention_period_display() if unit.retention_period else "",
        confidentiality_label=unit.get_confidentiality_display(),
        subject_label=_subject_label(unit),
        date_from=unit.date_from or unit.closed_on,
        date_to=unit.date_to or unit.closed_on,
        items=items,
        requirements=unit_requirements(unit),
        filed_by=str(unit.submitted_by or ""),
        checked_by=str(unit.approved_by or ""),
        filed_on=unit.filed_on,
        notes=(unit.status_reason and _("退回理由：%(r)s") % {"r": unit.status_reason}) or "",
        metadata={
            "档号": unit.archival_code,
            "保管期限": unit.get_retention_period_display() if unit.retention_period else "",
            "密级": unit.get_confidentiality_display(),
            "立卷单位": unit.agency.name,
            "年度": str(unit.year),
        },
    )


def open_stored(file: StoredFile):
    """``spec.OpenFile``: a stored original, opened for streaming reads."""
    return default_storage.open(file.path, "rb")
