"""Who may review and who may see (SH-ORG-1, SH-RESP-4, SH-RESP-5): nobody reviews a case he
handled; a sub-bureau's reviewers never see a sibling's reviews, the superior's see those
addressed to it (and supervise the rest); the submission is addressed to the deciding agency's
review office or to the superior's."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.cases import gate
from sanxiang.cases import services as cases
from sanxiang.cases.models import ProposalKind
from sanxiang.cases.workflow import CaseStatus
from sanxiang.org.roles import Role
from sanxiang.org.services import staff_update
from sanxiang.review import rules, selectors, services
from sanxiang.review.forms import AssignForm
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def double_hatted(team):
    """An officer of the case who also holds the legal-reviewer role."""
    return staff_update(
        actor=factories.superuser(),
        staff=team["partner"],
        roles=[Role.OFFICER, Role.LEGAL_REVIEWER],
    )


def test_a_reviewer_cannot_review_his_own_case(major_case, team, double_hatted):
    review = factories.review_submitted(case=major_case, officer=team["officer"])
    assert rules.conflict_reasons(double_hatted, major_case) == [
        "是本案承办人员",
        "参与本案来源的现场检查",
    ]
    with pytest.raises(PermissionDenied) as exc:  # he cannot take it himself
        services.review_assign(actor=double_hatted, review=review, reviewer=double_hatted)
    assert "不能审核本案" in str(exc.value)
    with pytest.raises(ValidationError) as exc:  # nor can the head give it to him
        services.review_assign(actor=team["head"], review=review, reviewer=double_hatted)
    assert "是本案承办人员" in exc.value.message_dict["reviewer"][0]
    with pytest.raises(PermissionDenied):  # nor receive it unassigned
        services.review_receive(actor=double_hatted, review=review)
    # … and he is never offered.
    form = AssignForm(review=review, user=team["head"])
    assert list(form.fields["reviewer"].queryset) == [team["reviewer"]]
    assert selectors.review_queue(user=double_hatted) == []


def test_whoever_filed_or_signed_an_act_is_refused_too(team, officers, province):
    """Present at an inquiry of the case (signing its record) is handling the case."""
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    witness = factories.officer(agency=province["a"], full_name="周见证")
    witness = staff_update(
        actor=factories.superuser(), staff=witness, roles=[Role.OFFICER, Role.LEGAL_REVIEWER]
    )
    now = timezone.now()
    cases.case_investigation_record(
        actor=team["officer"],
        case=case,
        kind="inquiry",
        content_text="询问矿长培训情况。",
        officers=[team["officer"], witness],
        started_at=now - datetime.timedelta(minutes=30),
        ended_at=now,
        identity_shown=True,
        questioned=factories.QUESTIONED,
    )
    assert rules.conflict_reasons(witness, case) == ["参与本案调查取证或紧急措施"]
    assert rules.conflict_reasons(team["reviewer"], case) == []
    case.created_by = team["reviewer"]  # as if he had asked for the case to be filed
    assert rules.conflict_reasons(team["reviewer"], case) == ["提请本案立案"]


def test_superuser_is_no_reviewer(major_case, team):
    review = factories.review_submitted(case=major_case, officer=team["officer"])
    with pytest.raises(PermissionDenied):
        services.review_receive(actor=factories.superuser(), review=review)
    with pytest.raises(PermissionDenied):  # nor the case side's declarant (SH-RESP-4)
        factories.review_submitted(case=major_case, officer=factories.superuser())


def test_sub_bureau_b_never_sees_sub_bureau_a(major_case, team, province):
    review = factories.review_submitted(case=major_case, officer=team["officer"])
    outsider = factories.legal_reviewer(agency=province["b"])
    head_b = factories.head(agency=province["b"])
    for user in (outsider, head_b):
        assert not selectors.review_list(user=user).exists()
        assert selectors.review_queue(user=user) == []
        client = _client(user)
        assert client.get(f"/review/{review.pk}/").status_code == 404
        assert client.get(f"/review/{review.pk}/do/receive/").status_code == 404
        assert client.get(f"/api/review/reviews/{review.pk}").status_code == 404
        response = client.post(
            f"/api/review/reviews/{review.pk}/receive",
            {"complete": True},
            content_type="application/json",
        )
        assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.review_receive(actor=outsider, review=review)
    # The superior agency supervises: its reviewer sees the review but does not hold it.
    provincial = factories.legal_reviewer(agency=province["provincial"])
    assert list(selectors.review_list(user=provincial)) == [review]
    assert selectors.review_queue(user=provincial) == []
    with pytest.raises(PermissionDenied) as exc:
        services.review_receive(actor=provincial, review=review)
    assert "测试省局甲分局的法制审核机构" in str(exc.value)


def test_the_superior_takes_the_review(major_case, team, province):
    provincial = province["provincial"]
    with pytest.raises(ValidationError) as exc:  # an office without reviewers (SH-ORG-3)
        factories.review_submitted(
            case=major_case, officer=team["officer"], reviewing_agency=province["national"]
        )
    assert "没有在岗的法制审核人员" in exc.value.message_dict["reviewing_agency"][0]
    with pytest.raises(ValidationError) as exc:  # a sibling never reviews (SH-ORG-1)
        factories.legal_reviewer(agency=province["b"])
        factories.review_submitted(
            case=major_case, officer=team["officer"], reviewing_agency=province["b"]
        )
    assert "《实施办法》五（一）1" in exc.value.message_dict["reviewing_agency"][0]
    upper = factories.legal_reviewer(agency=provincial, full_name="省局审核员")
    review = factories.review_submitted(
        case=major_case, officer=team["officer"], reviewing_agency=provincial
    )
    assert [row.review for row in selectors.review_queue(user=upper)] == [review]
    assert selectors.review_queue(user=team["reviewer"]) == []  # not the sub-bureau's office
    assert not selectors.review_list(user=factories.legal_reviewer(agency=province["b"])).exists()
    with pytest.raises(PermissionDenied):
        services.review_receive(actor=team["reviewer"], review=review)
    review = factories.review_in_progress(review=review, reviewer=upper)
    factories.review_checklist(review=review, reviewer=upper)
    opinion = services.opinion_issue(actor=upper, review=review, kind="approve", reasons="同意。")
    assert opinion.document.agency == provincial
    assert opinion.document.number.text.startswith("测煤安法审〔")
    # The case team reads the superior's opinion on its ground (the case, ADR 0123), through the
    # review or by the document's own link; an officer of the sub-bureau outside the team, who
    # does not even see the superior's documents, gets the answer of a missing one.
    officer = _client(team["officer"])
    assert officer.get(f"/inspections/documents/{opinion.document.pk}.pdf").status_code == 200
    response = officer.get(f"/review/{review.pk}/documents/{opinion.document.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    outsider = _client(factories.officer(agency=province["a"], full_name="周外"))
    assert outsider.get(f"/inspections/documents/{opinion.document.pk}.pdf").status_code == 404
    assert cases.decision_issue(actor=team["head"], case=major_case).status == CaseStatus.DECIDED


def test_only_the_case_side_submits_and_only_major_decisions(team, officers, province):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    with pytest.raises(ValidationError) as exc:  # 10,000 CNY on a mine is not major
        services.review_submit(
            actor=team["officer"], case=case, proposal=proposal, declaration=True
        )
    assert "《实施办法》五（二）2" in exc.value.message_dict["proposal"][0]
    with pytest.raises(PermissionDenied):
        services.review_submit(
            actor=factories.officer(agency=province["a"]),  # not on the case
            case=case,
            proposal=proposal,
            declaration=True,
        )


def test_declaration_is_required_and_nothing_is_saved_without_it(major_case, team):
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    with pytest.raises(ValidationError) as exc:
        services.review_submit(
            actor=team["officer"], case=major_case, proposal=proposal, declaration=False
        )
    assert "《实施办法》五（四）4" in exc.value.message_dict["declaration"][0]
    assert not selectors.review_list(user=team["head"]).exists()
    review = factories.review_submitted(case=major_case, officer=team["officer"])
    with pytest.raises(ValidationError) as exc:  # one open review per decision
        factories.review_submitted(case=major_case, officer=team["officer"])
    assert "已在法制审核中" in exc.value.message_dict["proposal"][0]
    assert review.status == ReviewStatus.SUBMITTED
