"""Document numbering (gapless, voided numbers kept), PDF rendering in Chinese, ledger digests."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from sanxiang.core.blobstore import blob_is_read_only, blob_read
from sanxiang.documents import services
from sanxiang.documents.models import DocumentNumber, NumberStatus
from sanxiang.documents.numbering import format_number, number_allocate
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

CONTENT = {
    "party": [
        {"label": "当事人", "value": "测试省安泰煤业有限公司泰安煤矿"},
        {"label": "统一社会信用代码", "value": "91350100M000100Y43"},
    ],
    "sections": [
        {"heading": "违法事实", "paragraphs": ["经查，你矿井下采煤工作面未按规定设置甲烷传感器。"]},
        {
            "heading": "处罚依据",
            "paragraphs": ["依据《中华人民共和国安全生产法》第九十九条（示例）。"],
        },
    ],
    "remedies": "如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内提起行政诉讼。",
}


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


def issue(officer, agency, **overrides):
    values = {
        "actor": officer,
        "agency": agency,
        "type_code": "penalty_decision",
        "short_code": "罚",
        "title": "行政处罚决定书",
        "content": CONTENT,
    }
    values.update(overrides)
    return services.document_issue(**values)


def test_number_pattern_for_sub_bureau_and_province(province):
    assert format_number(province["a"], "罚", 2026, 12) == "测（甲）煤安罚〔2026〕12号"
    assert format_number(province["provincial"], "罚", 2026, 1) == "测煤安罚〔2026〕1号"


def test_numbers_are_consecutive_per_agency_type_and_year(officer, province):
    year = timezone.localdate().year
    first = issue(officer, province["a"])
    second = issue(officer, province["a"])
    other_type = issue(
        officer,
        province["a"],
        type_code="rectification_order",
        short_code="责改",
        title="责令限期整改指令书",
    )
    assert (first.number.sequence, second.number.sequence) == (1, 2)
    assert other_type.number.sequence == 1
    assert second.number.text == f"测（甲）煤安罚〔{year}〕2号"


def test_number_is_not_used_when_issuance_fails(officer, province, monkeypatch):
    issue(officer, province["a"])

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        issue(officer, province["a"])
    monkeypatch.undo()
    third = issue(officer, province["a"])
    assert third.number.sequence == 2  # no gap left by the failed attempt


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(province):
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError):
        number_allocate(agency=province["a"], type_code="罚", year=2026)
    assert not DocumentNumber.objects.exists()


def test_voided_number_stays_visible_and_is_not_reused(officer, province):
    head = factories.staff(agency=province["a"], roles=["head"])
    document = issue(officer, province["a"])
    services.document_void(actor=head, document=document, reason="文书内容有误，重新制作")
    number = DocumentNumber.objects.get(pk=document.number_id)
    assert number.status == NumberStatus.VOIDED and number.void_reason
    assert issue(officer, province["a"]).number.sequence == 2
    with pytest.raises(ValidationError):
        services.document_void(actor=head, document=document, reason="再次作废")


def test_only_heads_void_and_reason_required(officer, province):
    document = issue(officer, province["a"])
    with pytest.raises(PermissionDenied):
        services.document_void(actor=officer, document=document, reason="x")
    head = factories.staff(agency=province["a"], roles=["head"])
    with pytest.raises(ValidationError):
        services.document_void(actor=head, document=document, reason="  ")


def test_officer_cannot_issue_for_another_unit(officer, province):
    with pytest.raises(PermissionDenied):
        issue(officer, province["b"])


def test_pdf_text_is_chinese_and_fonts_are_embedded(officer, province):
    document = issue(officer, province["a"])
    pdf = blob_read(document.pdf_path)
    assert pdf.startswith(b"%PDF")
    assert blob_is_read_only(document.pdf_path)  # like evidence originals (ADR 0077)
    reader = PdfReader(io.BytesIO(pdf))
    # Letter-spaced titles and wrapped lines come back with whitespace inside words.
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))
    for expected in (
        "行政处罚决定书",
        document.number.text,
        "测试省安泰煤业有限公司泰安煤矿",
        "甲烷传感器",
        "安全生产法",
        "行政复议",
    ):
        assert expected in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Serif-CJK-SC" in name for name in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdftotext_extracts_characters_not_boxes(officer, province, tmp_path):
    document = issue(officer, province["a"])
    path = tmp_path / "doc.pdf"
    path.write_bytes(blob_read(document.pdf_path))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "行政处罚决定书" in re.sub(r"\s", "", text) and "□" not in text


def test_ledger_records_the_pdf_digests(officer, province):
    document = issue(officer, province["a"])
    pdf = blob_read(document.pdf_path)
    entry = LedgerEntry.objects.filter(action="document.issue").latest("seq")
    details = json.loads(entry.body)["details"]
    assert details["pdf_sm3"] == hashlib.new("sm3", pdf).hexdigest() == document.pdf_sm3
    assert details["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert details["number"] == document.number.text
