"""JL-ARC-2: a unit's level is the strictest of its case, documents, recordings and state-secret
registrations (one rule, ``core.confidentiality.strictest``); a state secret is an item by
reference only (ADR 0128) — register number and digest, no file — which the volume lists, the
four-property check accepts and a package describes without content."""

from __future__ import annotations

from sanxiang.archive.assembly import unit_reassemble
from sanxiang.archive.bag import export_bag
from sanxiang.archive.checks import run_checks
from sanxiang.archive.models import ArchiveUnit, ItemKind
from sanxiang.archive.specs import open_stored, unit_spec
from sanxiang.archive.volume import render_volume
from sanxiang.documents.classified import classified_register
from sanxiang.documents.models import Document
from sanxiang.evidence.models import Recording

DIGEST = "ab" * 32


def test_unit_takes_the_strictest_level_and_lists_state_secrets_by_reference(
    team, archived_case, tmp_path
):
    custodian = team["custodian"]
    unit = ArchiveUnit.objects.get(case=archived_case)
    assert unit.confidentiality == "ordinary"

    Document.objects.filter(pk=archived_case.decision_document_id).update(
        confidentiality="personal"
    )
    unit = unit_reassemble(actor=custodian, unit=unit)
    assert unit.confidentiality == "personal"
    Recording.objects.filter(subject_id=str(archived_case.pk)).update(
        confidentiality="trade_secret"
    )
    assert unit_reassemble(actor=custodian, unit=unit).confidentiality == "trade_secret"

    registration = classified_register(
        actor=team["officer"],
        subject=archived_case,
        item_kind="document",
        title="涉密图纸说明",
        register_number="MJ-2026-001",
        custodian_unit="东山市国家保密局",
        location="保密室3号柜",
        digest=DIGEST,
    )
    unit = unit_reassemble(actor=custodian, unit=unit)
    assert unit.confidentiality == "state_secret"
    item = unit.items.get(kind=ItemKind.CLASSIFIED)
    assert (item.doc_number, item.file_path, item.file_sm3) == ("MJ-2026-001", "", DIGEST)
    assert (item.ledger_type, item.ledger_id) == (
        "documents.classifiedregistration",
        str(registration.pk),
    )
    assert "东山市国家保密局" in item.remarks and "保密室3号柜" in item.remarks

    spec_item = next(i for i in unit_spec(unit).items if i.kind == ItemKind.CLASSIFIED)
    assert spec_item.file is None and spec_item.reference_digest == f"SM3 {DIGEST}"

    # The check does not call the registered item a missing file (the fixture's recording is
    # a stand-in ffprobe rightly refuses, so the check runs here on its own, not at submission);
    # the volume lists the item without binding pages for it.
    spec = unit_spec(unit)
    volume = render_volume(spec, open_stored)
    assert item.seq not in volume.pages
    report = run_checks(spec, None, open_stored)
    about = [f for f in report.integrity if f.ref == f"seq:{item.seq}"]
    assert about and all(f.ok for f in about) and "MJ-2026-001" in about[0].message
    assert not [f for f in report.failures() if f.ref == f"seq:{item.seq}"]

    # a package names it with its digest and carries no content for it
    bag = export_bag(tmp_path / "bag", [(spec, None)], open_stored, title="t")
    assert not any("涉密图纸说明" in p.name for p in bag.rglob("*") if p.is_file())
    metadata = "".join(p.read_text(encoding="utf-8") for p in bag.rglob("*.xml"))
    assert "MJ-2026-001" in metadata and DIGEST in metadata
