"""Risk signals and key-mine flags (issue 16 item 6, BZ-6, ADR 0171): a mine with the same
violation found three times ranks first with that reason; a head's flag is listed in the next
draw's published inputs (and the mine is in the key group there); an expired flag is not; bad
input on the page and the API is refused field by field in Chinese."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.inspections import services as inspections
from sanxiang.inspections.key_mines import key_mine_flag
from sanxiang.inspections.models import KeyMineFlag
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.risk.signals import watch_list
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(province):
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    return {"sub": sub, "crew": crew, "head": boss}


def _found(world, mine, times: int):
    for _n in range(times):
        plan = factories.inspection_plan(officers=world["crew"], mine=mine, head=world["head"])
        visit = factories.inspection(plan=plan)
        factories.finding(inspection=visit, code="WF-001")
        inspections.inspection_complete(
            actor=world["crew"][0], inspection=visit, summary="检查（测试）。"
        )


def test_three_repeats_rank_first_with_the_reason(world):
    repeat = factories.mine(agency=world["sub"], name="重复违法测试煤矿")
    twice = factories.mine(agency=world["sub"], name="两次违法测试煤矿")
    _found(world, twice, 2)
    _found(world, repeat, 3)
    ranked = watch_list(user=world["head"], today=timezone.localdate())
    assert [e.mine.pk for e in ranked[:2]] == [repeat.pk, twice.pk]
    assert ranked[0].by_signal == {"repeat": 2}
    assert "被发现3次" in ranked[0].reasons[0]
    page = sign_in(Client(), world["head"]).get(reverse("supervision:risk_watch_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("重复违法测试煤矿") < html.index("两次违法测试煤矿")
    assert "被发现3次" in html


def _draw(world):
    today = timezone.localdate()
    programme = inspections.enforcement_plan_approve(
        actor=world["head"],
        plan=inspections.enforcement_plan_create(
            actor=world["head"],
            agency=world["sub"],
            kind="annual",
            year=today.year,
            title="年度计划（测试）",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        ),
        opinion="同意。",
    )
    draw = inspections.draw_create(
        actor=world["head"], enforcement_plan=programme, title="抽取（测试）", item_codes=["SJ-001"]
    )
    return inspections.draw_commit(actor=world["head"], draw=draw)


def test_a_key_mine_flag_is_in_the_next_draws_inputs_and_an_expired_one_is_not(world):
    flagged = factories.mine(agency=world["sub"], name="标记测试煤矿")
    factories.mine(agency=world["sub"], name="一般测试煤矿")
    today = timezone.localdate()
    flag = key_mine_flag(
        actor=world["head"],
        mine=flagged,
        reason="同一违法行为三次被发现（测试）",
        expires_on=today + datetime.timedelta(days=30),
    )
    assert LedgerEntry.objects.filter(action="mine.key_flag", object_id=str(flag.pk)).exists()
    draw = _draw(world)
    listed = draw.inputs["key_flags"]
    assert [f["mine"] for f in listed] == [flagged.pk]
    assert listed[0]["reason"] == "同一违法行为三次被发现（测试）"
    assert {m["id"]: m["key"] for m in draw.inputs["mines"]}[flagged.pk] is True
    page = sign_in(Client(), world["head"]).get(reverse("inspections:draw_detail", args=[draw.pk]))
    assert "同一违法行为三次被发现（测试）" in page.content.decode()
    # the flag expires: the next draw neither lists it nor puts the mine in the key group
    KeyMineFlag.objects.filter(pk=flag.pk).update(expires_on=today - datetime.timedelta(days=1))
    later = _draw(world)
    assert later.inputs["key_flags"] == []
    assert {m["id"]: m["key"] for m in later.inputs["mines"]}[flagged.pk] is False


def test_bad_input_on_the_flag_page_and_api_is_refused_in_chinese(world, province):
    mine = factories.mine(agency=world["sub"])
    other = factories.mine(agency=province["b"])
    client = sign_in(Client(), world["head"])
    url = reverse("supervision:risk_key_flag", args=[mine.pk])
    today = timezone.localdate()
    for data, field_message in (
        ({"reason": "", "expires_on": ""}, "请写明标记为重点监管煤矿的理由"),
        ({"reason": "理由", "expires_on": "不是日期"}, "请填写正确的日期"),
        (
            {"reason": "理由", "expires_on": str(today - datetime.timedelta(days=1))},
            "有效期不能早于今天",
        ),
        ({"reason": "理由", "expires_on": str(today + datetime.timedelta(days=400))}, "有效期最长"),
        ({"reason": "长" * 301, "expires_on": str(today)}, "理由不能超过300字"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert field_message in response.content.decode(), data
    assert client.get(reverse("supervision:risk_key_flag", args=[other.pk])).status_code == 404
    assert not KeyMineFlag.objects.exists()
    officer_client = sign_in(Client(), world["crew"][0])
    assert officer_client.post(url, {"reason": "x", "expires_on": str(today)}).status_code == 403
    # the API, through a bearer token as an outside client would call it
    _token, raw = api_token_create(
        actor=world["head"], name="监督接口", scopes=["supervision:write"]
    )
    api = Client(enforce_csrf_checks=True)

    def post(body):
        return api.post(
            "/api/supervision/key-mine-flags",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    for body in (
        {"mine_id": mine.pk, "reason": "", "expires_on": str(today)},
        {"mine_id": mine.pk, "reason": "理由", "expires_on": "2020-13-40"},
        {"mine_id": other.pk, "reason": "理由", "expires_on": str(today)},
        {"mine_id": "x", "reason": "理由", "expires_on": str(today)},
        {"mine_id": mine.pk, "reason": "理由", "expires_on": str(today), "extra": 1},
        {
            "mine_id": mine.pk,
            "reason": "理由",
            "expires_on": str(today - datetime.timedelta(days=3)),
        },
        [],
    ):
        response = post(body)
        assert 400 <= response.status_code < 500, (body, response.content)
        assert response["Content-Type"].startswith("application/problem+json"), body
        text = json.dumps(response.json(), ensure_ascii=False)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), body
    assert not KeyMineFlag.objects.exists()
    created = post({"mine_id": mine.pk, "reason": "重复违法（测试）", "expires_on": str(today)})
    assert created.status_code == 201, created.content
    assert created.json()["mine_id"] == mine.pk
    read = api.get("/api/supervision/risk", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert read.status_code == 200
    stats = api.get("/api/supervision/statistics", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert stats.status_code == 200 and stats.json()["agency_id"] == world["sub"].pk


def test_weights_come_from_the_sample_data_file_and_verified_complaints_rank(world, tmp_path):
    from sanxiang.complaints.models import Complaint
    from sanxiang.supervision.risk import signals

    data = json.loads(signals.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert "示例" in data["source"]
    assert {k: v["points"] for k, v in data["weights"].items()} == signals.WEIGHTS
    bad = tmp_path / "weights.json"
    bad.write_text('{"weights": {"repeat": {"points": -1}}}', encoding="utf-8")
    with pytest.raises(ValueError):
        signals.load_weights(bad)
    # complaints registered its signal through register_signal (ADR 0173)
    mine = factories.mine(agency=world["sub"], name="举报属实测试煤矿")
    for n, verdict in enumerate(["true", "partly", "false"]):
        Complaint.objects.create(
            number=f"JB-TEST-{n}",
            query_code_hash="x",
            agency=world["sub"],
            channel="phone",
            category="hazard",
            status="closed",
            mine=mine,
            description="举报（测试）。",
            received_at=timezone.now(),
            substantiated=verdict,
        )
    entry = next(e for e in watch_list(user=world["head"], today=timezone.localdate()))
    assert entry.mine == mine
    assert entry.by_signal == {"complaint": 2}
    assert entry.score == 2 * signals.weight("complaint")
    assert "举报经核查属实2件" in entry.reasons[0]
