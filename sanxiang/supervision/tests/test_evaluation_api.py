"""案卷评查 through the API with a bearer token (the real client path) and through the pages:
the campaign opened, committed and drawn, a finding overridden only with a reason (Chinese
field message), the file scored; the evaluator's dashboard panel and the evaluation form."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.testing.auth import sign_in

from .evaluation_world import build

# The cases' documents are rendered but not typeset here (the campaign report is).
pytestmark = pytest.mark.usefixtures("documents_not_typeset")

BASE = "/api/supervision/evaluation"


def _bearer(raw: str):
    client = Client(enforce_csrf_checks=True)

    def call(method: str, url: str, body: dict | None = None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(client, method)(BASE + url, **kwargs)

    return call


@pytest.mark.django_db
def test_campaign_through_the_api_and_the_evaluation_form_on_the_pages(province):
    world = build(province)
    legal = world["legal"]
    _token, raw = api_token_create(actor=legal, name="评查终端", scopes=["supervision:write"])
    api = _bearer(raw)
    today = timezone.localdate()
    body = {
        "title": "接口组织的评查",
        "agency_id": province["provincial"].pk,
        "period_from": str(today - datetime.timedelta(days=60)),
        "period_to": str(today),
        "unit_ids": [world["sub"].pk],
        "share": "1",
        "evaluator_ids": [legal.pk],
        "rubric_id": world["rubric"].pk,
        "starts_on": str(today),
        "ends_on": str(today + datetime.timedelta(days=7)),
        "include_inspections": False,
    }
    late_period = api(
        "post", "/campaigns", {**body, "period_to": str(today + datetime.timedelta(3))}
    )
    assert late_period.status_code == 422, late_period.content.decode()
    assert late_period.json()["errors"] == [
        {"field": "period_to", "message": "只能评查已经办结的案卷：截止日不能晚于今天。"}
    ]
    outside = api("post", "/campaigns", {**body, "unit_ids": [province["national"].pk]})
    assert outside.status_code == 422
    assert "不在您的管辖范围内" in outside.json()["errors"][0]["message"]
    created = api("post", "/campaigns", body)
    assert created.status_code == 201, created.content.decode()
    campaign_id = created.json()["id"]
    stale = api("post", f"/campaigns/{campaign_id}/draw", {"expected_status": "committed"})
    assert stale.status_code == 422 and "expected_status" in stale.content.decode()
    assert (
        api("post", f"/campaigns/{campaign_id}/commit", {"expected_status": "draft"}).status_code
        == 200
    )
    drawn = api("post", f"/campaigns/{campaign_id}/draw", {"expected_status": "committed"})
    assert drawn.json()["status"] == "running"
    inputs = api("get", f"/campaigns/{campaign_id}/inputs").json()
    assert inputs["seed"] and inputs["commitment"] == drawn.json()["commitment"]

    files = api("get", f"/campaigns/{campaign_id}/files").json()
    late = next(f for f in files if f["case_id"] == world["late"].pk)
    detail = api("get", f"/files/{late['id']}").json()
    finding = next(f for f in detail["findings"] if "公示逾期" in f["text"])
    refused = api("post", f"/findings/{finding['id']}/decide", {"accept": False, "reason": ""})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "reason", "message": "不予采纳须说明理由。"}]

    # The pages: the dashboard lists the task, the form shows the finding with its evidence.
    client = Client()
    sign_in(client, legal)
    home = client.get("/").content.decode()
    assert 'id="evaluation-tasks"' in home and world["late"].cause in home
    page = client.get(f"/supervision/evaluation/files/{late['id']}/").content.decode()
    assert "公示逾期" in page and finding["evidence_url"] in page and "采纳" in page
    assert "评查期间可在线查阅，不能下载。" in page
    response = client.post(
        f"/supervision/evaluation/findings/{finding['id']}/decide/", {"accept": "0", "reason": ""}
    )
    assert response.status_code == 302
    assert "不予采纳须说明理由。" in client.get(response.url).content.decode()

    for f in detail["findings"]:
        assert api("post", f"/findings/{f['id']}/decide", {"accept": True}).status_code == 200
    scored = api("post", f"/files/{late['id']}/score", {"opinion": "公示逾期，告知书作废。"})
    assert scored.status_code == 200 and scored.json()["grade"] in ("excellent", "pass")
    rect = api(
        "post",
        f"/files/{late['id']}/rectifications",
        {"requirements": "按期公示。", "due_on": str(today)},
    )
    assert rect.status_code == 422
    assert rect.json()["errors"] == [{"field": "due_on", "message": "整改期限应晚于今天。"}]
    campaign_page = client.get(f"/supervision/evaluation/{campaign_id}/").content.decode()
    assert "随机种子承诺值" in campaign_page and "各单位评查结果" in campaign_page
