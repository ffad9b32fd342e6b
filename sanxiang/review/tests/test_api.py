"""The review API: the round trips of the services (approve on the first round; change →
resubmit → approve; correct → resubmit; disagreement → collective decision), each ending at the
cases API's decision, plus the head's one extension, the queue, alerts and statistics."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sanxiang.cases import gate
from sanxiang.cases import services as cases
from sanxiang.cases.models import ProposalKind
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.services import adviser_create
from sanxiang.review.models import ChecklistItem
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

API = "/api/review"


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def call(client, method, url, body=None, status=200):
    response = getattr(client, method)(url, body or {}, content_type="application/json")
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def checklist(problems=None):
    problems = problems or {}
    return {
        "answers": [
            {
                "item": item.value,
                "finding": "problem" if item.value in problems else "ok",
                "notes": problems.get(item.value, "经审查无问题。"),
            }
            for item in ChecklistItem
        ]
    }


def submit(officer, case):
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    body = {"case_id": case.pk, "proposal_id": proposal.pk, "declaration": True}
    return call(officer, "post", f"{API}/reviews", body, 201)


def take_and_receive(reviewer, review_id, reviewer_id):
    call(reviewer, "post", f"{API}/reviews/{review_id}/assign", {"reviewer_id": reviewer_id})
    return call(reviewer, "post", f"{API}/reviews/{review_id}/receive", {"complete": True})


def decide(head, case, status=200):
    return call(
        head,
        "post",
        f"/api/cases/cases/{case.pk}/decision",
        {"expected_status": "pending_decision"},
        status,
    )


def test_approve_on_the_first_round(major_case, team):
    officer, reviewer = client_for(team["officer"]), client_for(team["reviewer"])
    review = submit(officer, major_case)
    assert (
        review["status"] == "submitted"
        and review["submissions"][0]["declared_by_id"] == team["officer"].pk
    )
    url = f"{API}/reviews/{review['id']}"
    assert [r["id"] for r in call(reviewer, "get", f"{API}/queue")] == [review["id"]]
    review = take_and_receive(reviewer, review["id"], team["reviewer"].pk)
    assert review["status"] == "in_review" and review["due_on"]
    refused = call(reviewer, "post", f"{url}/opinion", {"kind": "approve", "reasons": "同意"}, 422)
    assert refused["errors"][0]["field"] == "checklist"
    state = call(reviewer, "put", f"{url}/checklist", checklist())
    assert len(state["submissions"][0]["checklist"]) == 9
    opinion = call(
        reviewer, "post", f"{url}/opinion", {"kind": "approve", "reasons": "同意。"}, 201
    )
    assert opinion["document_number"].startswith("测（甲）煤安法审〔") and not opinion["overdue"]
    assert call(reviewer, "get", url)["status"] == "cleared"
    assert decide(client_for(team["head"]), major_case)["status"] == "decided"


def test_change_resubmit_approve(major_case, team):
    officer, reviewer, head = (client_for(team[k]) for k in ("officer", "reviewer", "head"))
    review = submit(officer, major_case)
    url = f"{API}/reviews/{review['id']}"
    take_and_receive(reviewer, review["id"], team["reviewer"].pk)
    call(reviewer, "put", f"{url}/checklist", checklist({"law_discretion": "裁量不当。"}))
    opinion = call(
        reviewer,
        "post",
        f"{url}/opinion",
        {
            "kind": "change",
            "reasons": "罚款数额与裁量基准不符。",
            "grounds": ["discretion"],
            "proposed_change": "罚款人民币5万元。",
        },
        201,
    )
    assert opinion["kind"] == "change" and opinion["grounds"] == ["discretion"]
    decide(head, major_case, 422)
    case = cases.case_reinvestigate(actor=team["officer"], case=major_case, reason="按变更意见")
    case = factories.case_to_decision(
        case=case, officer=team["officer"], head=team["head"], fine="50000"
    )
    review = call(
        officer, "post", f"{url}/resubmit", {"response": "罚款调整为5万元。", "declaration": True}
    )
    assert review["round"] == 2 and review["status"] == "submitted"
    first, second = review["submissions"]
    assert first["proposal_digest"] != second["proposal_digest"]
    call(reviewer, "post", f"{url}/receive", {"complete": True})
    call(reviewer, "put", f"{url}/checklist", checklist())
    call(reviewer, "post", f"{url}/opinion", {"kind": "approve", "reasons": "同意。"}, 201)
    assert [o["kind"] for o in call(reviewer, "get", url)["opinions"]] == ["change", "approve"]
    assert decide(head, case)["status"] == "decided"
    case.refresh_from_db()
    assert case.fine_amount == 50000


def test_correct_procedure_then_resubmit_and_incomplete_materials(major_case, team):
    officer, reviewer = client_for(team["officer"]), client_for(team["reviewer"])
    review = submit(officer, major_case)
    url = f"{API}/reviews/{review['id']}"
    call(reviewer, "post", f"{url}/assign", {"reviewer_id": team["reviewer"].pk})
    returned = call(
        reviewer, "post", f"{url}/receive", {"complete": False, "missing": "缺少送达回执。"}
    )
    assert returned["status"] == "incomplete" and returned["due_on"] is None
    call(officer, "post", f"{url}/resubmit", {"response": "已补充。", "declaration": True})
    call(reviewer, "post", f"{url}/receive", {"complete": True})
    call(reviewer, "put", f"{url}/checklist", checklist({"procedure": "告知不完整。"}))
    call(
        reviewer,
        "post",
        f"{url}/opinion",
        {"kind": "correct", "reasons": "程序不合法。", "proposed_change": "重新告知。"},
        201,
    )
    review = call(
        officer, "post", f"{url}/resubmit", {"response": "已重新告知。", "declaration": True}
    )
    assert review["round"] == 3 and review["status"] == "submitted"


def test_extension_once_by_the_head(major_case, team, province):
    officer, reviewer, head = (client_for(team[k]) for k in ("officer", "reviewer", "head"))
    review = submit(officer, major_case)
    url = f"{API}/reviews/{review['id']}"
    before = take_and_receive(reviewer, review["id"], team["reviewer"].pk)["due_on"]
    call(reviewer, "post", f"{url}/extension", {"reason": "案情复杂"}, 403)
    extension = call(head, "post", f"{url}/extension", {"reason": "需调查取证。"}, 201)
    assert extension["previous_due_on"] == before and extension["due_on"] > before
    second = call(head, "post", f"{url}/extension", {"reason": "再延长"}, 422)
    assert "只能批准一次" in second["errors"][0]["message"]


def test_disagreement_and_collective_decision(major_case, team, province):
    officer, reviewer, head = (client_for(team[k]) for k in ("officer", "reviewer", "head"))
    review = submit(officer, major_case)
    url = f"{API}/reviews/{review['id']}"
    take_and_receive(reviewer, review["id"], team["reviewer"].pk)
    call(reviewer, "put", f"{url}/checklist", checklist({"facts_evidence": "证据不足。"}))
    call(
        reviewer,
        "post",
        f"{url}/opinion",
        {"kind": "investigate", "reasons": "证据不足。", "do_not_decide": False},
        201,
    )
    call(officer, "post", f"{url}/contest", {"reasons": "证据已经充分。"}, 201)
    adviser = adviser_create(
        actor=factories.superuser(),
        agency=team["head"].agency,
        name="郑律师",
        kind="public_lawyer",
        organisation="测试公职律师办公室",
    )
    argument = call(
        head,
        "post",
        f"{url}/arguments",
        {
            "source": "legal_adviser",
            "adviser_id": adviser.pk,
            "content": "证据充分。",
            "received_on": timezone.localdate().isoformat(),
        },
        201,
    )
    assert argument["author"] == "郑律师"
    record = call(
        head,
        "post",
        f"{url}/collective-decision",
        {
            "held_on": timezone.localdate().isoformat(),
            "participant_ids": [team["head"].pk, team["deputy"].pk],
            "outcome": "proceed",
            "decision": "按拟作出的决定办理。",
            "minutes": "一致同意。",
            "attendees": "孙审核",
        },
        201,
    )
    assert record["document_number"].startswith("测（甲）煤安集讨〔")
    assert record["participant_ids"] == sorted([team["head"].pk, team["deputy"].pk])
    decide(head, major_case, 422)
    call(reviewer, "post", f"{url}/collective-clearance", {"confirm": True})
    assert decide(head, major_case)["status"] == "decided"
    assert verify_ledger().ok


def test_reads_alerts_and_statistics(major_case, team):
    officer, head = client_for(team["officer"]), client_for(team["head"])
    review = submit(officer, major_case)
    listed = call(head, "get", f"{API}/reviews")
    assert [r["id"] for r in listed["items"]] == [review["id"]]
    assert call(head, "get", f"{API}/alerts") == []
    rows = call(head, "get", f"{API}/statistics")
    total = rows[-1]
    assert total["agency"] == "合计" and total["reviews"] == 1 and total["open_now"] == 1
    assert call(officer, "get", f"{API}/statistics", status=403)["title"].startswith("只有负责人")
