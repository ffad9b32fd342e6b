"""The window's pages and API: the public side (guide, board, consultation, progress), the
staff steps, bad input on every write — 4xx with Chinese field errors, never a 500, nothing
half-written — and a bearer-token write through the real client path."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create
from sanxiang.licensing import services
from sanxiang.licensing.models import Application, Consultation
from sanxiang.testing.auth import sign_in

from .conftest import materials

D = datetime.date


def login(user) -> Client:
    return sign_in(Client(), user)


def bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="测试", scopes=["licensing:write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def applied(window):
    return services.submit_application(
        mine=window["mine"],
        item=window["item"],
        materials=materials(window["item"]),
        request="申请（测试）",
        registered_by=window["officer"],
        received_on=D(2026, 12, 1),
    )


@pytest.mark.django_db
def test_public_window_guide_and_consultation(window):
    client = Client()
    page = client.get("/public/licensing/").content.decode()
    assert "XK-001" in page and "岗位信息牌" in page and window["officer"].full_name in page
    guide = client.get(f"/public/licensing/items/XK-001/?agency={window['agency'].pk}")
    text = guide.content.decode()
    assert guide.status_code == 200 and "行政许可申请书" in text and "示范文本" in text
    assert "<svg" in text and "20个工作日" in text
    assert client.get("/public/licensing/items/CF-001/").status_code == 404

    bad = client.post("/public/licensing/ask/", {"question": "", "contact": "x" * 300})
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()
    assert not Consultation.objects.exists()
    sent = client.post(
        "/public/licensing/ask/",
        {
            "question": "<script>alert(1)</script>要准备哪些材料？",
            "contact": "13800138000",
            "publish_consent": "on",
        },
    )
    assert sent.status_code == 302
    consultation = Consultation.objects.get()
    services.consultation_answer(
        actor=window["officer"], consultation=consultation, answer="见办事指南。"
    )
    page = client.get("/public/licensing/").content.decode()
    assert "见办事指南" in page and "13800138000" not in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.django_db
def test_progress_query_on_the_portal(applied):
    client = Client()
    empty = client.post("/public/licensing/progress/", {"number": "", "code": ""})
    assert empty.status_code == 200 and "这个字段是必填项" in empty.content.decode()
    wrong = client.post("/public/licensing/progress/", {"number": applied.number, "code": "AAAA"})
    assert wrong.status_code == 404 and "申请编号或查询码不正确" in wrong.content.decode()
    right = client.post(
        "/public/licensing/progress/", {"number": applied.number, "code": applied.query_code}
    )
    text = right.content.decode()
    assert right.status_code == 200 and "窗口登记纸质申请" in text and "法定期限" in text
    assert right["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_staff_pages_and_bad_steps(window, applied):
    officer = login(window["officer"])
    assert applied.number in officer.get("/licensing/").content.decode()
    detail = officer.get(f"/licensing/{applied.pk}/").content.decode()
    assert "受理" in detail and "一次性告知补正" in detail
    bad = officer.post(f"/licensing/{applied.pk}/correction_notice/", {"missing": []})
    assert bad.status_code == 400
    late = officer.post(f"/licensing/{applied.pk}/accept/", {"on": "2026-11-01"})
    assert late.status_code == 400 and "日期不能早于" in late.content.decode()
    assert officer.get(f"/licensing/{applied.pk}/grant/").status_code == 404  # not the officer's
    ok = officer.post(f"/licensing/{applied.pk}/accept/", {"on": "2026-12-02"})
    assert ok.status_code == 302
    head = login(window["head"])
    bad_grant = head.post(f"/licensing/{applied.pk}/grant/", {"scope": "", "valid_to": "x"})
    assert bad_grant.status_code == 400
    assert officer.get("/licensing/register/").status_code == 200
    bad_register = officer.post("/licensing/register/", {"request": ""})
    assert bad_register.status_code == 400 and Application.objects.count() == 1


@pytest.mark.django_db
def test_api_writes_refuse_bad_input_and_take_bearer_tokens(window, applied):
    headers = bearer(window["officer"])
    client = Client(enforce_csrf_checks=True)

    def post(path, body, **extra):
        return client.post(
            f"/api/licensing/{path}",
            json.dumps(body),
            content_type="application/json",
            **{**headers, **extra},
        )

    item = window["item"]
    good_material = {
        "name": item.material_list[0],
        "file_name": "a.pdf",
        "content_base64": base64.b64encode(b"%PDF-1.4").decode(),
    }
    payload = {
        "mine_id": window["mine"].pk,
        "item_id": item.pk,
        "request": "申请（接口）",
        "materials": [good_material],
    }
    for body, field in (
        ({**payload, "materials": [{**good_material, "content_base64": "!!"}]}, "materials"),
        ({**payload, "materials": []}, "materials"),
        ({**payload, "item_id": 999999}, "item_id"),
        ({**payload, "mine_id": 999999}, "mine_id"),
        ({**payload, "request": ""}, "request"),
        ({**payload, "received_on": "2099-01-01"}, "received_on"),
    ):
        response = post("applications", body)
        assert response.status_code == 422, (field, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        assert field in response.content.decode()
    assert Application.objects.count() == 1
    created = post("applications", payload)
    assert created.status_code == 201 and len(created.json()["query_code"]) == 8
    pk = created.json()["id"]
    assert post(f"applications/{pk}/steps/grant", {}).status_code in (403, 422)
    assert post(f"applications/{pk}/steps/nonsense", {}).status_code == 404
    assert post(f"applications/{pk}/steps/reject", {"reasons": ""}).status_code == 422
    assert post(f"applications/{pk}/steps/pause", {}).status_code == 422
    accepted = post(f"applications/{pk}/steps/accept", {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "reviewing"
    assert post("consultations/999/answer", {"answer": "x"}).status_code == 404
    assert post("licences/999/changes", {"action": "x", "reason": "y"}).status_code == 404

    anonymous = Client(enforce_csrf_checks=True)
    progress = anonymous.post(
        "/api/licensing/progress",
        json.dumps({"number": applied.number, "code": applied.query_code}),
        content_type="application/json",
    )
    assert progress.status_code == 200 and progress.json()["steps"][0]["label"]
    wrong = anonymous.post(
        "/api/licensing/progress",
        json.dumps({"number": applied.number, "code": "X"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404
