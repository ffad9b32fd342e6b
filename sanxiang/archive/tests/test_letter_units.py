"""JL-ARC-1: a safety-supervision letter becomes a unit of its own when the head approves it,
in the same transaction as the issue (the inspections app sends ``letter_issued``; it does
not import the archive)."""

from __future__ import annotations

import pytest

from sanxiang.archive import services
from sanxiang.archive.models import ArchiveUnit, UnitStatus
from sanxiang.inspections import letters
from sanxiang.inspections import services as inspections
from sanxiang.inspections.models import LetterKind
from sanxiang.testing import factories


def _issued_letter(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    visit = factories.inspection(plan=plan)
    factories.finding(inspection=visit)
    inspections.inspection_complete(actor=officers[0], inspection=visit, summary="检查完毕。")
    letter = letters.letter_draft(
        actor=officers[0],
        inspection=visit,
        kind=LetterKind.SUPERVISION_ADVICE,
        addressee="测试县人民政府应急管理局",
        findings=list(visit.findings.all()),
        recommendations="督促煤矿建立从业人员安全培训档案。",
    )
    return letters.letter_approve(actor=team["head"], letter=letter)


def test_issuing_a_letter_assembles_its_unit_which_files(team, officers, real_pdf):
    letter = _issued_letter(team, officers)
    unit = ArchiveUnit.objects.get(letter=letter.document)
    assert (unit.kind, unit.status, unit.mine, unit.inspection) == (
        "letter",
        UnitStatus.DRAFT,
        team["mine"],
        letter.inspection,
    )
    (item,) = unit.items.all()
    assert item.document == letter.document and item.file_sha256 == letter.document.pdf_sha256
    # the letter is not also an item of the inspection's own unit
    assert not ArchiveUnit.objects.filter(
        kind="inspection", items__document=letter.document
    ).exists()
    unit = services.unit_submit(actor=team["custodian"], unit=unit)
    unit = services.unit_approve(actor=team["head"], unit=unit)
    assert unit.status == UnitStatus.FILED and unit.archival_code


def test_a_letter_whose_unit_cannot_be_assembled_is_not_issued(team, officers, monkeypatch):
    """Same transaction: when assembling fails, the letter stays pending and unnumbered."""
    from sanxiang.archive import assembly
    from sanxiang.inspections.models import LetterStatus, SafetyLetter

    def broken(**kwargs):
        raise RuntimeError("archive down")

    monkeypatch.setattr(assembly, "unit_assemble_for_letter", broken)
    with pytest.raises(RuntimeError):
        _issued_letter(team, officers)
    letter = SafetyLetter.objects.get()
    assert letter.status == LetterStatus.PENDING and letter.document is None
    assert not ArchiveUnit.objects.filter(kind="letter").exists()
