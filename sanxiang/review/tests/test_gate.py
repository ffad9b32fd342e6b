"""SH-SCOPE-1 through the review app: a major decision is issued only after the review passed it —
not by the head, not by a superuser, not through the service, the API or the page; an emergency
measure executed first becomes a post-review item with its own deadline, overdue if not done."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.cases import gate
from sanxiang.cases import services as cases
from sanxiang.cases.workflow import CaseStatus
from sanxiang.core.workdays import add_working_days
from sanxiang.ledger.verification import verify_ledger
from sanxiang.review import selectors, services
from sanxiang.review.alerts import alerts_refresh
from sanxiang.review.models import AlertKind, ReviewAlert
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _decide_via_api(user, case):
    return _client(user).post(
        f"/api/cases/cases/{case.pk}/decision",
        {"expected_status": "pending_decision"},
        content_type="application/json",
    )


def test_nobody_issues_a_major_decision_without_a_passed_review(major_case, team):
    admin = factories.superuser()
    factories.review_in_progress(  # submitted and in review is not passed
        review=factories.review_submitted(case=major_case, officer=team["officer"]),
        reviewer=team["reviewer"],
    )
    for actor in (team["head"], admin):
        with pytest.raises(ValidationError) as exc:
            cases.decision_issue(actor=actor, case=major_case)
        assert "《实施办法》五（二）1" in exc.value.message_dict["review"][0]
        response = _decide_via_api(actor, major_case)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "review"
        page = _client(actor).post(f"/cases/{major_case.pk}/do/decide/", {"confirm": "on"})
        assert page.status_code == 400 and "《实施办法》五（二）1" in page.content.decode()
    major_case.refresh_from_db()
    assert major_case.status == CaseStatus.PENDING_DECISION and major_case.decision_document is None


def test_a_returned_opinion_does_not_open_the_gate_but_an_approval_does(major_case, team):
    reviewer = team["reviewer"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=team["officer"]),
        reviewer=reviewer,
    )
    factories.review_checklist(review=review, reviewer=reviewer, problems={"procedure": "x"})
    services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="correct",
        reasons="程序不合法。",
        proposed_change="纠正",
    )
    response = _decide_via_api(factories.superuser(), major_case)
    assert response.status_code == 422
    # A second review round on the same proposal, approved: now the superuser's API call passes.
    review = services.review_resubmit(
        actor=team["officer"], review=review, response="已纠正。", declaration=True
    )
    review = services.review_receive(actor=reviewer, review=review)
    factories.review_checklist(review=review, reviewer=reviewer)
    services.opinion_issue(actor=reviewer, review=review, kind="approve", reasons="同意。")
    response = _decide_via_api(factories.superuser(), major_case)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.DECIDED


def test_approval_of_a_replaced_proposal_is_refused(major_case, team):
    """Later edits make a new submission: the round in review goes stale and cannot be approved."""
    officer, reviewer, head = team["officer"], team["reviewer"], team["head"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    case = cases.case_reinvestigate(actor=officer, case=major_case, reason="补充证据")
    factories.case_to_decision(case=case, officer=officer, head=head, fine="70000")
    factories.review_checklist(review=review, reviewer=reviewer)
    with pytest.raises(ValidationError) as exc:
        services.opinion_issue(actor=reviewer, review=review, kind="approve", reasons="同意。")
    assert "再次送审" in exc.value.message_dict["proposal"][0]
    review = services.review_resubmit(
        actor=officer, review=review, response="罚款调整为7万元。", declaration=True
    )
    assert review.round == 2 and review.status == ReviewStatus.SUBMITTED
    assert review.current_submission.proposal_content["fine_amount"] == "70000.00"


def test_an_emergency_measure_is_a_post_review_item_that_becomes_overdue(emergency, team):
    case, act = emergency
    due = add_working_days(timezone.localdate(), 5).date
    (item,) = selectors.post_review_items(user=team["reviewer"])
    assert (item.case, item.proposal, item.due.date, item.review) == (case, act.proposal, due, None)
    (todo,) = selectors.submittable(user=team["officer"])
    assert todo.proposal == act.proposal
    html = _client(team["reviewer"]).get("/review/").content.decode()
    assert "紧急措施待事后法制审核" in html and due.isoformat() in html

    run = alerts_refresh(today=due)
    assert [a.kind for a in run.raised] == [AlertKind.POST_REVIEW_DUE_SOON]
    run = alerts_refresh(today=due + datetime.timedelta(days=1))
    assert [a.kind for a in run.raised] == [AlertKind.POST_REVIEW_OVERDUE]
    overdue = ReviewAlert.objects.get(resolved_at__isnull=True)
    assert overdue.escalated and "超期" in overdue.message
    assert "超期" in _client(team["head"]).get("/").content.decode()

    # The review afterwards: submitted, received (its own deadline), approved → cleared.
    review = services.review_submit(
        actor=team["officer"], case=case, proposal=act.proposal, declaration=True
    )
    assert review.post_review and review.kind == "emergency_measure"
    review = factories.review_in_progress(review=review, reviewer=team["reviewer"])
    assert review.due_on == due
    factories.review_checklist(review=review, reviewer=team["reviewer"])
    services.opinion_issue(
        actor=team["reviewer"], review=review, kind="approve", reasons="措施合法适当。"
    )
    case.refresh_from_db()
    assert not case.needs_post_review and not gate.post_review_pending(case)
    assert gate.passed_clearance(act.proposal, post_review=True)
    alerts_refresh(today=due + datetime.timedelta(days=1))
    assert not ReviewAlert.objects.filter(resolved_at__isnull=True).exists()
    assert selectors.post_review_items(user=team["reviewer"]) == []
    assert verify_ledger().ok
