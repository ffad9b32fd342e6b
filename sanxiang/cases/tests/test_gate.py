"""SH-SCOPE-1: a major decision cannot be issued without a passed legal review of the decision
as it stands — through the service and through the API, for everyone, superusers included.
The emergency path executes first and is reviewed afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.cases import execution, gate, selectors, services
from sanxiang.cases.models import ProposalKind, ReviewClearance
from sanxiang.cases.workflow import CaseStatus
from sanxiang.core.workdays import add_working_days
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.roles import Role
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def major_case(team, officers):
    """A fine of 50,000 CNY on a coal mine (SH2-02M), ready for the decision."""
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    return factories.case_to_decision(
        case=case, officer=team["officer"], head=team["head"], fine="50000"
    )


@pytest.fixture
def reviewer(province):
    return factories.staff(
        agency=province["a"], roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True
    )


def test_a_50000_fine_on_a_mine_is_major_and_refused_without_review(major_case, team):
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    assert proposal.major and proposal.major_matches[0]["code"] == "SH2-02M"
    for actor in (team["head"], factories.superuser()):
        with pytest.raises(ValidationError) as exc:
            services.decision_issue(actor=actor, case=major_case)
        message = exc.value.message_dict["review"][0]
        assert "SH2-02M" in message and "不得作出决定（《实施办法》五（二）1）" in message
    major_case.refresh_from_db()
    assert major_case.status == CaseStatus.PENDING_DECISION
    assert major_case.decision_document is None
    assert not LedgerEntry.objects.filter(action="case.decide").exists()


def test_the_api_refuses_too(major_case, team):
    for user in (team["head"], factories.superuser()):
        client = Client()
        sign_in(client, user)
        response = client.post(
            f"/api/cases/cases/{major_case.pk}/decision",
            {"expected_status": "pending_decision"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response["Content-Type"].startswith("application/problem+json")
        (error,) = response.json()["errors"]
        assert error["field"] == "review" and "《实施办法》五（二）1" in error["message"]


def test_a_passed_review_of_the_proposal_as_it_stands_lets_it_through(major_case, team, reviewer):
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    factories.review_clearance(proposal=proposal, reviewer=reviewer)
    case = services.decision_issue(actor=team["head"], case=major_case)
    assert case.status == CaseStatus.DECIDED
    entry = LedgerEntry.objects.get(action="case.decide")
    assert '"major":["SH2-02M"]' in entry.body and proposal.digest in entry.body


def test_a_proposal_changed_after_review_must_be_reviewed_again(major_case, team, reviewer):
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    factories.review_clearance(proposal=proposal, reviewer=reviewer)
    case = services.case_reinvestigate(
        actor=team["officer"], case=major_case, reason="审核后发现还需补充证据"
    )
    case = factories.case_to_decision(
        case=case, officer=team["officer"], head=team["head"], fine="60000"
    )
    with pytest.raises(ValidationError) as exc:
        services.decision_issue(actor=team["head"], case=case)
    assert "须重新送审" in exc.value.message_dict["review"][0]


def test_only_a_legal_reviewer_outside_the_case_records_a_clearance(major_case, team, reviewer):
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    for actor in (factories.superuser(), team["head"], team["officer"]):
        with pytest.raises(PermissionDenied):
            factories.review_clearance(proposal=proposal, reviewer=actor)
    with pytest.raises(ValidationError) as exc:
        gate.review_clearance_record(
            actor=reviewer,
            proposal=proposal,
            reviewed_digest="0" * 64,
            opinion_reference="法审〔测试〕2号",
        )
    assert "reviewed_digest" in exc.value.message_dict
    assert not ReviewClearance.objects.exists()


def test_a_non_major_decision_needs_no_review(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    assert not gate.pending_proposal(case, ProposalKind.PENALTY).major
    assert services.decision_issue(actor=team["head"], case=case).status == CaseStatus.DECIDED


def test_complex_case_and_decision_after_hearing_are_major(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    case = factories.case_report(
        case=case,
        actor=team["officer"],
        complex_case=True,
        complex_reason="涉及多个违法主体",
        hearing_applicable=True,
    )
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    assert [m["code"] for m in proposal.major_matches] == ["SH2-08"]
    case = services.case_report_approve(actor=team["head"], case=case)
    now = timezone.now()
    factories.notice_recording(case=case, actor=team["officer"], at=now)
    case = services.prior_notice_issue(actor=team["officer"], case=case, notified_at=now)
    assert {d.type_code for d in selectors.case_documents(case)} >= {
        "penalty_notice",
        "hearing_notice",
    }
    case = services.hearing_request(
        actor=team["officer"], case=case, requested_on=timezone.localdate()
    )
    host = factories.staff(agency=case.agency, roles=[Role.LEGAL_REVIEWER])
    with pytest.raises(ValidationError) as exc:
        services.hearing_hold(
            actor=team["officer"],
            case=case,
            held_on=timezone.localdate(),
            host=team["partner"],
            summary="x",
        )
    assert "调查人员" in exc.value.message_dict["host"][0]
    case = services.hearing_hold(
        actor=team["officer"],
        case=case,
        held_on=timezone.localdate(),
        host=host,
        summary="当事人陈述了意见，调查人员出示了证据。",
    )
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    assert {m["code"] for m in proposal.major_matches} == {"SH2-04", "SH2-08"}


def test_emergency_measure_executes_first_and_is_reviewed_within_five_working_days(
    team, officers, reviewer
):
    """SH-SCOPE-1 exception: executed at once, marked for review afterwards, closure waits."""
    case = factories.filed_case(
        officers=officers, mine=team["mine"], head=team["head"], code="WF-002", major_hazard=True
    )
    finding = case.findings.get()
    now = timezone.now()
    window = {"started_at": now - datetime.timedelta(minutes=40), "ended_at": now}
    with pytest.raises(ValidationError) as exc:  # sealing must be recorded in full (JL-AV-2)
        services.emergency_measure_execute(
            actor=team["officer"],
            case=case,
            measure="sealing",
            finding=finding,
            content_text="查封3号采煤工作面。",
            officers=officers,
            **factories.ONSITE_SHOWN,
            **window,
        )
    assert "《实施办法》四（二）2" in exc.value.message_dict["recordings"][0]
    with pytest.raises(ValidationError) as exc:  # not major: an ordinary on-site measure
        services.emergency_measure_execute(
            actor=team["officer"],
            case=case,
            measure="withdraw_workers",
            finding=finding,
            content_text="撤出作业人员。",
            officers=officers,
            **factories.ONSITE_SHOWN,
            **window,
        )
    assert "不属于重大执法决定" in exc.value.message_dict["measure"][0]
    factories.recording(
        actor=team["officer"],
        activity="sealing_seizure",
        subject=case,
        stage="sealing_seizure",
        started_at=(now - datetime.timedelta(hours=1)).isoformat(),
        ended_at=now.isoformat(),
    )
    act = services.emergency_measure_execute(
        actor=team["officer"],
        case=case,
        measure="sealing",
        finding=finding,
        content_text="查封3号采煤工作面，期限30日。",
        officers=officers,
        **factories.ONSITE_SHOWN,
        **window,
    )
    assert act.document.type_code == "sealing_decision"
    case.refresh_from_db()
    assert case.needs_post_review
    assert case.post_review_due == add_working_days(timezone.localdate(), 5).date
    assert [c.pk for c in gate.post_review_pending(case)] == [act.proposal_id]
    factories.review_clearance(proposal=act.proposal, reviewer=reviewer, post_review=True)
    case.refresh_from_db()
    assert not case.needs_post_review and not gate.post_review_pending(case)


def test_closure_is_refused_while_the_post_review_is_pending(team, officers):
    case = factories.filed_case(
        officers=officers, mine=team["mine"], head=team["head"], major_hazard=True
    )
    now = timezone.now()
    factories.recording(
        actor=team["officer"],
        activity="sealing_seizure",
        subject=case,
        started_at=(now - datetime.timedelta(hours=1)).isoformat(),
        ended_at=now.isoformat(),
    )
    services.emergency_measure_execute(
        actor=team["officer"],
        case=case,
        measure="seizure",
        finding=case.findings.get(),
        content_text="扣押无煤安标志的电气设备2台。",
        officers=officers,
        **factories.ONSITE_SHOWN,
        started_at=now - datetime.timedelta(minutes=30),
        ended_at=now,
    )
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    today = timezone.localdate()
    execution.service_record(
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
    case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        execution.case_close(actor=team["head"], case=case, summary="结案")
    assert "《实施办法》五（二）1" in exc.value.message_dict["status"][0]
