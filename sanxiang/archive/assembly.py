"""JL-ARC-1: assembling a unit (组卷) from a finished case, an inspection or a letter.

Everything the matter left behind goes in, as references with digests, never copies: every
issued document (voided ones stay, with a remark), every recording linked to the matter, and
the system records that have no document of their own — a legal review recorded without an
opinion document in the file, publications and their withdrawals — rendered as short record
sheets (PDF, WeasyPrint), stored write-once and ledgered with the unit. Items are ordered by
arrangement stage (``spec.Stage.ORDER``), then date; which stage a document belongs to comes
from the stage-rule catalog and ``data/arrangement.json``.

A draft (or returned) unit can be assembled again when something changed; the new item list
replaces the old one and the unit's ledger event lists it.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, UnitKind
from sanxiang.catalog.selectors import applicable_version
from sanxiang.core.blobstore import blob_put
from sanxiang.core.confidentiality import Confidentiality, strictest
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.documents import rendering
from sanxiang.documents.classified import classified_items_of
from sanxiang.documents.models import ClassifiedRegistration, Document, DocumentStatus
from sanxiang.evidence.models import Recording
from sanxiang.inspections import paperwork
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, Staff

from . import retention
from .models import ArchiveItem, ArchiveUnit, ItemKind, UnitStatus
from .spec import Stage

DATA = Path(__file__).resolve().parent / "data" / "arrangement.json"
SHEET_TEMPLATE = "archive/pdf/record_sheet.html"


@cache
def arrangement() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def archive_stage(kind: str, catalog_stage: str) -> str:
    """The arrangement stage (spec.Stage) a catalog stage's papers go into, for a unit kind."""
    data = arrangement()
    return data["stages"].get(kind, {}).get(catalog_stage) or data["fallback_stage"]


def document_stages(agency: Agency, on: datetime.date | None = None) -> dict[str, str]:
    """document type code → catalog stage, from the stage-rule catalog in force, completed by
    the arrangement file for types the catalog does not list."""
    out = dict(arrangement()["document_stages"])
    version = applicable_version(agency=agency, kind=CatalogKind.STAGE_RULE, on=on)
    if version is not None:
        for rule in version.stage_rules.exclude(document_code=""):
            out.setdefault(rule.document_code, rule.stage)
            out[rule.document_code] = rule.stage
    return out


def level_of(obj: Any) -> str:
    """An object's confidentiality level (JL-ARC-2); a state-secret registration is always
    at that level, and what carries no level counts as ordinary (``strictest``)."""
    if isinstance(obj, ClassifiedRegistration):
        return Confidentiality.STATE_SECRET
    return getattr(obj, "confidentiality", "") or Confidentiality.ORDINARY


@dataclass
class Draft:
    """An item before it is numbered: where it sorts and what it points at."""

    stage: str
    kind: str
    title: str
    date: datetime.date
    order: tuple = ()
    doc_number: str = ""
    responsible: str = ""
    document: Document | None = None
    recording: Recording | None = None
    record_type: str = ""
    record_id: str = ""
    file: dict[str, Any] = field(default_factory=dict)
    ledger: tuple[str, str] = ("", "")
    duration: float | None = None
    voided: bool = False
    remarks: str = ""


# --- what a matter left behind ------------------------------------------------------------------


def _document_drafts(kind: str, agency: Agency, documents: list[Document]) -> list[Draft]:
    stages = document_stages(agency)
    letters = set(arrangement()["letter_types"])
    out = []
    for document in documents:
        if kind != UnitKind.LETTER and document.type_code in letters:
            continue  # letters are filed as units of their own
        voided = document.status == DocumentStatus.VOIDED
        reason = document.number.void_reason if voided and document.number_id else ""
        issued = timezone.localtime(document.issued_at)
        out.append(
            Draft(
                stage=archive_stage(kind, stages.get(document.type_code, "")),
                kind=ItemKind.DOCUMENT,
                title=document.title,
                date=issued.date(),
                order=(issued, 0, document.pk),
                doc_number=document.number.text if document.number_id else "",
                responsible=document.agency.name,
                document=document,
                file={
                    "path": document.pdf_path,
                    "sha256": document.pdf_sha256,
                    "sm3": document.pdf_sm3,
                    "size": document.pdf_size,
                    "media_type": "application/pdf",
                },
                ledger=(object_type_of(document), str(document.pk)),
                voided=voided,
                remarks=_("已作废：%(reason)s") % {"reason": reason} if voided else "",
            )
        )
    return out


