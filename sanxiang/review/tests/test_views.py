"""The review pages, without JavaScript: the officer submits from his queue, the reviewer takes,
receives, answers the checklist and issues an opinion, the officer resubmits; every page of the
app answers 200 to those who may see it and 404 to others."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from sanxiang.review.models import ChecklistItem
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _checklist_post(problems=None):
    problems = problems or {}
    data = {}
    for item in ChecklistItem:
        data[f"{item.value}_finding"] = "problem" if item.value in problems else "ok"
        data[f"{item.value}_notes"] = problems.get(item.value, "")
    return data


def test_the_whole_round_through_the_pages(major_case, team):
    officer, reviewer, head = (_client(team[k]) for k in ("officer", "reviewer", "head"))
    home = officer.get("/review/").content.decode()
    assert "待送法制审核的重大执法决定" in home and "SH2-02M" in home
    submit_url = re.search(r'href="(/review/submit/\d+/)"', home).group(1)
    page = officer.get(submit_url).content.decode()
    assert "案件处理呈报书" in page and "本人对送审材料的真实性" in page
    refused = officer.post(submit_url, {"reviewing_agency": major_case.agency_id})
    assert refused.status_code == 400 and "《实施办法》五（四）4" in refused.content.decode()
    response = officer.post(
        submit_url, {"reviewing_agency": major_case.agency_id, "declaration": "on"}
    )
    assert response.status_code == 302
    detail = response["Location"]
    review_id = int(detail.strip("/").split("/")[-1])

    queue = reviewer.get("/review/").content.decode()
    assert major_case.cause in queue and "未分配" in queue
    assert "接收材料（材料齐全）" in reviewer.get(detail).content.decode()
    assert (
        reviewer.post(
            f"{detail}do/receive/", {"received_on": timezone.localdate().isoformat()}
        ).status_code
        == 302
    )
    queue = reviewer.get("/review/").content.decode()
    assert "审核期限" in queue
    form = reviewer.get(f"{detail}do/checklist/").content.decode()
    assert "执法主体是否合法" in form and "今日有效" in form  # the certificate hint
    partial = reviewer.post(f"{detail}do/checklist/", {"procedure_finding": "problem"})
    assert partial.status_code == 400 and "有问题的，请写明问题所在" in partial.content.decode()
    assert (
        reviewer.post(
            f"{detail}do/checklist/", _checklist_post({"law_discretion": "裁量不当。"})
        ).status_code
        == 302
    )
    assert (
        reviewer.post(
            f"{detail}do/opinion/",
            {
                "kind": "change",
                "grounds": ["discretion"],
                "reasons": "罚款数额与裁量基准不符。",
                "proposed_change": "罚款人民币5万元。",
            },
        ).status_code
        == 302
    )
    page = officer.get(detail).content.decode()
    assert "罚款人民币5万元" in page and "再次送审" in page and "对审核意见提出异议" in page
    pdf = re.search(r'href="(/review/\d+/documents/\d+\.pdf)"', page).group(1)
    assert officer.get(pdf)["Content-Type"] == "application/pdf"
    # HTMX loads a step's form into the page; the plain page works the same without it.
    fragment = officer.get(f"{detail}do/contest/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="action-form"' in fragment
    assert officer.post(f"{detail}do/resubmit/", {"response": "x"}).status_code == 400
    assert head.get("/").status_code == 200
    assert review_id


def test_pages_for_each_role_and_hidden_from_others(major_case, team, province):
    review = factories.review_submitted(case=major_case, officer=team["officer"])
    review = factories.review_in_progress(review=review, reviewer=team["reviewer"])
    urls = [
        "/review/",
        "/review/all/",
        "/review/all/?status=in_review&q=泰安",
        f"/review/{review.pk}/",
        "/review/statistics/",
        "/review/statistics/?year=2026",
    ]
    for user in (
        team["reviewer"],
        team["head"],
        factories.legal_reviewer(agency=province["provincial"]),
    ):
        client = _client(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    reviewer = _client(team["reviewer"])
    for action in ("assign", "checklist", "inquiry", "opinion"):
        assert reviewer.get(f"/review/{review.pk}/do/{action}/").status_code == 200, action
    assert _client(team["head"]).get(f"/review/{review.pk}/do/extend/").status_code == 200
    assert reviewer.get(f"/review/{review.pk}/do/nonsense/").status_code == 404
    assert _client(team["officer"]).get("/review/statistics/").status_code == 403
    outsider = _client(factories.legal_reviewer(agency=province["b"]))
    assert outsider.get(f"/review/{review.pk}/").status_code == 404
    assert major_case.cause not in outsider.get("/review/all/").content.decode()


def test_inquiry_and_withdrawal(major_case, team):
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=team["officer"]),
        reviewer=team["reviewer"],
    )
    reviewer = _client(team["reviewer"])
    response = reviewer.post(
        f"/review/{review.pk}/do/inquiry/",
        {
            "kind": "hear_party",
            "occurred_on": timezone.localdate().isoformat(),
            "persons": "矿长张某",
            "content": "当事人确认未组织培训。",
        },
    )
    assert response.status_code == 302
    assert "矿长张某" in reviewer.get(f"/review/{review.pk}/").content.decode()
    officer = _client(team["officer"])
    assert officer.post(f"/review/{review.pk}/do/withdraw/", {"reason": "x"}).status_code == 400
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW  # in review: no withdrawal


def test_the_case_page_lists_its_reviews_with_rounds_status_and_due_dates(
    major_case, team, province
):
    """The case page links to its legal review and shows each round: when it was submitted,
    the opinion or the state it is in, and its due date (SH-RESP-2) — for those who may see
    the review (``review_list``'s scope), and for nobody else."""
    from sanxiang.cases import services as cases
    from sanxiang.review import selectors, services

    officer, reviewer, head = team["officer"], team["reviewer"], team["head"]
    page = _client(officer).get(f"/cases/{major_case.pk}/").content.decode()
    assert 'id="reviews"' not in page  # nothing submitted yet
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"law_discretion": "罚款幅度超出裁量基准。"}
    )
    first = services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="change",
        reasons="罚款数额与裁量基准不符。",
        grounds=["discretion"],
        proposed_change="建议处以罚款人民币5万元。",
    )
    case = cases.case_reinvestigate(actor=officer, case=major_case, reason="按审核意见变更")
    case = factories.case_to_decision(case=case, officer=officer, head=head, fine="50000")
    review = services.review_resubmit(
        actor=officer, review=review, response="已采纳变更意见。", declaration=True
    )
    review = services.review_receive(actor=reviewer, review=review)

    page = _client(officer).get(f"/cases/{case.pk}/").content.decode()
    section = page[page.index('id="reviews"') :]
    section = section[: section.index("</table>")]
    assert f'href="/review/{review.pk}/"' in section and "审核中" in section
    assert "第2轮" in section and "第1轮" in section and "审核意见：变更" in section
    assert section.index("第2轮") < section.index("第1轮")  # newest round first
    assert review.due_on.isoformat() in section and first.due_on.isoformat() in section
    rows = selectors.case_reviews(user=officer, case=case)
    assert [r.number for r in rows[0].rounds] == [2, 1]
    assert rows[0].rounds[0].due_on == review.due_on and not rows[0].rounds[0].overdue

    superior = factories.head(agency=province["provincial"])
    assert selectors.case_reviews(user=superior, case=case)[0].review == review
    sibling = factories.head(agency=province["b"])
    assert selectors.case_reviews(user=sibling, case=case) == []
    assert _client(sibling).get(f"/cases/{case.pk}/").status_code == 404


def test_the_review_workflow_is_drawn_as_a_flowchart():
    """GS-PRE-2.4: the legal review's transition table is registered for the published
    procedures (the page itself: ``portal/tests/test_portal.py``)."""
    from sanxiang.catalog.procedures import WORKFLOW_TABLES, workflow_chart, workflow_steps
    from sanxiang.review.workflow import TRANSITIONS

    assert WORKFLOW_TABLES["legal_review"] == "sanxiang.review.workflow"
    chart = workflow_chart("legal_review")
    assert chart.startswith("<svg") and "重大执法决定法制审核流程" in chart
    for status in ReviewStatus:
        assert str(status.label) in chart
    for transition in TRANSITIONS:
        assert str(transition.label) in chart
    steps = workflow_steps("legal_review")
    assert ("审核中", "提出同意的审核意见", "审核通过") in steps
    assert ("已提出审核意见（退回承办机构）", "对审核意见提出异议", "有异议（待集体讨论）") in steps
