"""JL-ARC-1: a case handed to the archive becomes a draft unit holding every document and
recording of the matter, by reference and digest, in stage order."""

from __future__ import annotations

from sanxiang.archive.assembly import unit_reassemble
from sanxiang.archive.models import ArchiveUnit, ItemKind, UnitStatus
from sanxiang.archive.spec import Stage
from sanxiang.archive.specs import unit_spec
from sanxiang.documents.models import Document
from sanxiang.evidence.models import Recording
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger

from .conftest import closed_case


def test_full_case_is_assembled_in_stage_order(archived_case):
    case = archived_case
    unit = ArchiveUnit.objects.get(case=case)
    assert unit.status == UnitStatus.DRAFT and unit.kind == "penalty"
    assert unit.mine == case.mine and unit.title == case.cause
    items = list(unit.items.order_by("seq"))
    assert [i.seq for i in items] == list(range(1, len(items) + 1))
    # Every document of the case and of its inspection is in the unit, once.
    documents = Document.objects.filter(
        subject_type="cases.case", subject_id=str(case.pk)
    ) | Document.objects.filter(
        subject_type="inspections.inspection", subject_id=str(case.inspection_id)
    )
    assert {i.document_id for i in items if i.document_id} >= set(
        documents.values_list("pk", flat=True)
    )
    # Stage order: filing before investigation before review, notice, decision, service, closure.
    ranks = [Stage.ORDER.index(i.stage) for i in items]
    assert ranks == sorted(ranks)
    by_title = {i.title: i for i in items}
    assert by_title["立案审批表"].stage == Stage.FILING
    assert by_title["询问笔录"].stage == Stage.INVESTIGATION
    assert by_title["行政处罚告知书"].stage == Stage.NOTICE
    assert by_title["行政处罚决定书"].stage == Stage.DECISION
    assert by_title["送达回执"].stage == Stage.SERVICE
    assert by_title["结案审批表"].stage == Stage.CLOSURE
    # Retention from the sample schedule: an ordinary fine → 30 years; filing due in 60 days.
    assert unit.retention_period == "30y" and unit.retention_rule_code == "BG-03"
    assert (unit.filing_due - unit.closed_on).days == 60
    # Assembly is one ledger event listing the items with their digests.
    event = LedgerEntry.objects.get(action="archive.assemble", object_id=str(unit.pk))
    assert str(case.pk) and event.object_type == "archive.archiveunit"
    assert verify_ledger().ok


def test_recordings_are_referenced_by_digest_not_copied(archived_case):
    unit = ArchiveUnit.objects.get(case=archived_case)
    recording = Recording.objects.get(subject_type="cases.case", subject_id=str(archived_case.pk))
    item = unit.items.get(kind=ItemKind.RECORDING)
    assert item.recording == recording
    assert (item.file_path, item.file_sha256, item.file_sm3) == (
        recording.blob_path,
        recording.sha256,
        recording.sm3,
    )
    assert item.stage == Stage.NOTICE and item.duration_seconds == 3600
    spec = unit_spec(unit)
    stored = next(i.file for i in spec.items if i.kind == "recording")
    assert stored.ledger.object_type == "evidence.recording"
    assert stored.ledger.object_id == str(recording.pk)


def test_voided_documents_are_flagged(team, officers):
    case = closed_case(team, officers, void_inquiry=True)
    unit = ArchiveUnit.objects.get(case=case)
    inquiries = unit.items.filter(title="询问笔录").order_by("seq")
    assert inquiries.count() == 2
    voided = inquiries.filter(remarks__startswith="已作废").get()
    assert "笔录记载有误" in voided.remarks and voided.voided
    assert not inquiries.exclude(pk=voided.pk).get().voided
    # A document voided before assembly is kept with its remark, not counted as voided since.
    assert not any(i.voided for i in unit_spec(unit).items)


def test_a_document_voided_after_assembly_shows_in_the_spec_until_reassembled(
    team, officers, archived_case
):
    from sanxiang.documents.services import document_void

    unit = ArchiveUnit.objects.get(case=archived_case)
    item = unit.items.get(title="询问笔录")
    document_void(actor=team["head"], document=item.document, reason="事后发现错误")
    spec = unit_spec(unit)
    assert [i.seq for i in spec.items if i.voided] == [item.seq]
    unit = unit_reassemble(actor=team["custodian"], unit=unit)
    assert not any(i.voided for i in unit_spec(unit).items)
    assert LedgerEntry.objects.filter(action="archive.reassemble", object_id=str(unit.pk)).exists()
    assert verify_ledger().ok


def test_spec_lists_each_stage_requirement(archived_case):
    spec = unit_spec(ArchiveUnit.objects.get(case=archived_case))
    required = {(r.stage, r.type_code) for r in spec.requirements}
    assert (Stage.FILING, "filing_approval") in required
    assert (Stage.DECISION, "penalty_decision") in required
    assert (Stage.CLOSURE, "closure_approval") in required
    codes = {i.file.name for i in spec.items if i.file}
    assert all(name.endswith((".pdf", ".mp4")) for name in codes)
    # Document items carry their catalog type, so each requirement is matched by type.
    present = {i.type_code for i in spec.items if i.kind == "document"}
    assert {r.type_code for r in spec.requirements} <= present


def test_record_sheets_are_real_pdfs_stored_write_once(province, real_pdf):
    import datetime
    import io

    from pypdf import PdfReader

    from sanxiang.archive.assembly import _sheet
    from sanxiang.core.blobstore import blob_is_read_only, blob_read, digests

    stored = _sheet(
        "结果公示撤下记录",
        province["a"],
        [("撤下理由", "决定被依法撤销"), ("批准撤下人", "赵局长")],
        datetime.date(2026, 3, 1),
    )
    data = blob_read(stored["path"])
    assert digests(data) == (stored["sha256"], stored["sm3"]) and blob_is_read_only(stored["path"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for words in ("结果公示撤下记录", "决定被依法撤销", "测试省局甲分局", "2026年3月1日"):
        assert words in text.replace(" ", ""), words


def test_an_inspection_closed_before_its_case_moves_into_the_case_unit(team, officers):
    """The inspection's own draft unit is withdrawn (ledgered) when a case is filed from it."""
    from sanxiang.cases import services as cases
    from sanxiang.inspections import services as inspections
    from sanxiang.testing import factories

    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    visit = factories.inspection(plan=plan)
    found = factories.finding(inspection=visit)
    inspections.inspection_complete(actor=officers[0], inspection=visit, summary="发现问题1项。")
    inspections.inspection_close(actor=officers[0], inspection=visit, result_summary="立案查处。")
    early = ArchiveUnit.objects.get(inspection=visit, kind="inspection")
    case = cases.case_file(
        actor=officers[0], findings=[found], cause="未开展安全培训案", officers=officers
    )
    case = cases.case_filing_approve(actor=team["head"], case=case, opinion="同意立案。")
    case = closed_case(team, officers, case=case)
    assert not ArchiveUnit.objects.filter(pk=early.pk).exists()
    unit = ArchiveUnit.objects.get(case=case)
    assert unit.items.filter(title="现场检查记录").exists()
    assert (
        LedgerEntry.objects.get(action="archive.withdraw", object_id=str(early.pk)).object_digest
        == ""
    )
    assert verify_ledger().ok