def _recording_drafts(kind: str, subjects: list[models.Model]) -> list[Draft]:
    query = models.Q(pk__in=[])
    for subject in subjects:
        query |= models.Q(subject_type=object_type_of(subject), subject_id=str(subject.pk))
    out = []
    for recording in Recording.objects.filter(query).prefetch_related("officers"):
        moment = timezone.localtime(recording.started_at or recording.uploaded_at)
        duration = None
        if recording.started_at and recording.ended_at:
            duration = max((recording.ended_at - recording.started_at).total_seconds(), 0.0)
        officers = "、".join(str(o) for o in recording.officers.all())
        out.append(
            Draft(
                stage=archive_stage(kind, recording.stage),
                kind=ItemKind.RECORDING,
                title=recording.title,
                date=moment.date(),
                order=(moment, 1, recording.pk),
                doc_number=recording.number,
                responsible=officers or recording.agency.name,
                recording=recording,
                file={
                    "path": recording.blob_path,
                    "sha256": recording.sha256,
                    "sm3": recording.sm3,
                    "size": recording.size,
                    "media_type": recording.content_type,
                },
                ledger=(object_type_of(recording), str(recording.pk)),
                duration=duration,
            )
        )
    return out


@in_legal_language
def _classified_drafts(kind: str, agency: Agency, subjects: list[models.Model]):
    """ADR 0128: state-secret items registered by reference — listed with their register
    number, custodian unit, location and digest, and no file (the original is kept elsewhere).
    Returns the drafts and the registrations (each makes the unit a state secret)."""
    stages = document_stages(agency)
    registrations = classified_items_of(*subjects)
    out = []
    for item in registrations:
        moment = timezone.localtime(item.registered_at)
        algorithm = item.get_digest_algorithm_display()
        out.append(
            Draft(
                stage=archive_stage(kind, stages.get(item.type_code, "")),
                kind=ItemKind.CLASSIFIED,
                title=item.title,
                date=moment.date(),
                order=(moment, 5, item.pk),
                doc_number=item.register_number,
                responsible=item.custodian_unit,
                record_type=object_type_of(item),
                record_id=str(item.pk),
                ledger=(object_type_of(item), str(item.pk)),
                file={
                    "sm3": item.digest if item.digest_algorithm == "sm3" else "",
                    "sha256": item.digest if item.digest_algorithm != "sm3" else "",
                },
                remarks=_("涉密件，原件由%(unit)s保管（%(place)s），%(alg)s摘要%(digest)s…")
                % {
                    "unit": item.custodian_unit[:100],
                    "place": item.location[:100],
                    "alg": algorithm,
                    "digest": item.digest[:16],
                },
            )
        )
    return out, registrations


def _sheet(title: str, agency: Agency, rows: list[tuple[str, str]], day: datetime.date) -> dict:
    """Render a record sheet and store it write-once; its digests go into the unit's event."""
    pdf = rendering.render_pdf(
        SHEET_TEMPLATE, {"title": title, "agency": agency, "rows": rows, "day": day}
    )
    blob = blob_put(pdf)
    return {
        "path": blob.path,
        "sha256": blob.sha256,
        "sm3": blob.sm3,
        "size": blob.size,
        "media_type": "application/pdf",
    }


@in_legal_language
def _clearance_drafts(kind: str, case, numbers: set[str]) -> list[Draft]:
    """Legal reviews whose opinion document is not in the file (recorded by reference only)."""
    out = []
    for clearance in case.clearances.select_related("reviewer").order_by("reviewed_at", "pk"):
        if clearance.opinion_reference in numbers:
            continue
        moment = timezone.localtime(clearance.reviewed_at)
        title = _("法制审核记录")
        rows = [
            (_("案件"), case.cause),
            (_("法制审核意见书（文号或编号）"), clearance.opinion_reference),
            (_("审核人员"), str(clearance.reviewer)),
            (_("审核时间"), moment.strftime("%Y-%m-%d %H:%M")),
            (_("审核意见摘要"), clearance.opinion_summary),
            (_("事后审核"), _("是") if clearance.post_review else _("否")),
            (_("所审内容摘要（SM3）"), clearance.proposal_digest),
        ]
        out.append(
            Draft(
                stage=archive_stage(kind, "legal_review"),
                kind=ItemKind.RECORD,
                title=title,
                date=moment.date(),
                order=(moment, 2, clearance.pk),
                doc_number=clearance.opinion_reference,
                responsible=str(clearance.reviewer),
                record_type=object_type_of(clearance),
                record_id=str(clearance.pk),
                file=_sheet(title, case.agency, rows, moment.date()),
            )
        )
    return out


