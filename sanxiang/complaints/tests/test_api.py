"""The staff API of 投诉举报 through a bearer token (no cookie, CSRF enforced): register a phone
report, take the steps, problem+json for bad input and stale states, masked identity."""

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create

CONTACT = "13711112222"


def _call(raw, method, url, body=None):
    client = Client(enforce_csrf_checks=True)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    response = getattr(client, method)(url, **kwargs)
    assert not client.cookies
    return response


@pytest.mark.django_db
def test_register_and_handle_through_the_api(team):
    _token, officer_key = api_token_create(
        actor=team["officer"], name="举报接口", scopes=["complaints:write"]
    )
    _token, partner_key = api_token_create(
        actor=team["partner"], name="举报接口", scopes=["complaints:write"]
    )
    created = _call(
        officer_key,
        "post",
        "/api/complaints/",
        {
            "channel": "phone",
            "category": "hazard",
            "mine_id": team["mine"].pk,
            "description": "<script>alert(1)</script> 巷道积水",
            "reporter_name": "电话举报人",
            "reporter_contact": CONTACT,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    complaint_id = body["complaint"]["id"]
    assert body["query_code"] and body["complaint"]["reporter"]["contact"] == CONTACT
    assigned = _call(
        officer_key,
        "post",
        f"/api/complaints/{complaint_id}/assign",
        {"expected_status": "registered", "officer_id": team["partner"].pk},
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["verify_due"]
    # the verifier sees the identity masked
    seen = _call(partner_key, "get", f"/api/complaints/{complaint_id}").json()
    assert seen["reporter"]["masked"] and CONTACT not in str(seen)
    stale = _call(
        partner_key,
        "post",
        f"/api/complaints/{complaint_id}/verify",
        {"expected_status": "registered", "substantiated": "true", "finding": "x"},
    )
    assert stale.status_code == 422 and stale["Content-Type"] == "application/problem+json"
    bad = _call(
        partner_key,
        "post",
        f"/api/complaints/{complaint_id}/verify",
        {"expected_status": "verifying", "substantiated": "maybe", "finding": "x"},
    )
    assert bad.status_code in (400, 422)
    verified = _call(
        partner_key,
        "post",
        f"/api/complaints/{complaint_id}/verify",
        {"expected_status": "verifying", "substantiated": "false", "finding": "未发现积水"},
    )
    assert verified.json()["status"] == "verified"
    replied = _call(
        officer_key,
        "post",
        f"/api/complaints/{complaint_id}/reply",
        {"expected_status": "verified", "text": "经核查，举报不属实。"},
    )
    assert replied.json()["status"] == "closed"
    counts = _call(officer_key, "get", "/api/complaints/counts").json()
    assert counts["total"] == 1 and counts["by_channel"] == {"phone": 1}
    # another agency: 404
    _token, outsider_key = api_token_create(
        actor=team["outsider"], name="举报接口", scopes=["complaints:read"]
    )
    assert _call(outsider_key, "get", f"/api/complaints/{complaint_id}").status_code == 404
