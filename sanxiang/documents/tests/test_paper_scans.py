"""The scan of a paper original signed by hand on site (ADR 0226 §2, ADR 0233): attached by the
case team on the page (real CSRF) or the API (bearer token), stored write-once in the blob store
with its digests, bound in one ledger event to the electronic counterpart; bad input is a Chinese
field error and nothing is stored; anyone outside the team is refused; a document made on site
whose scan has not come within the stated working days is on the officer's home page until it
does."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.core.blobstore import blob_read
from sanxiang.core.workdays import add_working_days
from sanxiang.documents import paper
from sanxiang.documents import services as documents
from sanxiang.documents.models import PaperScan
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db
SCAN = b"%PDF-1.4\n% scanned paper original, signed by hand\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(province, monkeypatch):
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    people = {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "outsider": factories.officer(agency=sub, full_name="周外"),
        "head": factories.head(agency=sub, full_name="赵局长"),
    }
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    case = factories.filed_case(
        officers=[people["officer"], people["partner"]],
        mine=factories.mine(agency=sub),
        head=people["head"],
    )
    on_site = timezone.now() - datetime.timedelta(days=10)
    made_on_site = documents.document_issue(
        actor=people["officer"],
        agency=sub,
        type_code="onsite_decision",
        short_code="现决",
        title="现场处理决定书",
        content={"sections": [{"heading": "处理决定", "paragraphs": ["责令立即停止作业。"]}]},
        subject=case,
        made_on_site_at=on_site,
    )
    in_office = documents.document_issue(
        actor=people["officer"],
        agency=sub,
        type_code="inquiry_record",
        short_code="询",
        title="询问笔录",
        content={"sections": [{"heading": "询问内容", "paragraphs": ["问：姓名？答：张三。"]}]},
        subject=case,
    )
    return {
        **people,
        "case": case,
        "document": made_on_site,
        "in_office": in_office,
        "on_site": on_site,
    }


def _page(world) -> str:
    return f"/documents/{world['document'].pk}/paper/"


def _csrf_client(user) -> tuple[Client, str]:
    client = sign_in(Client(enforce_csrf_checks=True), user)
    client.get("/account/")
    return client, client.cookies["csrftoken"].value


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_team_attaches_the_scan_on_the_page_and_the_ledger_binds_it(world):
    client, csrf = _csrf_client(world["partner"])
    page = client.get(_page(world))
    assert page.status_code == 200
    assert (
        "尚未上传" in page.content.decode()
        and world["document"].pdf_sha256 in page.content.decode()
    )
    signed_on = timezone.localdate(world["on_site"])
    response = client.post(
        _page(world),
        {
            "csrfmiddlewaretoken": csrf,
            "scan": _upload("现场处理决定书.pdf", SCAN),
            "signed_on": signed_on.isoformat(),
            "kept_at": "案卷第1卷第12页",
            "note": "当事人在第2页手写更正并签名。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [scan] = PaperScan.objects.all()
    assert (scan.document, scan.scanned_by, scan.kept_at) == (
        world["document"],
        world["partner"],
        "案卷第1卷第12页",
    )
    assert scan.content_type == "application/pdf" and scan.signed_on == signed_on
    assert blob_read(scan.scan_path) == SCAN  # write-once blob, content-addressed
    entry = LedgerEntry.objects.filter(action="document.paper_attach").get()
    details = json.loads(entry.body)["details"]
    assert details["counterpart_sha256"] == world["document"].pdf_sha256
    assert details["scan_sha256"] == scan.scan_sha256 and details["scan_sm3"] == scan.scan_sm3
    assert details["number"] == world["document"].number.text
    assert details["kept_at"] == "案卷第1卷第12页" and details["made_on_site_at"]
    assert "案卷第1卷第12页" in client.get(_page(world)).content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scan": ("a.txt", b"plain text")}, "scan", "扫描件应为PDF、JPEG或PNG文件。"),
        ({"kept_at": ""}, "kept_at", "请填写纸质原件的存放位置"),
        ({"signed_on": "2999-01-01"}, "signed_on", "签名日期不能晚于今天。"),
        ({"signed_on": "2020-01-01"}, "signed_on", "签名日期不能早于文书制作日期"),
    ],
)
def test_bad_input_on_the_page_is_a_chinese_field_error_and_nothing_is_stored(
    world, fields, field, message
):
    client, csrf = _csrf_client(world["officer"])
    data = {
        "csrfmiddlewaretoken": csrf,
        "scan": _upload("scan.png", PNG),
        "signed_on": timezone.localdate(world["on_site"]).isoformat(),
        "kept_at": "案卷第1卷第3页",
    }
    for key, value in fields.items():
        data[key] = _upload(*value) if key == "scan" else value
    response = client.post(_page(world), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert not PaperScan.objects.exists()
    assert not LedgerEntry.objects.filter(action="document.paper_attach").exists()


def test_outside_the_team_the_page_the_api_and_the_service_refuse(world):
    client, _csrf = _csrf_client(world["outsider"])
    assert client.get(_page(world)).status_code == 403
    _token, raw = api_token_create(actor=world["outsider"], name="测试", scopes=["documents:write"])
    response = Client().post(
        f"/api/documents/documents/{world['document'].pk}/paper-scans",
        {
            "scan_base64": base64.b64encode(SCAN).decode(),
            "signed_on": timezone.localdate().isoformat(),
            "kept_at": "案卷",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert not PaperScan.objects.exists()


def test_the_api_attaches_with_a_bearer_token_and_answers_bad_input_field_by_field(world):
    _token, raw = api_token_create(
        actor=world["officer"], name="扫描仪", scopes=["documents:write"]
    )
    url = f"/api/documents/documents/{world['document'].pk}/paper-scans"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    day = timezone.localdate(world["on_site"]).isoformat()
    bad = Client().post(
        url,
        {"scan_base64": "不是base64", "signed_on": day, "kept_at": "案卷"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "scan_base64"
    wrong = Client().post(
        url,
        {"scan_base64": base64.b64encode(b"GIF89a").decode(), "signed_on": day, "kept_at": ""},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"scan_base64", "kept_at"}
    assert not PaperScan.objects.exists()
    created = Client().post(
        url,
        {
            "scan_base64": base64.b64encode(PNG).decode(),
            "file_name": "p1.png",
            "signed_on": day,
            "kept_at": "案卷第1卷第5页",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json()["content_type"] == "image/png"
    listed = Client().get(url, **auth).json()
    assert [s["scan_sha256"] for s in listed] == [created.json()["scan_sha256"]]


@override_settings(SANXIANG_PAPER_SCAN_WORKING_DAYS=3)
def test_an_on_site_document_without_its_scan_is_on_the_officers_home_page_until_attached(world):
    due = add_working_days(timezone.localdate(world["on_site"]), 3).date
    [missing] = paper.paper_scans_missing(user=world["officer"])
    assert missing.document == world["document"]  # the document made in the office is not
    assert missing.due == due and missing.overdue == (due < timezone.localdate())
    client = sign_in(Client(), world["partner"])  # the team, not only the issuer
    home = client.get("/").content.decode()
    assert "现场手签文书的纸质原件扫描件待上传" in home and _page(world) in home
    paper.paper_attach(
        actor=world["partner"],
        document=world["document"],
        data=SCAN,
        file_name="scan.pdf",
        signed_on=timezone.localdate(world["on_site"]),
        kept_at="案卷第1卷第12页",
    )
    assert paper.paper_scans_missing(user=world["officer"]) == []
    assert "现场手签文书的纸质原件扫描件待上传" not in client.get("/").content.decode()
    assert paper.paper_scans_missing(user=world["outsider"]) == []
