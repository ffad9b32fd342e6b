"""“导出全部” of a mine's file (一矿一档, JL-ARC-3, ADR 0126): what a package of the whole file
holds, for the user who exports it.

:func:`mine_file_contents` lists every document and recording about the mine — each with the
stored original (blob path, size, SHA-256, SM3) and the ledger object that recorded its digest —
and every event of the timeline, as data. :func:`mine_file_spec` describes the same originals as
one pseudo-unit (kind “一矿一档”, items in date order) in the form the volume, the 四性检测 check
and the BagIt exporter read (:class:`sanxiang.archive.spec.UnitSpec`), so exporting a mine's
file is one call: ``export_bag(dest, [mine_file_spec(mine, user)], open_file, title=…)``.

Reading rules are the owning apps': documents in the user's agency scope; recordings whose
*content* the user may take away (``evidence.access.access_for(...).download``: the team, the
custodians, an approved download retrieval — ADR 0021, 0065). A recording the user may only see
listed, and a state secret (never downloaded, JL-ARC-2), is listed with ``withheld`` saying why
and no file; the package then names it without its content. Whoever streams the originals into
a package records each recording's access through ``evidence.services.recording_access`` as
every download does (JL-USE-3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.confidentiality import strictest
from sanxiang.documents.minefile import mine_documents
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.evidence.access import access_for
from sanxiang.evidence.minefile import duration_seconds, mine_recordings
from sanxiang.evidence.models import Confidentiality, Recording
from sanxiang.evidence.selectors import masked_label
from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import MineTimeline

from .spec import ItemKind, LedgerRef, Stage, StoredFile, UnitItem, UnitSpec

DOCUMENT = "document"
RECORDING = "recording"
EVENT = "event"

KIND_LABEL = "一矿一档"

# Where a document of each catalog type sits in the procedure (for the package's stage element;
# the file itself is in date order). Types not listed are inspection paperwork: 调查取证.
DOCUMENT_STAGES = {
    "filing_approval": Stage.FILING,
    "case_report": Stage.REVIEW,
    "review_opinion": Stage.REVIEW,
    "collective_record": Stage.REVIEW,
    "penalty_notice": Stage.NOTICE,
    "hearing_notice": Stage.NOTICE,
    "hearing_record": Stage.HEARING,
    "penalty_decision": Stage.DECISION,
    "additional_fine": Stage.DECISION,
    "service_receipt": Stage.SERVICE,
    "enforcement_application": Stage.EXECUTION,
    "closure_approval": Stage.CLOSURE,
}
# Recording stages (catalog stage codes) the same way.
RECORDING_STAGES = {
    "case_filing": Stage.FILING,
    "case_report": Stage.REVIEW,
    "legal_review": Stage.REVIEW,
    "collective_decision": Stage.REVIEW,
    "prior_notice": Stage.NOTICE,
    "hearing": Stage.HEARING,
    "decision": Stage.DECISION,
    "service": Stage.SERVICE,
    "execution": Stage.EXECUTION,
    "closure": Stage.CLOSURE,
}


@dataclass(frozen=True)
class MineFileEntry:
    """One thing in a mine's file: a document or a recording (with its stored original) or an
    event of the timeline (data only). Everything a person reads is words."""

    kind: str  # DOCUMENT, RECORDING or EVENT
    date: datetime.date
    moment: datetime.datetime  # for ordering: the issue, recording or event time
    title: str
    kind_label: str  # 执法文书 / 音像记录 / the event's kind (现场检查, 结果公示…)
    summary: str = ""
    who: str = ""
    agency: str = ""
    object_type: str = ""  # the ledger object (``documents.document``, ``evidence.recording``…)
    object_id: str = ""
    doc_number: str = ""
    stage: str = Stage.INVESTIGATION
    file: StoredFile | None = None
    duration_seconds: float | None = None
    voided: bool = False
    confidentiality: str = Confidentiality.ORDINARY
    withheld: str = ""  # why a recording's original is not in the package


def _moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _document(d: Document) -> MineFileEntry:
    moment = _moment(d.issued_at)
    number = str(d.number or "")
    return MineFileEntry(
        kind=DOCUMENT,
        date=moment.date(),
        moment=moment,
        title=d.title,
        kind_label=_("执法文书"),
        who=str(d.issued_by),
        agency=str(d.agency),
        object_type="documents.document",
        object_id=str(d.pk),
        doc_number=number,
        stage=DOCUMENT_STAGES.get(d.type_code, Stage.INVESTIGATION),
        file=StoredFile(
            path=d.pdf_path,
            size=d.pdf_size,
            sha256=d.pdf_sha256,
            sm3=d.pdf_sm3,
            media_type="application/pdf",
            ledger=LedgerRef("documents.document", str(d.pk)),
            name=f"{d.title}{number}.pdf",
        ),
        voided=d.status == DocumentStatus.VOIDED,
    )


def _withheld(user, recording: Recording) -> str:
    if recording.confidentiality == Confidentiality.STATE_SECRET:
        return _("国家秘密：原件不随包导出，按保密规定另行保管。")
    if not access_for(user, recording).download:
        return _("导出人无权下载该音像记录原件（须经调阅审批），包内只列登记信息。")
    return ""


def _recording(user, r: Recording) -> MineFileEntry:
    moment = _moment(r.started_at or r.uploaded_at)
    withheld = _withheld(user, r)
    title = masked_label(r) if r.is_secret and withheld else r.title
    return MineFileEntry(
        kind=RECORDING,
        date=moment.date(),
        moment=moment,
        title=title,
        kind_label=_("音像记录"),
        summary="，".join(
            str(p) for p in (r.get_media_kind_display(), r.get_activity_display()) if p
        ),
        who=str(r.uploaded_by),
        agency=str(r.agency),
        object_type="evidence.recording",
        object_id=str(r.pk),
        doc_number=r.number,
        stage=RECORDING_STAGES.get(r.stage, Stage.INVESTIGATION),
        file=None
        if withheld
        else StoredFile(
            path=r.blob_path,
            size=r.size,
            sha256=r.sha256,
            sm3=r.sm3,
            media_type=r.content_type,
            ledger=LedgerRef("evidence.recording", str(r.pk)),
            name=f"{r.number}-{r.original_name}",
        ),
        duration_seconds=duration_seconds(r),
        confidentiality=r.confidentiality,
        withheld=withheld,
    )


def mine_file_contents(mine: CoalMine, user) -> list[MineFileEntry]:
    """Everything in ``mine``'s file that ``user`` may read: documents and recordings (oldest
    first) with their originals, then the whole timeline as events (oldest first)."""
    documents = mine_documents(user=user, mine=mine).order_by("issued_at", "pk")
    recordings = mine_recordings(user=user, mine=mine).select_related("agency", "uploaded_by")
    originals = [_document(d) for d in documents] + [_recording(user, r) for r in recordings]
    originals.sort(key=lambda e: (e.moment, e.kind, int(e.object_id)))
    events = [
        MineFileEntry(
            kind=EVENT,
            date=e.day,
            moment=_moment(e.when),
            title=e.title,
            kind_label=e.kind_label,
            summary=e.summary,
            who=e.who,
            agency=e.agency,
            object_type=e.object_type,
            object_id=e.object_id,
        )
        for e in reversed(MineTimeline(user=user, mine=mine).events())
    ]
    return originals + events


def mine_file_spec(mine: CoalMine, user, *, include_withheld: bool = False) -> UnitSpec:
    """``mine``'s whole file as one pseudo-unit for the volume, the check and the BagIt export:
    every document and recording ``user`` may export, in date order (件号 1…n). The mine's id
    stands for the unit's; it has no 档号 and no retention of its own (its items keep those of
    the units they are filed in).

    Recordings whose original ``user`` may not take away are counted in ``notes``; with
    ``include_withheld`` they are items too, without a file and with the reason as 备注 (the
    check then reports their originals as not present, which is what they are in the package).
    """
    contents = mine_file_contents(mine, user)
    originals = [
        e for e in contents if e.kind != EVENT and (e.file is not None or include_withheld)
    ]
    withheld = [e for e in contents if e.kind == RECORDING and e.file is None]
    events = [e for e in contents if e.kind == EVENT]
    items = tuple(
        UnitItem(
            seq=seq,
            stage=e.stage,
            kind=ItemKind.DOCUMENT if e.kind == DOCUMENT else ItemKind.RECORDING,
            title=e.title,
            doc_number=e.doc_number,
            responsible=e.agency,
            date=e.date,
            file=e.file,
            duration_seconds=e.duration_seconds,
            voided=e.voided,
            remarks=_("已作废") if e.voided else e.withheld,
        )
        for seq, e in enumerate(originals, start=1)
    )
    today = timezone.localdate()
    dates = [e.date for e in originals] or [today]
    levels = [e.confidentiality for e in contents if e.kind == RECORDING]
    level = strictest(*levels)
    notes = _(
        "本档汇集该煤矿的执法文书 %(docs)d 件、音像记录 %(recs)d 件，执法事件 %(events)d 条。"
    ) % {
        "docs": sum(1 for e in originals if e.kind == DOCUMENT),
        "recs": sum(1 for e in originals if e.kind == RECORDING),
        "events": len(events),
    }
    if withheld:
        notes += _("另有音像记录 %(n)d 件原件未随包导出。") % {"n": len(withheld)}
    return UnitSpec(
        unit_id=mine.pk,
        kind_label=KIND_LABEL,
        title=_("%(mine)s执法档案（一矿一档）") % {"mine": mine.name},
        archival_code="",
        fonds_code="",
        agency_name=str(mine.supervising_agency),
        year=max(dates).year,
        retention_label="",
        confidentiality_label=str(Confidentiality(level).label),
        subject_label=mine.name,
        date_from=min(dates),
        date_to=max(dates),
        items=items,
        notes=notes,
        metadata={
            "煤矿名称": mine.name,
            "统一社会信用代码": mine.credit_code,
            "监管机构": str(mine.supervising_agency),
            "执法事件数": str(len(events)),
            "导出日期": today.isoformat(),
        },
    )