@in_legal_language
def _publication_drafts(kind: str, agency: Agency, source: models.Model) -> list[Draft]:
    """GS-POST-1/2: each published version and each withdrawal, as a record sheet."""
    from sanxiang.publicity.models import Publication

    stages = arrangement()["records"].get(kind, {})
    out = []
    publications = Publication.objects.filter(
        source_type=object_type_of(source), source_id=str(source.pk)
    ).select_related("withdrawn_by")
    for publication in publications:
        for version in publication.versions.select_related("approved_by").order_by("number"):
            moment = timezone.localtime(version.published_at)
            title = _("结果公示记录（第%(n)d版）") % {"n": version.number}
            rows = [
                (_("公示标题"), publication.title),
                (_("类别"), publication.get_category_display()),
                (_("公布时间"), moment.strftime("%Y-%m-%d %H:%M")),
                (_("批准人"), str(version.approved_by)),
                (_("修订说明"), version.change_note),
                (_("公示内容摘要（SM3）"), version.digest),
                *[(str(k), str(v)) for k, v in sorted(version.public_fields.items())][:40],
            ]
            out.append(
                Draft(
                    stage=stages.get("publication") or arrangement()["fallback_stage"],
                    kind=ItemKind.RECORD,
                    title=title,
                    date=moment.date(),
                    order=(moment, 3, version.pk),
                    responsible=agency.name,
                    record_type=object_type_of(version),
                    record_id=str(version.pk),
                    file=_sheet(title, agency, rows, moment.date()),
                )
            )
        if publication.withdrawn_at:
            moment = timezone.localtime(publication.withdrawn_at)
            title = _("结果公示撤下记录")
            rows = [
                (_("公示标题"), publication.title),
                (_("撤下事由"), publication.get_withdrawal_reason_kind_display()),
                (_("撤下理由"), publication.withdrawal_reason),
                (_("撤下依据（文书）"), publication.withdrawal_basis),
                (_("撤下时间"), moment.strftime("%Y-%m-%d %H:%M")),
                (_("批准撤下人"), str(publication.withdrawn_by or "")),
            ]
            out.append(
                Draft(
                    stage=stages.get("withdrawal") or arrangement()["fallback_stage"],
                    kind=ItemKind.RECORD,
                    title=title,
                    date=moment.date(),
                    order=(moment, 4, publication.pk),
                    responsible=agency.name,
                    record_type=object_type_of(publication),
                    record_id=str(publication.pk),
                    file=_sheet(title, agency, rows, moment.date()),
                )
            )
    return out


# --- the units ----------------------------------------------------------------------------------


def _case_contents(unit: ArchiveUnit) -> tuple[list[Draft], list[Any]]:
    case = unit.case
    subjects: list[models.Model] = [case]
    if case.inspection_id:
        subjects += [case.inspection, case.inspection.plan]
    documents = paperwork.documents_of(*subjects)
    drafts = _document_drafts(unit.kind, case.agency, documents)
    numbers = {d.doc_number for d in drafts if d.doc_number}
    drafts += _recording_drafts(unit.kind, subjects)
    drafts += _clearance_drafts(unit.kind, case, numbers)
    drafts += _publication_drafts(unit.kind, case.agency, case)
    classified, registrations = _classified_drafts(unit.kind, case.agency, subjects)
    drafts += classified
    recordings = [d.recording for d in drafts if d.recording]
    return drafts, [case, *documents, *recordings, *registrations]


def _inspection_contents(unit: ArchiveUnit) -> tuple[list[Draft], list[Any]]:
    inspection = unit.inspection
    subjects = [inspection, inspection.plan]
    documents = paperwork.documents_of(*subjects)
    drafts = _document_drafts(unit.kind, inspection.agency, documents)
    drafts += _recording_drafts(unit.kind, subjects)
    drafts += _publication_drafts(unit.kind, inspection.agency, inspection)
    classified, registrations = _classified_drafts(unit.kind, inspection.agency, subjects)
    drafts += classified
    recordings = [d.recording for d in drafts if d.recording]
    return drafts, [*documents, *recordings, *registrations]


def _letter_contents(unit: ArchiveUnit) -> tuple[list[Draft], list[Any]]:
    letter = unit.letter
    return _document_drafts(unit.kind, letter.agency, [letter]), [letter]


CONTENTS = {
    UnitKind.PENALTY: _case_contents,
    UnitKind.INSPECTION: _inspection_contents,
    UnitKind.LETTER: _letter_contents,
}


def _sort_key(draft: Draft) -> tuple:
    return (Stage.ORDER.index(draft.stage), draft.date, *draft.order)


