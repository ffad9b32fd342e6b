"""The archive through the API and the pages: who may do what, bad input, no partial write."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanxiang.archive.models import ArchiveUnit, UnitStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    client.get("/account/")
    return client


def _post(client, path, body):
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


@pytest.fixture
def unit(team):
    from sanxiang.inspections import services as inspections

    plan = factories.inspection_plan(
        officers=[team["officer"], team["partner"]], mine=team["mine"], head=team["head"]
    )
    visit = factories.inspection(plan=plan)
    inspections.inspection_complete(actor=team["officer"], inspection=visit, summary="无问题。")
    inspections.inspection_close(actor=team["officer"], inspection=visit, result_summary="无。")
    return ArchiveUnit.objects.get(inspection=visit)


def test_filing_through_the_api(team, unit):
    base = f"/api/archive/units/{unit.pk}"
    custodian, head = _client(team["custodian"]), _client(team["head"])
    listed = custodian.get("/api/archive/units?status=draft").json()
    assert [u["id"] for u in listed["items"]] == [unit.pk]
    detail = custodian.get(base).json()
    assert [i["seq"] for i in detail["items"]] == list(range(1, len(detail["items"]) + 1))
    assert detail["items"][0]["stage_label"] == "立案/受理"  # the inspection plan comes first
    response = _post(custodian, f"{base}/submit", {"expected_status": "draft"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    # An officer may not approve (403); a head of another sub-bureau does not see it (404).
    officer = _client(team["officer"])
    assert _post(officer, f"{base}/approve", {"expected_status": "submitted"}).status_code == 403
    stranger = _client(
        factories.head(
            agency=team["head"].agency.parent.children.exclude(pk=team["head"].agency_id).get()
        )
    )
    assert stranger.get(base).status_code == 404
    assert _post(stranger, f"{base}/approve", {"expected_status": "submitted"}).status_code == 404
    response = _post(head, f"{base}/approve", {"expected_status": "submitted", "opinion": "同意"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "filed" and body["archival_code"].endswith("-0001")
    assert body["retention_label"] == "10年"


BAD_BODIES = [
    {},
    {"expected_status": "filed"},
    {"expected_status": "submitted", "reason": ""},
    {"expected_status": "submitted", "reason": "x" * 501},
    {"expected_status": "submitted", "reason": "理由", "extra": 1},
    {"expected_status": "nonsense", "reason": "理由"},
    {"expected_status": "submitted", "reason": ["理由"]},
]


def test_bad_input_is_a_4xx_problem_and_writes_nothing(team, unit):
    from sanxiang.archive import services

    services.unit_submit(actor=team["custodian"], unit=unit)
    client = _client(team["head"])
    events = LedgerEntry.objects.count()
    for body in BAD_BODIES:
        response = _post(client, f"/api/archive/units/{unit.pk}/return", body)
        assert 400 <= response.status_code < 500, body
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["title"]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED and unit.status_reason == ""
    assert LedgerEntry.objects.count() == events


def test_unit_page_in_words(team, unit):
    import datetime

    from sanxiang.core import dashboard

    # The filing deadline reminds custodians and heads, not officers, once it is near or past.
    late = unit.filing_due + datetime.timedelta(days=1)
    assert dashboard.archive_filing_due(user=team["custodian"], today=unit.closed_on) == []
    (reminder,) = dashboard.archive_filing_due(user=team["custodian"], today=late)
    assert reminder.overdue and reminder.due == unit.filing_due and reminder.title == unit.title
    assert dashboard.archive_filing_due(user=team["head"], today=late)
    assert dashboard.archive_filing_due(user=team["officer"], today=late) == []
    client = _client(team["custodian"])
    page = client.get(f"/archive/{unit.pk}/").content.decode()
    for words in ("卷内目录", "提交归档", "现场检查方案", "归档期限至", "10年"):
        assert words in page, words
    for internal in ("inspection_plan", "draft", "10y", "archive.archiveunit"):
        assert internal not in page, internal
    listing = client.get("/archive/?kind=inspection&due=").content.decode()
    assert unit.title in listing
    # The step page's button says what it does, and the submission goes through the service.
    form = client.get(f"/archive/{unit.pk}/do/submit/").content.decode()
    assert "提交归档" in form
    response = client.post(f"/archive/{unit.pk}/do/submit/", {"confirm": "on"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED
    home = _client(team["head"]).get("/").content.decode()
    assert "档案待批准归档" in home and unit.title in home


def test_returning_needs_a_reason_on_the_page(team, unit):
    from sanxiang.archive import services

    services.unit_submit(actor=team["custodian"], unit=unit)
    client = _client(team["head"])
    response = client.post(f"/archive/{unit.pk}/do/return/", {"reason": ""})
    assert response.status_code == 400
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED
    response = client.post(f"/archive/{unit.pk}/do/return/", {"reason": "缺少复查记录"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.status == UnitStatus.RETURNED and unit.archival_code == ""
