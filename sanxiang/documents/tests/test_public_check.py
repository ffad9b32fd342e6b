"""The public page where a party checks a served document (ADR 0224): no login, upload or
number + SHA-256, one changed byte, an unknown number, the limits, nothing else of the record."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.core.blobstore import blob_read
from sanxiang.documents.public_views import BODY_MAX
from sanxiang.documents.tests.test_signing import _issue
from sanxiang.org.services import staff_update
from sanxiang.testing import factories

URL = "/public/document-check/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(province):
    head = factories.head(agency=province["a"], full_name="赵局长")
    document = _issue(head, province["a"])
    return document, blob_read(document.pdf_path)


def _upload(client, pdf: bytes, name="文书.pdf"):
    return _result(client.post(URL, {"pdf": SimpleUploadedFile(name, pdf, "application/pdf")}))


def _result(response) -> str:
    """The answer section of the page (the intro text names seals too)."""
    text = response.content.decode()
    assert response.status_code == 200, response.status_code
    return text[text.index('id="result"') : text.index("</section>")]


def test_upload_of_a_served_decision_is_valid_and_says_only_the_signature(decision, province):
    document, pdf = decision
    client = Client(enforce_csrf_checks=False)
    assert "送达文书核验" in client.get(URL).content.decode()
    text = _upload(client, pdf)
    assert "有效" in text and "无效" not in text
    assert f"{province['a'].name}电子印章" in text and "机构电子印章" in text
    assert "未撤销" in text and document.number.text in text
    # Nothing else of the record: not the content, not the issuer's user name.
    for secret in ("违法事实", document.issued_by.username, "赵局长"):
        assert secret not in text, secret


def test_number_and_digest_find_it_and_a_wrong_digest_is_an_unknown_number(decision):
    document, pdf = decision
    client = Client()
    digest = hashlib.sha256(pdf).hexdigest()
    good = _result(client.post(URL, {"number": document.number.text, "sha256": digest.upper()}))
    assert "有效" in good and "无效" not in good and "电子印章" in good
    for number, sha in ((document.number.text, "0" * 64), ("测（甲）煤安罚〔2099〕9号", digest)):
        text = _result(client.post(URL, {"number": number, "sha256": sha}))
        assert "未查到" in text and "电子印章" not in text
    bad = client.post(URL, {"number": document.number.text, "sha256": "xyz"})
    assert bad.status_code == 400 and "64 位十六进制" in bad.content.decode()
    empty = client.post(URL, {})
    assert empty.status_code == 400 and "请上传 PDF 文书" in empty.content.decode()


def test_one_changed_byte_is_invalid(decision):
    _document, pdf = decision
    changed = bytearray(pdf)
    at = changed.index(b"/Contents") - 200
    changed[at] = (changed[at] + 1) % 256
    text = _upload(Client(), bytes(changed))
    assert "无效" in text and "没有签发过与该文件完全一致的文书" in text
    assert "签名后文件内容被改动" in text


def test_a_personal_signature_names_the_role_and_survives_the_signers_leaving(province):
    admin = factories.staff(agency=province["a"], roles=["system_admin"])
    officer = factories.officer(agency=province["a"], full_name="李明")
    pdf = blob_read(_issue(officer, province["a"], "documents/pdf/record.html").pdf_path)
    staff_update(actor=admin, staff=officer, is_active=False)
    text = _upload(Client(), pdf)
    assert "李明（执法人员）" in text and "签章在撤销之前，仍然有效" in text


def test_not_a_pdf_too_large_and_the_hourly_limit(decision, settings):
    refused = Client().post(URL, {"pdf": SimpleUploadedFile("a.txt", b"hello")})
    assert refused.status_code == 400 and "这不是 PDF 文件" in refused.content.decode()
    big = Client().post(URL, {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * BODY_MAX)})
    assert big.status_code == 413 and "超过 10 MB" in big.content.decode()
    settings.SANXIANG_COMPLAINT_POSTS_PER_HOUR = 2
    client = Client()
    for _attempt in range(2):
        client.post(URL, {})
    limited = client.post(URL, {})
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"


def test_the_portal_footer_links_the_page():
    assert URL in Client().get("/public/").content.decode()
