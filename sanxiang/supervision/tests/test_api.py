"""The supervision API through what a client really sends: a bearer token, CSRF enforced, no
cookie. Writes work with a token; approving an assessment does not (step-up, ADR 0071)."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.supervision.assessment import services as assessment
from sanxiang.testing import factories


def _post(raw: str, url: str, body: dict):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert not client.cookies
    return response


def test_bearer_token_writes_training_and_cannot_approve_an_assessment(province):
    officer = factories.officer(agency=province["a"])
    _token, raw = api_token_create(actor=officer, name="培训系统对接", scopes=["supervision:write"])
    today = timezone.localdate().isoformat()
    body = {
        "staff_id": officer.pk,
        "course": "安全生产法专题",
        "organiser": "测试省局",
        "started_on": today,
        "ended_on": today,
        "hours": "8",
        "exam_result": "passed",
    }
    response = _post(raw, "/api/supervision/training/records", body)
    assert response.status_code == 201, response.content
    assert response.json()["hours"] in ("8", "8.0", 8)

    response = _post(raw, "/api/supervision/training/records", {**body, "hours": "0", "course": ""})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "hours" in fields and all(re.search(r"[\u4e00-\u9fff]", m) for m in fields.values())

    head = factories.head(agency=province["a"])
    sheet = assessment.assessment_compute(
        actor=head, agency=province["a"], year=timezone.localdate().year
    )
    _token, head_raw = api_token_create(actor=head, name="考核", scopes=["supervision:write"])
    response = _post(
        head_raw, f"/api/supervision/assessment/sheets/{sheet.pk}/approve", {"confirm": True}
    )
    assert 400 <= response.status_code < 500
    sheet.refresh_from_db()
    assert sheet.status == "draft"
