"""The portal's result pages, feed, open data and public API (GS-POST-1, GS-POST-2, GS-REQ-1,
GS-REQ-2): what is shown, what never is, and that hostile input gets a 400 or an empty page."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.ledger.services import checkpoint_sign
from sanxiang.publicity import services
from sanxiang.publicity.fields import PENALTY_LAYOUT


def release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


@pytest.fixture
def released(penalty_publication, team):
    return release(team, penalty_publication)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def secrets(team):
    return [team["person"].id_number, "13912345678", "平阳路88号", "李四光"]


@pytest.mark.django_db
def test_record_search_mine_page_feed_and_open_data_hold_no_personal_data(released, team):
    """GS-REQ-2: every public view of a result is scanned for the withheld data."""
    client = Client()
    checkpoint_sign()
    urls = [
        "/public/results/",
        "/public/results/?q=培训",
        f"/public/results/{released.pk}/",
        f"/public/mines/{team['mine'].pk}/",
        "/public/results/feed.atom",
        "/public/data/results/penalty.csv",
        "/public/data/results/penalty.json",
        "/api/publicity/results?q=培训",
        f"/api/publicity/results/{released.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        if url.startswith("/api/"):
            text = json.dumps(response.json(), ensure_ascii=False)
        assert "测（甲）煤安罚〔2026〕1号" in text, url
        assert not [s for s in secrets(team) if s in text], url
    xlsx = load_workbook(
        io.BytesIO(client.get("/public/data/results/penalty.xlsx").content), read_only=True
    )
    cells = " ".join(
        str(c) for ws in xlsx.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert "测（甲）煤安罚〔2026〕1号" in cells and not [s for s in secrets(team) if s in cells]
    page = body(client.get(f"/public/results/{released.pk}/"))
    assert "区分处理说明" in page and "存证账本当前检查点" in page and "已被签名检查点覆盖" in page


@pytest.mark.django_db
def test_open_data_uses_the_layout_keys_and_headers(released):
    client = Client()
    rows = list(csv.reader(io.StringIO(body(client.get("/public/data/results/penalty.csv")))))
    assert rows[0][: len(PENALTY_LAYOUT)] == [str(f.label) for f in PENALTY_LAYOUT]
    assert rows[0][0] == "行政相对人名称" and "行政处罚决定书文号" in rows[0]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (
        record["行政相对人名称"] == "张三丰"
        and record["证件号码"] == ""
        and record["证件类型"] == "身份证"
    )
    data = json.loads(body(client.get("/public/data/results/penalty.json")))
    assert [f["key"] for f in data["fields"]][: len(PENALTY_LAYOUT)] == [
        f.key for f in PENALTY_LAYOUT
    ]
    [item] = data["items"]
    assert (
        item["party_name"] == "张三丰"
        and item["id_type"] == "01"
        and item["id_type_label"] == "身份证"
    )
    assert item["record_url"] == f"/public/results/{released.pk}/"
    assert (
        json.loads(body(client.get("/public/data/results/penalty.json?year=1999")))["items"] == []
    )
    assert client.get("/public/data/results/nothing.csv").status_code == 404
    assert client.get("/public/data/results/penalty.exe").status_code == 404
    book = load_workbook(
        io.BytesIO(client.get("/public/data/results/penalty.xlsx").content), read_only=True
    )
    assert [r[0] for r in book["fields"].iter_rows(values_only=True)][1] == "party_name"


@pytest.mark.django_db
def test_feed_is_atom_and_lists_the_record(released):
    response = Client().get("/public/results/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    text = body(response)
    assert (
        "<feed" in text and f"/public/results/{released.pk}/" in text and "行政处罚：张三丰" in text
    )


@pytest.mark.django_db
def test_tombstone_replaces_the_record_and_it_leaves_search_feed_and_open_data(released, team):
    client = Client()
    services.publication_withdraw(
        actor=team["head"],
        publication=released,
        reason="原处罚决定经行政复议被撤销。",
        reason_kind="revoked",
        basis="复议决定书〔2026〕1号",
    )
    response = client.get(f"/public/results/{released.pk}/")
    assert response.status_code == 410
    page = body(response)
    assert (
        "已撤下" in page
        and "原处罚决定经行政复议被撤销" in page
        and "复议决定书〔2026〕1号" in page
    )
    assert "违法事实" not in page  # the content is gone, the tombstone stays
    assert "张三丰" not in body(client.get("/public/results/?q=培训"))
    assert "张三丰" not in body(client.get("/public/results/feed.atom"))
    assert "张三丰" not in body(client.get("/public/data/results/penalty.csv"))
    assert client.get("/api/publicity/results?q=培训").json()["count"] == 0
    assert client.get(f"/api/publicity/results/{released.pk}").json()["state"] == "withdrawn"
    mine_page = body(client.get(f"/public/mines/{team['mine'].pk}/"))
    assert "tombstone-row" in mine_page and "决定被依法撤销" in mine_page


@pytest.mark.django_db
def test_unreleased_drafts_are_not_public(penalty_publication):
    client = Client()
    assert client.get(f"/public/results/{penalty_publication.pk}/").status_code == 404
    assert client.get(f"/api/publicity/results/{penalty_publication.pk}").status_code == 404
    assert "张三丰" not in body(client.get("/public/results/?q=张三"))


HOSTILE = [
    {"q": "x" * 5000},
    {"q": "'; DROP TABLE publicity_publicentry; --"},
    {"q": '<script>alert("x")</script>'},
    {"q": '" OR 1=1 NEAR(a b) *'},
    {"q": "培训", "date_from": "2026-02-30"},
    {"date_from": "２０２６－１３－４５"},
    {"date_from": "2026-05-01", "date_to": "2026-01-01"},
    {"category": "<b>penalty</b>"},
    {"agency": "1 OR 1=1"},
    {"agency": "99999999999999999999"},
    {"region": "14abc"},
    {"page": "99999999999999999999"},
    {"page": "-1"},
    {"page": "<script>"},
    {"page": "400000"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_search_parameters(released, params):
    """Bad input: a 400 with the form's messages or an empty page; never a 500, never raw."""
    response = Client().get("/public/results/", params)
    assert response.status_code in (200, 400)
    text = body(response)
    assert "<script>alert" not in text and "<b>penalty</b>" not in text
    if response.status_code == 200:
        assert "张三丰" not in text or params.get("q", "").startswith("'")
    api = Client().get("/api/publicity/results", params)
    assert api.status_code in (200, 422), api.content[:300]
    assert b"<script>" not in api.content
    if api.status_code == 200:
        assert api.json()["items"] == [] or "page" not in params