def _penalty_terms(case) -> tuple[list[str], Decimal]:
    """The decided penalty's kinds and fine, which the retention schedule distinguishes."""
    from sanxiang.cases.models import ProposalKind, ProposalStatus

    decided = (
        case.proposals.filter(kind=ProposalKind.PENALTY, status=ProposalStatus.DECIDED)
        .order_by("-pk")
        .first()
    )
    kinds = list((decided.content or {}).get("penalty_kinds") or []) if decided else []
    return kinds, case.fine_amount or Decimal(0)


def _apply_schedule(unit: ArchiveUnit, on: datetime.date | None = None) -> None:
    """JL-ARC-3: the retention period, the schedule version and the filing deadline."""
    kinds, fine = _penalty_terms(unit.case) if unit.case_id else ([], Decimal(0))
    governing = retention.rule_for(
        agency=unit.agency, kind=unit.kind, penalty_kinds=kinds, fine=fine, on=on
    )
    unit.retention_period = governing.rule.period if governing else ""
    unit.retention_rule_code = governing.rule.code if governing else ""
    unit.schedule_version = governing.version if governing else None
    unit.filing_due = retention.filing_due(unit.closed_on, governing)


def _fill(unit: ArchiveUnit, actor: Staff) -> list[ArchiveItem]:
    """Replace the unit's items with what its matter holds now; returns the new items."""
    drafts, parts = CONTENTS[unit.kind](unit)
    drafts.sort(key=_sort_key)
    unit.items.all().delete()
    items = [
        ArchiveItem(
            unit=unit,
            seq=seq,
            stage=d.stage,
            kind=d.kind,
            title=d.title[:300],
            doc_number=d.doc_number[:80],
            responsible=d.responsible[:200],
            date=d.date,
            document=d.document,
            recording=d.recording,
            record_type=d.record_type,
            record_id=d.record_id,
            file_path=d.file.get("path", ""),
            file_sha256=d.file.get("sha256", ""),
            file_sm3=d.file.get("sm3", ""),
            file_size=d.file.get("size"),
            media_type=d.file.get("media_type", ""),
            ledger_type=d.ledger[0] or object_type_of(unit),
            ledger_id=d.ledger[1] or "",
            duration_seconds=d.duration,
            voided=d.voided,
            remarks=d.remarks[:300],
        )
        for seq, d in enumerate(drafts, start=1)
    ]
    ArchiveItem.objects.bulk_create(items)
    unit.confidentiality = strictest(*(level_of(p) for p in parts))
    unit.date_from = drafts[0].date if drafts else unit.closed_on
    unit.date_to = drafts[-1].date if drafts else unit.closed_on
    unit.assembled_at, unit.assembled_by = timezone.now(), actor
    unit.volume_path = unit.volume_sha256 = unit.volume_sm3 = ""
    unit.volume_size = unit.volume_pages = None
    _apply_schedule(unit)
    unit.save()
    # Record sheets are ledgered with their unit: their ledger object is the unit itself.
    ArchiveItem.objects.filter(unit=unit, ledger_id="").update(ledger_id=str(unit.pk))
    return list(unit.items.order_by("seq"))


def file_digests(unit: ArchiveUnit) -> dict[str, str]:
    """The digests of the files whose ledger object is the unit itself — its record sheets
    and its volume — as top-level ``…sha256`` / ``…sm3`` pairs. Every event about the unit
    carries all of them, so its newest event always names every file it vouches for."""
    out = {}
    for item in unit.items.filter(kind=ItemKind.RECORD).order_by("seq"):
        out[f"sheet_{item.seq}_sha256"] = item.file_sha256
        out[f"sheet_{item.seq}_sm3"] = item.file_sm3
    if unit.volume_sha256:
        out["volume_sha256"], out["volume_sm3"] = unit.volume_sha256, unit.volume_sm3
    return out


def _event(actor: Staff, unit: ArchiveUnit, action: str, items: list[ArchiveItem]) -> None:
    ledger_append(
        actor=actor,
        action=action,
        obj=unit,
        details={
            "items": len(items),
            "retention": unit.retention_period,
            "schedule_version": unit.schedule_version_id,
            **file_digests(unit),
        },
    )


@in_legal_language
def _new_unit(*, kind: str, agency: Agency, title: str, closed_on: datetime.date, **refs):
    return ArchiveUnit.objects.create(
        kind=kind,
        agency=agency,
        title=title[:300],
        year=closed_on.year,
        closed_on=closed_on,
        assembled_at=timezone.now(),
        **refs,
    )


