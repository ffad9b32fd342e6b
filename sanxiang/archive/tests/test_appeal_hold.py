"""P11 × ADR 0130: a pending reconsideration holds the case's archive unit against disposal; the
effective outcome releases the hold (ADR 0155)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sanxiang.archive import holds
from sanxiang.archive.models import ArchiveUnit
from sanxiang.archive.models_disposal import HoldKind
from sanxiang.cases import appeals
from sanxiang.testing import factories

from .test_disposal import _appraise, _file, _line, _on


@pytest.mark.django_db
def test_pending_appeal_holds_the_unit_and_the_outcome_releases_it(
    team, archived_case, monkeypatch
):
    unit = _file(team, [ArchiveUnit.objects.get(case=archived_case)])[0]
    _on(monkeypatch, unit.retention_due)
    appraiser = factories.officer(agency=team["custodian"].agency, full_name="孙业务")
    legal = factories.staff(
        agency=archived_case.agency,
        roles=["legal_reviewer"],
        has_legal_qualification=True,
        full_name="法制科",
    )
    decided = archived_case.decided_on
    appeal = appeals.appeal_register(
        actor=legal,
        case=archived_case,
        kind="reconsideration",
        applicant="测试省安泰煤业有限公司泰安煤矿",
        body="测试省应急管理厅",
        filed_on=decided,
        reference="测应复〔2026〕9号",
    )
    (hold,) = holds.active_holds(unit)
    assert hold.kind == HoldKind.RECONSIDERATION and hold.by_system
    with pytest.raises(ValidationError) as error:
        _appraise(team, appraiser, [_line(unit)])
    assert "行政复议未结" in str(error.value)
    with pytest.raises(ValidationError):  # the system's hold is not released by hand
        holds.release_hold(hold, "手工解除", team["head"])
    appeals.appeal_conclude(
        actor=legal,
        appeal=appeal,
        outcome="R-MAINTAIN",
        document_number="测应复决〔2026〕9号",
        decided_on=decided,
        effective_on=decided,
        received_on=decided,
        document=SimpleUploadedFile("d.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    assert not holds.active_holds(unit).exists()
    assert _appraise(team, appraiser, [_line(unit)]).lines.count() == 1
    assert datetime.date.today() >= decided
