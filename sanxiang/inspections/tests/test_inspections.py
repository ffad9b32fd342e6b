"""JL-TXT-3a, GS-MID-1, JL-TXT-3c, JL-TXT-3b for inspections: plan before inspection, valid
certificates on the day, findings from the compendium in force, measures with their documents
and due dates, and closing only when follow-ups and documents are complete."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.catalog.selectors import compendium_search
from sanxiang.core.models import CalendarOverride
from sanxiang.documents.models import Document
from sanxiang.inspections import services
from sanxiang.inspections.models import InspectionPlan
from sanxiang.inspections.workflow import InspectionStatus, PlanStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org import services as org
from sanxiang.testing import factories


def test_plan_is_approved_by_the_head_and_issues_the_numbered_plan(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], approved=False)
    with pytest.raises(PermissionDenied):
        services.inspection_plan_approve(actor=team["officer"], plan=plan)
    services.inspection_plan_submit(actor=team["officer"], plan=plan)
    plan = services.inspection_plan_approve(actor=team["head"], plan=plan, opinion="同意。")
    assert plan.status == PlanStatus.APPROVED
    assert plan.document.type_code == "inspection_plan"
    year = timezone.localdate().year
    assert plan.document.number.text == f"测（甲）煤安检方〔{year}〕1号"


def test_plan_lists_items_officers_and_dates(team, officers):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.inspection_plan_create(
            actor=team["officer"],
            agency=team["officer"].agency,
            mine=team["mine"],
            item_codes=[],
            content="",
            officers=[team["officer"]],
            planned_start=today,
            planned_end=today - datetime.timedelta(days=1),
        )
    assert {"item_codes", "content", "officers", "planned_end"} <= set(exc.value.message_dict)
    assert not InspectionPlan.objects.exists()


def test_no_inspection_without_an_approved_plan(team, officers):
    """JL-TXT-3a: opening an on-site inspection without an approved plan is refused."""
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], approved=False)
    for state in ("draft", "submitted"):
        assert plan.status == state
        with pytest.raises(ValidationError) as exc:
            factories.inspection(plan=plan)
        message = exc.value.message_dict["plan"][0]
        assert (
            "没有经批准的检查方案，不能开始现场检查" in message
            and "《实施办法》四（一）3" in message
        )
        if state == "draft":
            plan = services.inspection_plan_submit(actor=team["officer"], plan=plan)
    assert not LedgerEntry.objects.filter(action="inspection.open").exists()


def test_the_plan_approval_precedes_the_inspection_in_the_ledger(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    approval = services.plan_approval_entry(plan)
    opening = LedgerEntry.objects.get(action="inspection.open", object_id=str(inspection.pk))
    assert approval.seq < opening.seq
    assert json.loads(opening.body)["details"]["plan_approval_seq"] == approval.seq


def test_an_officer_with_an_expired_certificate_is_refused(team, officers):
    """GS-MID-1: every officer present needs a certificate valid on the inspection day."""
    lapsed = factories.officer(agency=team["officer"].agency, certified=False, full_name="孙涛")
    today = timezone.localdate()
    org.certificate_issue(
        actor=factories.superuser(),
        holder=lapsed,
        number="T-EXPIRED-1",
        issuing_authority="测试省人民政府",
        issued_on=today - datetime.timedelta(days=5 * 365),
        expires_on=today - datetime.timedelta(days=1),
    )
    crew = [team["officer"], lapsed]
    plan = factories.inspection_plan(officers=crew, mine=team["mine"], head=team["head"])
    with pytest.raises(ValidationError) as exc:
        factories.inspection(plan=plan)
    message = exc.value.message_dict["officers"][0]
    assert "孙涛的执法证（证号 T-EXPIRED-1）已于" in message and "过期" in message
    assert "《实施办法》三（二）1" in message
    assert not LedgerEntry.objects.filter(action="inspection.open").exists()


def test_suspended_certificate_single_officer_and_no_identity_are_refused(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    org.certificate_set_status(
        actor=factories.superuser(),
        certificate=team["partner"].certificates.get(),
        status="suspended",
        reason="调查期间暂扣",
    )
    with pytest.raises(ValidationError) as exc:
        services.inspection_open(
            actor=team["officer"],
            plan=plan,
            officers=[team["officer"]],
            inspected_on=timezone.localdate() + datetime.timedelta(days=30),
            location="井下",
            identity_shown=False,
        )
    errors = exc.value.message_dict
    assert "不得少于2人" in errors["officers"][0]
    assert {"inspected_on", "identity_shown"} <= set(errors)
    with pytest.raises(ValidationError) as exc:
        factories.inspection(plan=plan)
    assert "已暂扣" in exc.value.message_dict["officers"][0]


def test_findings_come_from_the_compendium_in_force_and_keep_a_snapshot(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    finding = factories.finding(inspection=inspection, code="WF-002", major_hazard=True)
    entry = finding.entry
    assert (finding.entry_code, finding.description, finding.penalty_provision) == (
        entry.code,
        entry.description,
        entry.penalty_provision,
    )
    assert finding.compendium_version_id == entry.version_id
    # An entry of a version not in force on the inspection day is refused.
    draft = factories.catalog_team(agency=team["officer"].agency.parent)
    from sanxiang.catalog.services import catalog_version_create

    version = catalog_version_create(
        actor=draft["editor"],
        agency=team["officer"].agency.parent,
        kind="violation_compendium",
        effective_from=timezone.localdate() + datetime.timedelta(days=30),
        title="下一版（测试）",
    )
    not_in_force = version.violation_entries.first()
    assert not compendium_search(agency=inspection.agency).filter(pk=not_in_force.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            actor=team["officer"], inspection=inspection, entry=not_in_force, facts="x"
        )
    assert "《实施办法》四（一）3" in exc.value.message_dict["entry"][0]
    with pytest.raises(ValidationError) as exc:
        services.finding_add(actor=team["officer"], inspection=inspection, entry=entry, facts=" ")
    assert "facts" in exc.value.message_dict


def test_measure_issues_its_document_with_a_due_date_that_skips_rest_days(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    finding = factories.finding(inspection=inspection)
    last = inspection.inspected_on + datetime.timedelta(days=7)
    CalendarOverride.objects.create(date=last, is_workday=False, name="测试休息日")
    measure = services.onsite_measure_take(
        actor=team["officer"],
        inspection=inspection,
        kind="rectify_within_limit",
        finding=finding,
        content="责令于期限内完成全员安全培训并建立培训档案。",
        days=7,
    )
    assert measure.document.type_code == "rectification_order"
    assert measure.due_on > last  # the period ends on the next working day
    withdraw = services.onsite_measure_take(
        actor=team["officer"],
        inspection=inspection,
        kind="withdraw_workers",
        content="立即从该工作面撤出作业人员。",
    )
    assert withdraw.document.type_code == "withdraw_order" and withdraw.due_on is None
    with pytest.raises(ValidationError) as exc:
        services.onsite_measure_take(
            actor=team["officer"],
            inspection=inspection,
            kind="rectify_within_limit",
            content="限期整改",
            days=None,
            legal_basis="安全生产法第六十五条",
        )
    assert {"days", "legal_basis"} <= set(exc.value.message_dict)


def test_closing_waits_for_the_follow_up_and_complete_documents(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    measure = services.onsite_measure_take(
        actor=team["officer"],
        inspection=inspection,
        kind="rectify_within_limit",
        content="限期完成培训。",
        days=10,
    )
    inspection = services.inspection_complete(
        actor=team["officer"], inspection=inspection, summary="检查了培训记录。"
    )
    assert inspection.record_document.type_code == "onsite_record"
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(
            actor=team["officer"], inspection=inspection, result_summary="责令整改。"
        )
    assert "未复查" in exc.value.message_dict["measures"][0]
    services.onsite_measure_verify(
        actor=team["partner"],
        measure=measure,
        verification="rectified",
        verified_on=timezone.localdate(),
        note="已完成培训并建档。",
    )
    from sanxiang.documents.services import document_void

    document_void(actor=team["head"], document=measure.document, reason="测试：文书作废")
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(
            actor=team["officer"], inspection=inspection, result_summary="已整改。"
        )
    assert "责令限期整改指令书" in exc.value.message_dict["documents"][0]
    assert Document.objects.filter(status="voided").count() == 1


def test_a_full_inspection_closes(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    services.inspection_complete(actor=team["officer"], inspection=inspection, summary="无问题。")
    inspection = services.inspection_close(
        actor=team["head"], inspection=inspection, result_summary="未发现问题。"
    )
    assert inspection.status == InspectionStatus.CLOSED
    actions = list(
        LedgerEntry.objects.filter(object_type="inspections.inspection").values_list(
            "action", flat=True
        )
    )
    assert actions == ["inspection.open", "inspection.complete", "inspection.close"]


def test_officers_outside_the_team_cannot_act(team, officers, province):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    stranger = factories.officer(agency=province["a"])
    with pytest.raises(PermissionDenied):
        services.inspection_complete(actor=stranger, inspection=inspection, summary="x")
    outsider = factories.officer(agency=province["b"])
    with pytest.raises(PermissionDenied):
        services.inspection_complete(actor=outsider, inspection=inspection, summary="x")
