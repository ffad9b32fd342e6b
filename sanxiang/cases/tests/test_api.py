"""The inspection and case API: a case from the plan to the decision and its service, with
stale steps refused, and the checklist, documents and timeline readable."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from sanxiang.catalog.selectors import compendium_search
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def post(client, url, body, status=200):
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def test_plan_inspection_case_and_decision_through_the_api(team, officers):
    officer, head = client_for(team["officer"]), client_for(team["head"])
    today = timezone.localdate()
    plan = post(
        officer,
        "/api/inspections/plans",
        {
            "mine_id": team["mine"].pk,
            "item_codes": ["SJ-003"],
            "content": "检查安全培训。",
            "officer_ids": [o.pk for o in officers],
            "planned_start": today.isoformat(),
            "planned_end": (today + datetime.timedelta(days=3)).isoformat(),
        },
        201,
    )
    plan_url = f"/api/inspections/plans/{plan['id']}"
    opening = {
        "officer_ids": [o.pk for o in officers],
        "inspected_on": today.isoformat(),
        "location": "井下",
        "identity_shown": True,
    }
    refused = officer.post(f"{plan_url}/inspection", opening, content_type="application/json")
    assert (
        refused.status_code == 422
        and "《实施办法》四（一）3" in refused.json()["errors"][0]["message"]
    )
    post(officer, f"{plan_url}/submit", {"expected_status": "draft"})
    stale = officer.post(
        f"{plan_url}/submit", {"expected_status": "draft"}, content_type="application/json"
    )
    assert stale.status_code == 422 and stale.json()["errors"][0]["field"] == "expected_status"
    approved = post(
        head, f"{plan_url}/approve", {"expected_status": "submitted", "opinion": "同意。"}
    )
    assert approved["document_number"].startswith("测（甲）煤安检方〔")
    inspection = post(officer, f"{plan_url}/inspection", opening, 201)
    entry = compendium_search(agency=team["mine"].supervising_agency).get(code="WF-001")
    url = f"/api/inspections/inspections/{inspection['id']}"
    finding = post(officer, f"{url}/findings", {"entry_id": entry.pk, "facts": "无培训记录。"}, 201)
    assert finding["entry_code"] == "WF-001" and finding["violated_provision"]
    measure = post(
        officer,
        f"{url}/measures",
        {"kind": "rectify_within_limit", "content": "限期完成培训。", "days": 15},
        201,
    )
    assert measure["due_on"] and measure["document_number"]
    post(officer, f"{url}/complete", {"expected_status": "open", "summary": "检查了培训。"})

    case = post(
        officer,
        "/api/cases/cases",
        {
            "finding_ids": [finding["id"]],
            "cause": "未按规定开展安全培训案",
            "officer_ids": [o.pk for o in officers],
        },
        201,
    )
    case_url = f"/api/cases/cases/{case['id']}"
    assert case["status"] == "filing_pending" and "approve_filing" in case["available_actions"]
    post(
        head, f"{case_url}/approve-filing", {"expected_status": "filing_pending", "opinion": "同意"}
    )
    case = post(
        officer,
        f"{case_url}/report",
        {
            "facts": "该矿未对井下作业人员进行安全培训。",
            "evidence": "现场检查记录；询问笔录。",
            "violated_provisions": "《中华人民共和国安全生产法》第二十八条",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_kinds": ["fine"],
            "fine_amount": "20000",
            "decision_text": "罚款人民币2万元。",
        },
    )
    assert case["status"] == "reported"
    post(head, f"{case_url}/approve-report", {"expected_status": "reported", "opinion": "同意"})
    now = timezone.now()
    from sanxiang.cases.models import Case

    factories.notice_recording(case=Case.objects.get(pk=case["id"]), actor=team["officer"], at=now)
    case = post(officer, f"{case_url}/notice", {"notified_at": now.isoformat()})
    assert case["statement_due"] and case["status"] == "notified"
    post(
        officer,
        f"{case_url}/statements",
        {"kind": "waiver", "content_text": "放弃。", "received_on": today.isoformat()},
        201,
    )
    post(officer, f"{case_url}/close-notice", {"expected_status": "notified"})
    case = post(head, f"{case_url}/decision", {"expected_status": "pending_decision"})
    assert case["decision_number"].startswith("测（甲）煤安罚〔")
    assert case["publication_due"] and case["fine_amount"] == "20000.00"
    case = post(
        officer,
        f"{case_url}/service",
        {
            "served_on": today.isoformat(),
            "method": "direct",
            "recipient": "张矿长",
            "officer_ids": [o.pk for o in officers],
            "identity_shown": True,  # the servers showed their certificates (ADR 0231)
            "shown_at": timezone.now().isoformat(),
        },
    )
    assert case["status"] == "served" and case["payment_due"]

    checklist = officer.get(f"{case_url}/checklist").json()
    decision = next(s for s in checklist if s["stage"] == "decision")
    assert decision["complete"] and decision["items"][0]["document_numbers"]
    documents = officer.get(f"{case_url}/documents").json()
    assert {"filing_approval", "case_report", "penalty_notice", "penalty_decision"} <= {
        d["type_code"] for d in documents
    }
    timeline = officer.get(f"{case_url}/timeline").json()
    assert [e["action"] for e in timeline][:3] == [
        "case.file",
        "document.issue",
        "case.approve_filing",
    ]
    assert all(e["action_label"] for e in timeline)


def test_other_units_see_no_case(team, officers, province):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    stranger = client_for(factories.officer(agency=province["b"]))
    assert stranger.get(f"/api/cases/cases/{case.pk}").status_code == 404
    assert stranger.get("/api/cases/cases").json()["count"] == 0
    response = stranger.post(
        f"/api/cases/cases/{case.pk}/report", {"facts": "x"}, content_type="application/json"
    )
    assert response.status_code in (404, 422)
