"""The procedure as the transition table states it (JL-TXT-2): states, roles and teams, the
prior notice and its periods (GS-MID-2), recordings of the notice (JL-AV-2), stage documents
before each step and before closure (JL-TXT-3b), execution and its time limits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import deadlines, execution, gate, services
from sanxiang.cases.forms import STEPS
from sanxiang.cases.models import ProposalKind
from sanxiang.cases.steps import case_checklists
from sanxiang.cases.workflow import IN_STATE_ACTIONS, TRANSITIONS, CaseStatus
from sanxiang.catalog.procedures import workflow_chart, workflow_steps
from sanxiang.documents.models import Document
from sanxiang.documents.services import document_void
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


def test_the_table_is_complete_and_drawn_on_the_procedure_page():
    states = {t.source for t in TRANSITIONS} | {t.target for t in TRANSITIONS}
    assert states == set(CaseStatus.values)
    assert {t.action for t in TRANSITIONS + IN_STATE_ACTIONS} == set(STEPS)
    chart = workflow_chart("penalty")
    assert chart and "作出行政处罚决定" in chart and "告知" in chart
    assert ("待作出决定", "作出行政处罚决定", "已作出决定（待送达）") in workflow_steps("penalty")
    assert "开始现场检查" in workflow_chart("inspection")


def test_steps_from_the_wrong_state_or_by_the_wrong_person_are_refused(case, team, province):
    with pytest.raises(ValidationError) as exc:
        services.decision_issue(actor=team["head"], case=case)
    assert "调查取证" in exc.value.message_dict["status"][0]
    with pytest.raises(PermissionDenied):
        services.case_report_approve(actor=team["officer"], case=case)
    outsider = factories.officer(agency=province["a"])
    with pytest.raises(PermissionDenied):
        factories.case_report(case=case, actor=outsider)
    other_unit = factories.head(agency=province["b"])
    with pytest.raises(PermissionDenied):
        services.case_reinvestigate(actor=other_unit, case=case, reason="x")


def test_filing_needs_a_completed_inspection_and_findings_are_filed_once(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    finding = factories.finding(inspection=inspection)
    values = {"actor": team["officer"], "findings": [finding], "cause": "案", "officers": officers}
    with pytest.raises(ValidationError) as exc:
        services.case_file(**values)
    assert "结束现场检查" in exc.value.message_dict["findings"][0]
    from sanxiang.inspections import services as inspections

    inspections.inspection_complete(actor=team["officer"], inspection=inspection, summary="x")
    services.case_file(**values)
    with pytest.raises(ValidationError) as exc:
        services.case_file(**values)
    assert "已在其他案件中立案" in exc.value.message_dict["findings"][0]


def test_report_checks_every_field_and_the_legal_basis_in_force(case, team):
    with pytest.raises(ValidationError) as exc:
        services.case_report_submit(
            actor=team["officer"],
            case=case,
            facts="",
            evidence="",
            violated_provisions="《中华人民共和国安全生产法》第九百条",
            penalty_basis="安全生产法",
            penalty_kinds=["fine", "bogus"],
            decision_text="",
            fine_amount="-5",
        )
    errors = exc.value.message_dict
    assert {"facts", "evidence", "violated_provisions", "penalty_basis", "penalty_kinds"} <= set(
        errors
    )
    assert "不在施行中" in errors["violated_provisions"][0]
    assert "fine_amount" in errors
    assert not case.proposals.exists()


def test_notice_needs_a_recording_and_tells_rights_with_due_dates(case, team):
    case = factories.case_report(case=case, actor=team["officer"])
    case = services.case_report_approve(actor=team["head"], case=case)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.prior_notice_issue(actor=team["officer"], case=case, notified_at=now)
    assert "《实施办法》四（二）2" in exc.value.message_dict["recordings"][0]
    factories.notice_recording(case=case, actor=team["officer"], at=now)
    case = services.prior_notice_issue(actor=team["officer"], case=case, notified_at=now)
    assert case.statement_due == deadlines.statement_due(timezone.localdate(now)).date
    assert case.status == CaseStatus.NOTIFIED
    document = LedgerEntry.objects.filter(action="document.issue").latest("seq")
    content = Document.objects.get(pk=document.object_id).content
    rights = "".join(content["sections"][1]["paragraphs"])
    assert "陈述和申辩" in rights and "自收到本告知书之日起3个工作日内" in rights
    facts = "".join(content["sections"][0]["paragraphs"])
    assert "证据" in facts and "第九十七条" in facts and "罚款人民币10,000.00元" in facts


def test_the_decision_waits_for_the_statement_period_unless_waived(case, team):
    case = factories.case_report(case=case, actor=team["officer"])
    case = services.case_report_approve(actor=team["head"], case=case)
    now = timezone.now()
    factories.notice_recording(case=case, actor=team["officer"], at=now)
    case = services.prior_notice_issue(actor=team["officer"], case=case, notified_at=now)
    with pytest.raises(ValidationError) as exc:
        services.notice_close(actor=team["officer"], case=case)
    assert "届满" in exc.value.message_dict["status"][0]
    services.statement_record(
        actor=team["officer"],
        case=case,
        kind="defence",
        content_text="培训已于上月开展，只是记录未及时归档。",
        received_on=timezone.localdate(),
        adopted=False,
        handling="未提供培训签到等证据，不予采纳。",
    )
    with pytest.raises(ValidationError):
        services.notice_close(actor=team["officer"], case=case)
    with pytest.raises(ValidationError) as exc:  # no hearing: not within its scope
        services.hearing_request(
            actor=team["officer"], case=case, requested_on=timezone.localdate()
        )
    assert "听证范围" in exc.value.message_dict["status"][0]
    services.statement_record(
        actor=team["officer"],
        case=case,
        kind="waiver",
        content_text="当事人书面表示不再陈述申辩。",
        received_on=timezone.localdate(),
    )
    case = services.notice_close(actor=team["officer"], case=case)
    assert case.status == CaseStatus.PENDING_DECISION


def test_closure_is_refused_while_a_required_document_is_missing(case, team, officers):
    """JL-TXT-3b: a voided service receipt leaves the service stage incomplete."""
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    today = timezone.localdate()
    record = execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=today,
        method="direct",
        recipient="张矿长",
        officers=officers,
        **factories.shown_now(),
    )
    case.refresh_from_db()
    execution.payment_record(
        actor=team["officer"], case=case, amount="10000", paid_on=today, reference="P-1"
    )
    document_void(actor=team["head"], document=record.receipt, reason="签收人填写错误")
    case.refresh_from_db()
    service_stage = next(c for c in case_checklists(case) if c.stage == "service")
    assert [i.code for i in service_stage.missing] == ["service_receipt"]
    with pytest.raises(ValidationError) as exc:
        execution.case_close(actor=team["head"], case=case, summary="结案")
    message = exc.value.message_dict["documents"][0]
    assert "“送达”环节缺少《送达回执》" in message and "《实施办法》四（一）3" in message
    assert case.status == CaseStatus.EXECUTED


def test_without_stage_rules_nothing_can_be_checked_and_the_step_is_refused(case, team):
    from sanxiang.catalog.models import CatalogVersion

    CatalogVersion.objects.filter(kind="stage_rule").update(status="draft")  # setup only
    with pytest.raises(ValidationError) as exc:
        factories.case_report(case=case, actor=team["officer"])
    assert "未找到本单位适用的环节要求目录" in exc.value.message_dict["documents"][0]


def test_additional_fine_is_three_percent_a_day_capped_at_the_fine():
    due = datetime.date(2026, 3, 16)
    fine = Decimal("10000.00")
    assert deadlines.additional_fine(fine=fine, payment_due_on=due, as_of=due) == (0, Decimal(0))
    assert deadlines.additional_fine(
        fine=fine, payment_due_on=due, as_of=due + datetime.timedelta(days=1)
    ) == (1, Decimal("300.00"))
    assert deadlines.additional_fine(
        fine=fine, payment_due_on=due, as_of=due + datetime.timedelta(days=33)
    ) == (33, Decimal("9900.00"))
    assert deadlines.additional_fine(
        fine=fine, payment_due_on=due, as_of=due + datetime.timedelta(days=34)
    ) == (34, fine)


def test_publication_and_payment_clocks(db):
    # Periods start the day after: 7 working days from Mon 2026-06-01 end on Wed 06-10.
    assert deadlines.publication_due(datetime.date(2026, 6, 1)).date == datetime.date(2026, 6, 10)
    assert deadlines.payment_due(datetime.date(2026, 6, 1)).date == datetime.date(2026, 6, 16)
    # 15 days from Fri 2026-06-05 end on Sat 06-20: extended to the next working day.
    assert deadlines.payment_due(datetime.date(2026, 6, 5)).date == datetime.date(2026, 6, 22)
    later = deadlines.publication_due(datetime.date(2026, 12, 28))
    assert later.provisional and later.reasons  # 2027's arrangement is not loaded


D = datetime.date


@pytest.mark.parametrize(
    ("notified", "statement", "hearing"),
    [
        # served on a Friday: Mon, Tue, Wed — and the hearing request runs to the next Friday
        (D(2026, 11, 20), D(2026, 11, 25), D(2026, 11, 27)),
        # Thursday before Mid-Autumn (Fri 25 Sep 2026 off): 28, 29, 30 Sep; then 8, 9 Oct
        (D(2026, 9, 24), D(2026, 9, 30), D(2026, 10, 9)),
        # Wednesday before National Day 2026 (1–7 Oct off, Saturday 10 Oct worked)
        (D(2026, 9, 30), D(2026, 10, 10), D(2026, 10, 13)),
    ],
)
def test_statement_and_hearing_periods_are_working_days(db, notified, statement, hearing):
    """GS-MID-2: 行政处罚法第八十五条 — the law's 三日、五日 are working days, holidays excluded."""
    assert deadlines.statement_due(notified).date == statement
    assert deadlines.hearing_request_due(notified).date == hearing