@pytest.mark.django_db
def test_search_form_shows_errors_escaped(released):
    response = Client().get(
        "/public/results/", {"category": "<script>x</script>", "date_from": "bad"}
    )
    assert response.status_code == 400
    text = body(response)
    assert "日期" in text and "&lt;script&gt;" in text and "<script>x" not in text


@pytest.mark.django_db
def test_public_api_pages(released):
    client = Client()
    data = client.get("/api/publicity/results", {"q": "培训", "category": "penalty"}).json()
    assert data["count"] == 1 and data["page"] == 1 and data["num_pages"] == 1
    [item] = data["items"]
    assert item["id"] == released.pk and item["url"] == f"/public/results/{released.pk}/"
    detail = client.get(f"/api/publicity/results/{released.pk}").json()
    values = {f["key"]: f["value"] for f in detail["fields"]}
    assert values["id_number"] == "" and "〔身份证号码已隐去〕" in values["violation_facts"]
    assert client.get("/api/publicity/results", {"page": 2}).json()["items"] == []
    assert client.get("/api/publicity/results", {"category": "bogus"}).status_code == 422


@pytest.mark.django_db
def test_pages_print_without_scripts(released, team):
    for url in [
        "/public/results/",
        f"/public/results/{released.pk}/",
        f"/public/mines/{team['mine'].pk}/",
    ]:
        text = body(Client().get(url))
        assert "<script" not in text and "@media print" not in text  # print rules are in app.css
    css = (
        Path(__file__)
        .resolve()
        .parents[2]
        .joinpath("core/static/sanxiang/app.css")
        .read_text("utf-8")
    )
    assert re.search(r"@media print \{[^}]*\.portal-nav", css)


@pytest.mark.django_db
def test_versions_are_public_and_listed(released, team):
    p = services.publication_revise(actor=team["editor"], publication=released, reason="更正文号")
    services.publication_edit(
        actor=team["editor"],
        publication=p,
        changes={"decision_number": "测（甲）煤安罚〔2026〕9号"},
    )
    release(team, p)
    client = Client()
    page = body(client.get(f"/public/results/{released.pk}/"))
    assert "〔2026〕9号" in page and "版本记录" in page and "更正文号" in page
    old = body(client.get(f"/public/results/{released.pk}/v1/"))
    assert "〔2026〕1号" in old and "历史版本" in old
    assert client.get(f"/public/results/{released.pk}/v7/").status_code == 404
    assert timezone.localdate()


@pytest.mark.django_db
def test_open_data_is_in_the_legal_language_for_an_english_visitor(released):
    from sanxiang.testing.language import english_client

    visitor = english_client()
    feed = json.loads(body(visitor.get("/public/data/results/penalty.json")))
    assert feed["title"].endswith("结果公示") and all(
        "\u4e00" <= field["header"][0] <= "\u9fff" for field in feed["fields"]
    )
    csv_header = body(visitor.get("/public/data/results/penalty.csv")).split("\r\n")[0]
    assert csv_header.startswith("行政相对人名称") or "公示编号" in csv_header
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", csv_header)
