"""SH-ORG-3 staffing at its 5% boundary, and the supervision statistics per agency (volume,
opinions by kind, pass rate, durations in working days, rounds), seen by heads and the
superior agency, never by a sibling."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from sanxiang.org.selectors import reviewer_staffing, staffing_by_agency
from sanxiang.review import selectors, services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.mark.parametrize(
    ("reviewers", "officers", "compliant", "shortfall"),
    [
        (1, 20, True, 0),  # exactly 5%: "不少于" includes it (SH-ORG-3)
        (1, 21, False, 1),
        (2, 40, True, 0),
        (2, 41, False, 1),
        (0, 0, True, 0),
        (0, 1, False, 1),
    ],
)
def test_reviewer_share_boundary(reviewers, officers, compliant, shortfall):
    staffing = reviewer_staffing(reviewers=reviewers, officers=officers)
    assert (staffing.compliant, staffing.shortfall) == (compliant, shortfall)


def test_staffing_per_agency_counts_the_subtree(province):
    for _ in range(20):
        factories.officer(agency=province["a"], certified=False)
    factories.officer(agency=province["b"], certified=False)
    factories.legal_reviewer(agency=province["a"])
    head = factories.head(agency=province["provincial"])
    rows = {agency.name: s for agency, s in staffing_by_agency(user=head)}
    assert (rows["测试省局甲分局"].reviewers, rows["测试省局甲分局"].officers) == (1, 20)
    assert rows["测试省局甲分局"].compliant
    assert not rows["测试省局乙分局"].compliant
    assert (rows["测试省局"].reviewers, rows["测试省局"].officers) == (1, 21)
    assert not rows["测试省局"].compliant
    html = _get(head, "/review/statistics/")
    assert "法制审核人员配备（《实施办法》五（一）3）" in html and "低于5%的要求" in html


def _get(user, url) -> str:
    client = Client()
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_statistics_per_agency(major_case, team, province):
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
    review = services.review_resubmit(
        actor=team["officer"], review=review, response="已纠正。", declaration=True
    )
    review = services.review_receive(actor=reviewer, review=review)
    factories.review_checklist(review=review, reviewer=reviewer)
    services.opinion_issue(actor=reviewer, review=review, kind="approve", reasons="同意。")
    year = review.created_at.year

    rows = selectors.review_statistics(user=team["head"], year=year)
    (row,) = [r for r in rows if r.agency == province["a"]]
    assert (row.reviews, row.opinions, row.open_now) == (1, 2, 0)
    assert row.by_kind == {"approve": 1, "investigate": 0, "change": 0, "correct": 1}
    assert row.share_by_kind["approve"] == Decimal("50.0")
    assert row.first_round_pass == Decimal("0.0")
    assert row.rounds_per_review == Decimal("2.0")
    assert row.average_days == Decimal("0.0") and row.overdue_opinions == 0
    assert rows[-1].agency is None and rows[-1].reviews == 1

    superior = factories.head(agency=province["provincial"])
    assert [r.reviews for r in selectors.review_statistics(user=superior, year=year)][-1] == 1
    sibling = factories.head(agency=province["b"])
    assert selectors.review_statistics(user=sibling, year=year)[-1].reviews == 0
    data = selectors.annual_report_data(user=superior, agency=province["provincial"], year=year)
    assert data["reviews"] == 1 and data["opinions"]["correct"] == 1
    html = _get(superior, f"/review/statistics/?year={year}")
    assert "测试省局甲分局" in html and "首轮通过率" in html