def test_late_payment_leads_to_an_additional_fine_and_court_enforcement_both_gated(
    case, team, officers
):
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    served = timezone.localdate() - datetime.timedelta(days=40)
    case.decided_on = served  # (set up an old decision: outside the services, test only)
    case.save(update_fields=["decided_on"])
    execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=served,
        method="mail",
        recipient="张矿长",
    )
    case.refresh_from_db()
    proposal = execution.additional_fine_propose(actor=team["officer"], case=case)
    days = (timezone.localdate() - case.payment_due).days
    assert proposal.content["days"] == days
    assert Decimal(proposal.content["amount"]) == min(Decimal(300) * days, Decimal(10000))
    assert proposal.major and proposal.major_matches[0]["code"] == "SH2-07"
    with pytest.raises(ValidationError):
        execution.additional_fine_impose(actor=team["head"], case=case)
    factories.review_clearance(proposal=proposal)
    case = execution.additional_fine_impose(actor=team["head"], case=case)
    assert case.additional_fine_total == Decimal(proposal.content["amount"])
    court = execution.court_enforcement_propose(
        actor=team["officer"], case=case, court="测试市人民法院"
    )
    assert court.major_matches[0]["code"] == "SH2-09"
    with pytest.raises(ValidationError):
        execution.court_enforcement_apply(actor=team["head"], case=case)
    factories.review_clearance(proposal=court)
    case = execution.court_enforcement_apply(actor=team["head"], case=case)
    assert case.status == CaseStatus.ENFORCEMENT_APPLIED
    assert gate.pending_proposal(case, ProposalKind.COURT_ENFORCEMENT) is None
