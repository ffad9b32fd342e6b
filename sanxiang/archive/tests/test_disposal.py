"""Disposal at the end of retention (ADR 0130): due at the boundary, holds block it, the head
approves with step-up, execution removes the originals, leaves a tombstone, and the ledger and
fixity know the files are gone by decision — while a file deleted without one is still found."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from sanxiang.archive import disposal, holds, services
from sanxiang.archive.models import (
    AppraisalStatus,
    ArchiveUnit,
    DisposalAppraisal,
    DisposalTombstone,
    HoldKind,
    LegalHold,
    UnitStatus,
    Verdict,
)
from sanxiang.core import blobstore
from sanxiang.evidence.fixity import MISSING, fixity_report
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .test_filing import _units


def _file(team, units):
    out = []
    for unit in units:
        services.unit_submit(actor=team["custodian"], unit=unit)
        out.append(services.unit_approve(actor=team["head"], unit=unit))
    return out


@pytest.fixture
def appraiser(team):
    return factories.officer(agency=team["custodian"].agency, full_name="孙业务")


@pytest.fixture
def filed(team):
    return _file(team, _units(team, 1))[0]


def _on(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(disposal, "_today", lambda: day)


def _line(unit, verdict=Verdict.DESTROY, **kw):
    return disposal.LineIn(
        unit=unit, verdict=verdict, reason=kw.pop("reason", "保管期满，无继续保存价值。"), **kw
    )


def _appraise(team, appraiser, lines):
    return disposal.appraisal_create(
        actor=team["custodian"],
        lines=lines,
        appraisers=[team["custodian"], appraiser],
        opinion="经鉴定，下列案卷保管期满。",
    )


def test_due_today_not_tomorrow_and_permanent_never(team, filed, appraiser, monkeypatch):
    custodian = team["custodian"]
    due = filed.retention_due
    _on(monkeypatch, due - datetime.timedelta(days=1))
    assert disposal.due_units(user=custodian) == []
    with pytest.raises(ValidationError) as error:
        _appraise(team, appraiser, [_line(filed)])
    assert "尚未到保管期满" in str(error.value)
    assert not DisposalAppraisal.objects.exists()
    _on(monkeypatch, due)
    assert disposal.due_units(user=custodian) == [filed]
    # A permanent unit has no due date and never appears, however late it gets.
    ArchiveUnit.objects.filter(pk=filed.pk).update(retention_period="permanent", retention_due=None)
    _on(monkeypatch, due.replace(year=due.year + 500))
    assert disposal.due_units(user=custodian) == []


def test_manual_hold_blocks_appraisal_approval_and_execution(
    team, filed, appraiser, province, monkeypatch
):
    _on(monkeypatch, filed.retention_due)
    head = team["head"]
    with pytest.raises(PermissionDenied):  # custodians do not set holds
        holds.place_hold(filed, HoldKind.LITIGATION, "行政诉讼在审。", team["custodian"])
    with pytest.raises(ValidationError) as error:
        holds.place_hold(
            filed, HoldKind.UNPAID_FINE, "手工设置", head
        )  # derived kinds: system only
    assert "系统" in str(error.value)
    hold = holds.place_hold(filed, HoldKind.LITIGATION, "（2036）行初 12 号在审。", head)
    with pytest.raises(ValidationError) as error:
        _appraise(team, appraiser, [_line(filed)])
    assert "保全中" in str(error.value) and "行政诉讼未结" in str(error.value)
    # Extending retention of a held unit is fine; destroying it is not.
    holds.release_hold(hold, "判决已生效。", head)
    appraisal = _appraise(team, appraiser, [_line(filed)])
    again = holds.place_hold(filed, HoldKind.PETITION, "信访事项办理中。", head)
    with pytest.raises(ValidationError) as error:
        disposal.appraisal_approve(actor=head, appraisal=appraisal)
    assert "信访" in str(error.value)
    assert DisposalAppraisal.objects.get().status == AppraisalStatus.PENDING
    holds.release_hold(again, "已办结。", head)
    disposal.appraisal_approve(actor=head, appraisal=appraisal)
    holds.place_hold(filed, HoldKind.RECONSIDERATION, "复议申请已受理。", head)
    with pytest.raises(ValidationError):
        disposal.appraisal_execute(actor=team["custodian"], appraisal=appraisal)
    filed.refresh_from_db()
    assert filed.status == UnitStatus.FILED and not DisposalTombstone.objects.exists()


def test_unpaid_fine_sets_a_derived_hold(team, archived_case, appraiser, monkeypatch):
    from sanxiang.cases.models import Case

    unit = ArchiveUnit.objects.get(case=archived_case)
    unit = _file(team, [unit])[0]
    _on(monkeypatch, unit.retention_due)
    # The fine stands unpaid (as after an application to the court not yet carried out).
    Case.objects.filter(pk=archived_case.pk).update(paid_total=0)
    listed = disposal.due_units(user=team["custodian"])
    assert listed == [unit]
    (hold,) = holds.active_holds(unit)
    assert hold.kind == HoldKind.UNPAID_FINE and hold.by_system and "未缴清" in hold.reason
    with pytest.raises(ValidationError):
        holds.release_hold(hold, "人工解除", team["head"])  # only the system releases it
    with pytest.raises(ValidationError) as error:
        _appraise(team, appraiser, [_line(unit)])
    assert "罚款未缴清" in str(error.value)
    # Paid in full: the system releases its hold the next time it looks.
    Case.objects.filter(pk=archived_case.pk).update(paid_total=archived_case.paid_total)
    disposal.due_units(user=team["custodian"])
    assert not holds.active_holds(unit).exists()
    assert LegalHold.objects.get().released_at is not None


def test_destruction_removes_originals_and_leaves_a_tombstone(
    team, appraiser, monkeypatch, django_capture_on_commit_callbacks, client
):
    doomed, kept = _file(team, _units(team, 2))
    _on(monkeypatch, doomed.retention_due)
    item_paths = [i.file_path for i in doomed.items.all() if i.file_path]
    paths = [*item_paths, doomed.volume_path]  # the volume PDF is the unit's own original too
    assert item_paths and all(blobstore.blob_exists(p) for p in paths)
    appraisal = _appraise(
        team, appraiser, [_line(doomed), _line(kept, Verdict.EXTEND, extend_years=5)]
    )
    with pytest.raises(PermissionDenied):
        disposal.appraisal_approve(actor=team["custodian"], appraisal=appraisal)
    disposal.appraisal_approve(actor=team["head"], appraisal=appraisal, opinion="同意")
    kept.refresh_from_db()
    assert kept.retention_due == doomed.retention_due.replace(year=doomed.retention_due.year + 5)
    with django_capture_on_commit_callbacks(execute=True):
        (tomb,) = disposal.appraisal_execute(actor=team["custodian"], appraisal=appraisal)
    doomed.refresh_from_db()
    assert doomed.status == UnitStatus.DESTROYED
    assert not any(blobstore.blob_exists(p) for p in paths)
    assert all(blobstore.blob_exists(i.file_path) for i in kept.items.all() if i.file_path)
    assert tomb.archival_code == doomed.archival_code and tomb.approved_by == team["head"]
    assert {d["path"] for d in tomb.destroyed} == set(paths)
    assert all(len(d["sm3"]) == 64 for d in tomb.destroyed)
    assert LedgerEntry.objects.filter(action="archive.destroy").count() == 1
    assert verify_ledger().ok
    call_command("ledger_verify", stdout=io.StringIO())  # the ledger and fixity together: clean
    report = fixity_report()
    assert not [p for p in report.problems if p.kind == MISSING], report.text()
    assert report.disposed == len(item_paths)  # fixity tracks the items' originals
    # The tombstone stands on the mine's file (一矿一档) where the unit was.
    sign_in(client, team["custodian"])
    page = client.get(
        reverse("registry:mine_file", args=[team["mine"].pk]) + "?kind=archive_tombstone"
    )
    assert page.status_code == 200
    assert f"档案销毁：{doomed.archival_code}" in page.content.decode()
    # Not due again, and the destroyed unit cannot be appraised a second time.
    assert doomed not in disposal.due_units(user=team["custodian"])


def test_a_deletion_without_disposal_is_still_reported(team, filed):
    path = next(i.file_path for i in filed.items.all() if i.file_path)
    with pytest.raises(PermissionError):
        blobstore.remove_original(path, disposal=None)
    blobstore.default_storage.delete(path)  # someone removes the file by hand
    missing = [p for p in fixity_report().problems if p.kind == MISSING]
    assert [p.path for p in missing] == [path]


def test_appraisal_needs_two_appraisers_with_a_custodian(team, filed, appraiser, monkeypatch):
    _on(monkeypatch, filed.retention_due)
    for people in ([team["custodian"]], [appraiser, team["officer"]]):
        with pytest.raises(ValidationError) as error:
            disposal.appraisal_create(
                actor=team["custodian"], lines=[_line(filed)], appraisers=people, opinion="意见"
            )
        assert "appraisers" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _appraise(team, appraiser, [_line(filed, Verdict.EXTEND)])  # no number of years
    assert "延长保管" in str(error.value)
    assert not DisposalAppraisal.objects.exists()


def test_derived_holds_read_the_case():
    """The facts that hold a case's units, at their boundaries (no database needed)."""
    from sanxiang.cases.models import Case
    from sanxiang.cases.workflow import CaseStatus

    case = Case(status=CaseStatus.ARCHIVE_READY, fine_amount=Decimal("10000"))
    case.paid_total = Decimal("10000")
    assert holds.derived_facts(case) == {}
    case.paid_total = Decimal("9999.99")
    assert set(holds.derived_facts(case)) == {HoldKind.UNPAID_FINE}
    assert "0.01" in holds.derived_facts(case)[HoldKind.UNPAID_FINE]
    case.enforcement_applied_on = datetime.date(2027, 3, 1)
    assert set(holds.derived_facts(case)) == {HoldKind.COURT_ENFORCEMENT}
    case.paid_total = Decimal("10000")  # the court collected it: enforcement is finished
    assert holds.derived_facts(case) == {}
    case.status = CaseStatus.INVESTIGATING  # reopened
    assert set(holds.derived_facts(case)) == {HoldKind.REOPENED}
