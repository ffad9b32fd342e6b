"""JL-ARC-3: filing with the head's approval; the 档号 is taken at approval, gapless, and a
refused filing takes none; retention counts from 1 January after filing."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.archive import retention, services
from sanxiang.archive.assembly import unit_assemble_for_letter
from sanxiang.archive.models import ArchivalCodeSequence, ArchiveUnit, UnitStatus
from sanxiang.catalog.models import RetentionPeriod
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories


def test_retention_counts_from_the_first_of_january_after_filing():
    filed = datetime.date(2026, 12, 31)
    assert retention.retention_starts(filed) == datetime.date(2027, 1, 1)
    assert retention.retention_due(RetentionPeriod.YEARS_10, filed) == datetime.date(2037, 1, 1)
    assert retention.retention_due(RetentionPeriod.YEARS_30, filed) == datetime.date(2057, 1, 1)
    assert retention.retention_due(RetentionPeriod.YEARS_30, datetime.date(2027, 1, 1)) == (
        datetime.date(2058, 1, 1)
    )
    assert retention.retention_due(RetentionPeriod.PERMANENT, filed) is None


def _units(team, n):
    """``n`` draft units of the same kind, agency and year (inspection units are cheapest)."""
    from sanxiang.inspections import services as inspections

    out = []
    for _ in range(n):
        plan = factories.inspection_plan(
            officers=[team["officer"], team["partner"]], mine=team["mine"], head=team["head"]
        )
        visit = factories.inspection(plan=plan)
        inspections.inspection_complete(
            actor=team["officer"], inspection=visit, summary="未发现问题（测试）。"
        )
        inspections.inspection_close(
            actor=team["officer"], inspection=visit, result_summary="未发现违法行为。"
        )
        out.append(ArchiveUnit.objects.get(inspection=visit, kind="inspection"))
    return out


def test_archival_code_is_gapless_and_a_refusal_takes_none(team):
    custodian, head = team["custodian"], team["head"]
    first, refused, second = _units(team, 3)
    for unit in (first, refused, second):
        services.unit_submit(actor=custodian, unit=unit)
    first = services.unit_approve(actor=head, unit=first)
    refused = services.unit_return(actor=head, unit=refused, reason="缺少整改复查材料。")
    second = services.unit_approve(actor=head, unit=second)
    year = first.year
    assert first.code_number == 1 and second.code_number == 2
    assert first.archival_code == f"J001-JC·{year}-D10-甲-0001"
    assert second.archival_code == f"J001-JC·{year}-D10-甲-0002"
    assert refused.status == UnitStatus.RETURNED and refused.archival_code == ""
    assert refused.code_number is None
    assert ArchivalCodeSequence.objects.get(agency=first.agency, kind="inspection").last_value == 2
    # The returned unit is filed later and takes the next number, not the one it was refused.
    services.unit_submit(actor=custodian, unit=refused)
    refused = services.unit_approve(actor=head, unit=refused)
    assert refused.code_number == 3
    assert first.retention_period == "10y"
    assert first.retention_starts == datetime.date(first.filed_on.year + 1, 1, 1)
    assert first.retention_due == datetime.date(first.filed_on.year + 11, 1, 1)
    assert LedgerEntry.objects.filter(action="archive.file").count() == 3
    assert LedgerEntry.objects.filter(action="archive.return").count() == 1
    assert verify_ledger().ok


def test_a_failed_approval_gives_its_number_back(team, monkeypatch):
    custodian, head = team["custodian"], team["head"]
    (unit,) = _units(team, 1)
    services.unit_submit(actor=custodian, unit=unit)

    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr("sanxiang.archive.services.ledger_append", broken)
    with pytest.raises(RuntimeError):
        services.unit_approve(actor=head, unit=unit)
    monkeypatch.undo()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED and unit.archival_code == ""
    assert not ArchivalCodeSequence.objects.filter(last_value__gt=0).exists()
    assert services.unit_approve(actor=head, unit=unit).code_number == 1


def test_who_may_submit_approve_and_return(team, province):
    (unit,) = _units(team, 1)
    with pytest.raises(PermissionDenied):
        services.unit_submit(actor=team["officer"], unit=unit)
    services.unit_submit(actor=team["custodian"], unit=unit)
    with pytest.raises(PermissionDenied):
        services.unit_approve(actor=team["officer"], unit=unit)
    with pytest.raises(PermissionDenied):
        services.unit_approve(actor=team["custodian"], unit=unit)
    with pytest.raises(PermissionDenied):
        services.unit_approve(actor=factories.head(agency=province["b"]), unit=unit)
    with pytest.raises(ValidationError) as error:
        services.unit_return(actor=team["head"], unit=unit, reason="  ")
    assert "退回理由" in str(error.value)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED
    services.unit_approve(actor=team["head"], unit=unit)
    with pytest.raises(ValidationError):
        services.unit_approve(actor=team["head"], unit=unit)  # already filed


def test_serious_penalty_is_permanent(team, catalogs):
    from decimal import Decimal

    agency = team["head"].agency
    closure = retention.rule_for(agency=agency, kind="penalty", penalty_kinds=["order_closure"])
    large = retention.rule_for(agency=agency, kind="penalty", fine=Decimal("500000"))
    ordinary = retention.rule_for(agency=agency, kind="penalty", fine=Decimal("499999.99"))
    assert closure.rule.period == large.rule.period == "permanent"
    assert ordinary.rule.period == "30y"
    assert closure.version == catalogs["retention_schedule"]


def test_inspection_with_a_case_gets_no_unit_of_its_own(archived_case):
    assert not ArchiveUnit.objects.filter(inspection=archived_case.inspection, kind="inspection")
    assert ArchiveUnit.objects.filter(case=archived_case).count() == 1


def test_letter_unit_refuses_other_documents(archived_case, team):
    document = archived_case.decision_document
    with pytest.raises(ValidationError):
        unit_assemble_for_letter(actor=team["custodian"], document=document)


def _fake_module(monkeypatch, name, **attrs):
    import sys
    import types

    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


def test_a_failed_check_blocks_submission_and_is_kept(team, monkeypatch):
    """The gate: a failed four-property check is stored and ledgered, the unit stays a draft
    and the error names the failure (the check itself is built elsewhere; faked here)."""
    from types import SimpleNamespace

    from sanxiang.archive.models import CheckRun

    seen = []

    def run_checks(spec, volume, open_file, *, when="filing", pages=None):
        seen.append((spec.unit_id, volume, when))
        report = {
            "passed": False,
            "authenticity": [{"ok": True, "item": "第1件", "message": "与账本记录一致。"}],
            "integrity": [{"ok": False, "item": "第2件", "message": "存储文件与账本记录不一致。"}],
        }
        return SimpleNamespace(passed=False, to_dict=lambda: report)

    monkeypatch.setattr(services, "run_checks", run_checks)
    (unit,) = _units(team, 1)
    with pytest.raises(ValidationError) as error:
        services.unit_submit(actor=team["custodian"], unit=unit)
    assert "第2件：存储文件与账本记录不一致" in str(error.value)
    assert "第1件" not in str(error.value)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.DRAFT
    assert [(unit_id, when) for unit_id, _volume, when in seen] == [(unit.pk, "filing")]
    run = CheckRun.objects.get(unit=unit)
    assert not run.passed and run.trigger == "filing"
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(run.pk)).exists()
    # The unit page reads the report in words, the failure first.
    from django.test import Client

    from sanxiang.testing.auth import sign_in

    page = sign_in(Client(), team["custodian"]).get(f"/archive/{unit.pk}/").content.decode()
    failed = page.index("第2件：存储文件与账本记录不一致")
    assert "未通过" in page and failed < page.index("第1件：与账本记录一致")


def test_the_volume_is_stored_with_page_numbers(team, monkeypatch):
    from types import SimpleNamespace

    def render_volume(spec, open_file):
        ranges, page = {}, 1
        for item in spec.items:
            with open_file(item.file) as handle:
                assert handle.read(4)
            ranges[item.seq] = (page, page + 1)
            page += 2
        return SimpleNamespace(
            pdf=f"%PDF-volume {spec.archival_code}".encode(),
            page_ranges=ranges,
            page_count=page - 1,
        )

    def run_checks(spec, volume, open_file, *, when="filing", pages=None):
        assert pages == {item.seq: (2 * item.seq - 1, 2 * item.seq) for item in spec.items}
        assert volume.sha256 and volume.ledger.object_type == "archive.archiveunit"
        return SimpleNamespace(passed=True, to_dict=lambda: {"passed": True})

    _fake_module(monkeypatch, "sanxiang.archive.volume", render_volume=render_volume)
    monkeypatch.setattr(services, "run_checks", run_checks)
    (unit,) = _units(team, 1)
    unit = services.unit_submit(actor=team["custodian"], unit=unit)
    pages = list(unit.items.order_by("seq").values_list("page_from", "page_to"))
    assert pages[0] == (1, 2) and pages[-1][1] == unit.volume_pages
    draft_volume = unit.volume_sha256
    # The volume is ledgered as soon as it is stored, before the check reads it.
    volume_event = LedgerEntry.objects.filter(action="archive.volume", object_id=str(unit.pk))
    assert json.loads(volume_event.get().body)["details"]["volume_sha256"] == draft_volume
    unit = services.unit_approve(actor=team["head"], unit=unit)
    assert unit.volume_sha256 and unit.volume_sha256 != draft_volume  # re-rendered with the 档号
    newest = LedgerEntry.objects.filter(object_id=str(unit.pk), object_type="archive.archiveunit")
    details = json.loads(newest.order_by("-seq").first().body)["details"]
    assert details["volume_sha256"] == unit.volume_sha256 and details["volume_sm3"]
    assert verify_ledger().ok


@pytest.mark.s3
def test_filing_on_object_storage_switches_the_originals_to_compliance(team, object_store):
    """ADR 0180: the head's approval locks every original of the unit in COMPLIANCE mode until
    the retention end; before it they were in GOVERNANCE."""
    from sanxiang.archive.retention import unit_original_paths
    from sanxiang.core.models import StoredObject

    (unit,) = _units(team, 1)
    unit = services.unit_submit(actor=team["custodian"], unit=unit)
    unit = services.unit_approve(actor=team["head"], unit=unit)
    paths = unit_original_paths(unit)
    rows = StoredObject.objects.filter(path__in=paths)
    assert paths and rows.count() == len(paths)
    for row in rows:
        mode, until = object_store.retention(row.path, row.version_id)
        assert (row.lock_mode, mode) == ("COMPLIANCE", "COMPLIANCE"), row.path
        assert until.date() == unit.retention_due, (until, unit.retention_due)