@transaction.atomic
def unit_assemble_for_case(*, actor: Staff, case) -> ArchiveUnit:
    """JL-ARC-1: the draft penalty-case unit (一案一卷), when the case reaches 待归档.

    Called inside the hand-over's transaction, so the case and its draft unit commit together."""
    existing = ArchiveUnit.objects.filter(case=case).first()
    if existing is not None:
        return _reassemble(actor, existing) if existing.is_editable else existing
    if case.inspection_id:
        _absorb_inspection_unit(actor, case)
    unit = _new_unit(
        kind=UnitKind.PENALTY,
        agency=case.agency,
        title=case.cause,
        closed_on=case.closed_on or timezone.localdate(),
        case=case,
        inspection=case.inspection,
        mine=case.mine,
    )
    _event(actor, unit, "archive.assemble", _fill(unit, actor))
    return unit


def _absorb_inspection_unit(actor: Staff, case) -> None:
    """An inspection closed before a case was filed from it had a draft unit of its own; its
    papers now go into the case's unit, so the draft is withdrawn (ledgered as a deletion).
    A unit already submitted, filed or checked stays as it is."""
    stale = (
        ArchiveUnit.objects.select_for_update()
        .filter(inspection=case.inspection, kind=UnitKind.INSPECTION, status=UnitStatus.DRAFT)
        .first()
    )
    if stale is None or stale.check_runs.exists():
        return
    stale.items.all().delete()
    ledger_append(
        actor=actor,
        action="archive.withdraw",
        obj=stale,
        deleted=True,
        details={"reason": "merged_into_case", "case": case.pk},
    )
    stale.delete()


@transaction.atomic
def unit_assemble_for_inspection(*, actor: Staff, inspection) -> ArchiveUnit | None:
    """JL-ARC-1: the draft inspection unit, when an inspection closes without a case."""
    from sanxiang.cases.models import Case
    from sanxiang.cases.workflow import CaseStatus

    if Case.objects.filter(inspection=inspection).exclude(status=CaseStatus.NOT_FILED).exists():
        return None  # its papers go into the case's unit
    existing = ArchiveUnit.objects.filter(inspection=inspection, kind=UnitKind.INSPECTION).first()
    if existing is not None:
        return _reassemble(actor, existing) if existing.is_editable else existing
    closed = timezone.localdate(inspection.closed_at) if inspection.closed_at else None
    with in_legal_language():
        title = _("%(mine)s现场检查案卷（%(day)s）") % {
            "mine": inspection.mine.name,
            "day": inspection.inspected_on,
        }
    unit = _new_unit(
        kind=UnitKind.INSPECTION,
        agency=inspection.agency,
        title=title,
        closed_on=closed or timezone.localdate(),
        inspection=inspection,
        mine=inspection.mine,
    )
    _event(actor, unit, "archive.assemble", _fill(unit, actor))
    return unit


@transaction.atomic
def unit_assemble_for_letter(*, actor: Staff, document: Document) -> ArchiveUnit:
    """JL-ARC-1: a recommendation letter (建议书 / 意见书) filed as a unit of its own."""
    if document.type_code not in arrangement()["letter_types"]:
        raise ValidationError({"document": [_("该文书不是安全监管建议书或安全管理意见书。")]})
    existing = ArchiveUnit.objects.filter(letter=document).first()
    if existing is not None:
        return existing
    inspection = None
    if document.subject_type == "inspections.inspection":
        from sanxiang.inspections.models import Inspection

        inspection = Inspection.objects.filter(pk=document.subject_id).first()
    unit = _new_unit(
        kind=UnitKind.LETTER,
        agency=document.agency,
        title=str(document),
        closed_on=timezone.localdate(document.issued_at),
        letter=document,
        inspection=inspection,
        mine=inspection.mine if inspection else None,
    )
    _event(actor, unit, "archive.assemble", _fill(unit, actor))
    return unit


@transaction.atomic
def unit_reassemble(*, actor: Staff, unit: ArchiveUnit) -> ArchiveUnit:
    """Assemble a draft or returned unit again from what its matter holds now (重新组卷):
    the custodian or the head, when a document was voided or added after assembly."""
    from .workflow import ASSEMBLERS

    require_role(actor, ASSEMBLERS, _("重新组卷"))
    require_scope(actor, unit.agency)
    return _reassemble(actor, unit)


def _reassemble(actor: Staff, unit: ArchiveUnit) -> ArchiveUnit:
    unit = ArchiveUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_editable:
        raise ValidationError(
            {"status": [_("案卷当前为“%(s)s”，不能重新组卷。") % {"s": unit.get_status_display()}]}
        )
    if unit.status == UnitStatus.RETURNED:
        unit.status = UnitStatus.DRAFT
    _event(actor, unit, "archive.reassemble", _fill(unit, actor))
    return unit
