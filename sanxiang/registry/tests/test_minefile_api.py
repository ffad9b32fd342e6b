"""一矿一档 through the API (ADR 0256) as an integrator calls it — a bearer token, no cookie, CSRF
enforced — and what the file shows of reporters and of confidential records (ADR 0255, 0257).

The API lists exactly the page's lines in the page's order, under the page's reading rules and
filters; a bad filter is a 422 problem with the page's Chinese message on the field (the page
shows the file unfiltered, an API client must not get the whole file in place of the filtered
one). A complaint's reporter is on no line, export or API answer, even for a head who may read
him on the report's page. Confidential records stay listed (their existence is ground 1 of
ADR 0065) with their level; what they hold is behind the link, which applies the level's rule.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.cases.confidentiality import case_set_confidentiality
from sanxiang.documents.models import Document
from sanxiang.documents.services import document_set_confidentiality
from sanxiang.evidence.models import Recording
from sanxiang.evidence.services import recording_set_confidentiality
from sanxiang.ledger.models import LedgerEntry
from sanxiang.registry.tests.conftest import (
    CLASSIFIED_PLACE,
    CLASSIFIED_TITLE,
    REPORTER,
    REPORTER_PHONE,
)
from sanxiang.registry.tests.test_minefile import (
    client_for,
    expected,
    file_url,
    listed,
    page_events,
)
from sanxiang.registry.timeline import MineTimeline


def api(user, scopes=("registry:read",)):
    """A caller holding ``user``'s token: every call without a cookie, CSRF enforced."""
    _token, raw = api_token_create(actor=user, name="一矿一档接口（测试）", scopes=list(scopes))
    client = Client(enforce_csrf_checks=True)

    def get(path: str, **params):
        response = client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert not client.cookies
        return response

    return get


def api_url(mine, suffix: str = "") -> str:
    return f"/api/registry/mines/{mine.pk}/file{suffix}"


def api_items(get, mine, **params) -> list[dict]:
    """Every line the API gives, walking its pages."""
    items, page = [], 1
    while True:
        response = get(api_url(mine), page=page, **params)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["items"]
        if len(items) >= body["count"] or not body["items"]:
            assert len(items) == body["count"]
            return items
        page += 1


def keys(items) -> set[tuple[str, str, str]]:
    return {(i["kind"], i["object_type"], i["object_id"]) for i in items}


def test_the_api_gives_the_pages_lines_in_the_pages_order(world, db):
    mine, head = world["mine"], world["province_head"]
    items = api_items(api(head), mine, page_size=7)
    want = expected(mine)
    assert len(items) == len(want) > 7 and keys(items) == want
    shown = page_events(client_for(head), mine)
    assert [(i["kind"], i["object_id"], i["title"], i["url"]) for i in items] == [
        (e.kind, e.object_id, e.title, e.url) for e in shown
    ]
    assert [i["day"] for i in items] == sorted((i["day"] for i in items), reverse=True)


def test_the_api_applies_the_readers_scope(world, db):
    mine, sub = world["mine"], world["agencies"]["a"]
    assert keys(api_items(api(world["officer"]), mine)) == expected(mine, under=sub.path)
    for who in ("sub_b_officer", "outsider"):  # out of scope answers as a missing mine does
        get = api(world[who])
        for suffix in ("", "/counts"):
            response = get(api_url(mine, suffix))
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"
    missing = api(world["province_head"])(f"/api/registry/mines/{mine.pk + 1000}/file")
    assert missing.status_code == 404 and missing.json() == response.json()


def test_the_api_needs_a_token_with_the_registry_scope(world, db):
    mine = world["mine"]
    assert Client().get(api_url(mine)).status_code == 401
    response = api(world["province_head"], scopes=("cases:read",))(api_url(mine))
    assert response.status_code == 403


def test_the_api_filters_as_the_page_does(world, db):
    mine, head = world["mine"], world["province_head"]
    get = api(head)
    documents = api_items(get, mine, kind="document")
    assert keys(documents) == {w for w in expected(mine) if w[0] == "document"}
    days = [i["day"] for i in api_items(get, mine)]
    first, last = min(days), max(days)
    assert keys(api_items(get, mine, date_from=first, date_to=last)) == expected(mine)
    after = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert get(api_url(mine), date_from=after).json() == {"items": [], "count": 0}
    sub = world["agencies"]["a"]
    theirs = api_items(get, mine, agency_id=sub.pk)
    assert keys(theirs) == expected(mine, under=sub.path)

    counts = get(api_url(mine, "/counts"), agency_id=sub.pk).json()
    timeline = MineTimeline(user=head, mine=mine)
    assert counts["mine_name"] == mine.name and counts["total"] == len(theirs)
    assert {k["kind"] for k in counts["kinds"]} == {c.kind for c in timeline.counts}
    by_kind = {k["kind"]: k["count"] for k in counts["kinds"]}
    assert by_kind["complaint"] == 1 and by_kind["licensing"] == 0  # the province's application
    one = get(api_url(mine, "/counts"), kind="complaint").json()
    assert [k["kind"] for k in one["kinds"] if k["selected"]] == ["complaint"]
    assert one["total"] == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"date_from": "2026-12-07", "date_to": "2026-12-06"},
            "date_to",
            "截止日期不能早于起始日期。",
        ),
        ({"agency_id": "elsewhere"}, "agency_id", "请选择您管辖范围内的机构。"),
        ({"kind": "nonsense"}, "kind", "没有这一类别。"),
        ({"date_from": "2026-13-45"}, "date_from", "日期格式应为 YYYY-MM-DD。"),
        ({"agency_id": "甲"}, "agency_id", "应为整数。"),
        ({"page": "0"}, "page", "应不小于 1。"),
    ],
)
def test_bad_filters_are_422_problems_on_their_field(world, db, params, field, message):
    mine = world["mine"]
    if params.get("agency_id") == "elsewhere":
        params = {"agency_id": world["agencies"]["elsewhere"].pk}
    get = api(world["province_head"])
    for suffix in ("", "/counts"):
        if suffix and "page" in params:
            continue
        response = get(api_url(mine, suffix), **params)
        assert response.status_code == 422, response.content
        assert response["Content-Type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert {"field": field, "message": message} in errors, errors


def test_a_reporter_is_on_no_line_of_the_file(world, db):
    """The head may read the reporter on the report's page (ADR 0140) — so the test could
    fail — but the file, its exports and the API never carry him (ADR 0255)."""
    mine, head = world["mine"], world["head"]
    complaint = world["complaint"]
    client = client_for(head)
    lines = [e for e in page_events(client, mine, "kind=complaint")]
    assert listed(lines) == {("complaint", "complaints.complaint", str(complaint.pk))}
    assert complaint.number in lines[0].title and "重大事故隐患" in lines[0].title
    assert REPORTER in client.get(lines[0].url).content.decode()  # his page shows him
    outputs = [
        client.get(file_url(mine) + "?kind=complaint").content.decode(),
        b"".join(client.get(file_url(mine, "file.csv")).streaming_content).decode("utf-8-sig"),
        json.dumps(api_items(api(head), mine), ensure_ascii=False),
        json.dumps(api_items(api(head), mine, kind="complaint"), ensure_ascii=False),
    ]
    for text in outputs:
        assert complaint.number in text
        assert REPORTER not in text and REPORTER_PHONE not in text
        assert "三号工作面瓦斯超限" not in text  # his own words may name him


def test_confidential_records_are_listed_with_their_level_and_their_content_guarded(world, db):
    """ADR 0065 and 0257: a record's existence is ground 1, so a 商业秘密 document, a 国家秘密
    recording and a case holding personal data stay on the file of everyone in scope, with their
    level; a secret recording's title is masked for everyone (even its team) on the file; a
    document's PDF opens only on a ground and the refusal is in the ledger."""
    mine, head, bystander = world["mine"], world["head"], world["bystander"]
    decided = world["decided"]
    document = Document.objects.filter(
        subject_type="cases.case", subject_id=str(decided.pk)
    ).first()
    document_set_confidentiality(
        actor=head, document=document, level="trade_secret", reason="含工艺参数（测试）"
    )
    recording = Recording.objects.get(title="矿井入口全程记录（测试）")
    recording_set_confidentiality(
        actor=head, recording=recording, level="state_secret", reason="定密（测试）"
    )
    case_set_confidentiality(
        actor=head, case=decided, level="personal", reason="含人员信息（测试）"
    )

    for who in ("bystander", "officer"):  # in scope without a ground / the recording's team
        client = client_for(world[who])
        lines = {(e.object_type, e.object_id): e for e in page_events(client, mine)}
        doc_line = lines[("documents.document", str(document.pk))]
        assert "商业秘密" in doc_line.badge
        rec_line = lines[("evidence.recording", str(recording.pk))]
        assert rec_line.title == f"（国家秘密）{recording.number}" and rec_line.badge == "国家秘密"
        assert "密级：含个人信息" in lines[("cases.case", str(decided.pk))].summary
        secret = lines[("documents.classifiedregistration", str(world["classified"].pk))]
        assert secret.title == "（国家秘密）MJ-2026-001" and "测试省局保密室" in secret.summary
        assert secret.url == f"/inspections/{world['visit'].pk}/"
        html = (
            client.get(file_url(mine)).content.decode()
            + client.get(file_url(mine) + "?page=2").content.decode()
        )
        body = json.dumps(api_items(api(world[who]), mine), ensure_ascii=False)
        assert f"（国家秘密）{recording.number}" in body and "商业秘密" in body
        assert "（国家秘密）MJ-2026-001" in body
        for text in (html, body):
            for hidden in (recording.title, CLASSIFIED_TITLE, CLASSIFIED_PLACE):
                assert hidden not in text

    # Metadata only for the bystander: the document's PDF needs a ground; refused and logged.
    client = client_for(bystander)
    response = client.get(doc_line.url)
    assert response.status_code == 403 and "申请借阅" in response.content.decode()
    assert LedgerEntry.objects.filter(
        action="document.access_refused", object_id=str(document.pk)
    ).exists()
    # and the recording's page never plays a state secret to him
    page = client.get(rec_line.url)
    assert page.status_code in (200, 404) and recording.title not in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(file_url(mine, "file.csv")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert any(r[3] == f"（国家秘密）{recording.number}" for r in rows)
    assert any(r[3] == "（国家秘密）MJ-2026-001" for r in rows)
    for hidden in (recording.title, CLASSIFIED_TITLE, CLASSIFIED_PLACE):
        assert not any(hidden in cell for r in rows for cell in r)
