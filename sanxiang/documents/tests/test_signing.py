"""Electronic seals and signatures on issued documents (ADR 0200): PAdES via pyHanko, the
agency CA as trust root, offline validation, the ledger's digest, revocation, the seal box."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command

from sanxiang.core.blobstore import blob_read
from sanxiang.documents import pki, signing
from sanxiang.documents.services import document_issue
from sanxiang.documents.tests.test_documents import CONTENT
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.services import staff_update
from sanxiang.testing import factories


@pytest.fixture
def timestamped(settings):
    settings.SANXIANG_SIGNING_TIMESTAMP = True


def _issue(actor, agency, template="documents/pdf/decision.html"):
    return document_issue(
        actor=actor,
        agency=agency,
        type_code="penalty_decision",
        short_code="罚",
        title="行政处罚决定书",
        content=CONTENT,
        template=template,
    )


def _event(document) -> dict:
    entry = LedgerEntry.objects.filter(action="document.issue", object_id=str(document.pk)).get()
    return json.loads(entry.body)["details"]


@pytest.mark.django_db
def test_decision_carries_the_agency_seal_valid_offline_b_lt(province, timestamped, tmp_path):
    head = factories.head(agency=province["a"])
    document = _issue(head, province["a"])
    pdf = blob_read(document.pdf_path)
    report = signing.verify_pdf(pdf)
    assert report.valid, report
    (sig,) = report.signatures
    assert province["a"].name in sig.signer and "电子印章" in sig.signer
    assert sig.timestamp_at is not None and sig.revoked_at is None and sig.covers_whole_file
    details = _event(document)["signature"]
    assert details["kind"] == "seal" and details["timestamped"]
    assert details["signature_sha256"] == signing.signature_digests(pdf)[0]
    assert details["step_up"]["channel"]
    assert signing.ledger_finds(pdf) == document
    # B-LT: the DSS holds the CRL and the chain, so nothing needs fetching.
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    dss = PdfFileReader(BytesIO(pdf)).root["/DSS"]
    assert "/CRLs" in dss and "/Certs" in dss
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    call_command("documents_verify_signature", str(path))


@pytest.mark.django_db
def test_one_changed_byte_is_reported_by_pyhanko_and_the_ledger(province, tmp_path):
    head = factories.head(agency=province["a"])
    pdf = bytearray(blob_read(_issue(head, province["a"]).pdf_path))
    at = pdf.index(b"/Contents") - 200  # inside the signed byte range, in the page content
    pdf[at] = (pdf[at] + 1) % 256
    tampered = bytes(pdf)
    assert not signing.verify_pdf(tampered).valid
    assert signing.ledger_finds(tampered) is None
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    with pytest.raises(CommandError):
        call_command("documents_verify_signature", str(path))


@pytest.mark.django_db
def test_the_seal_sits_over_the_agency_name_and_date_and_no_other_text(province):
    head = factories.head(agency=province["a"])
    pdf = blob_read(_issue(head, province["a"]).pdf_path)
    assert_seal_over_name_and_date(pdf, province["a"].name)


def assert_seal_over_name_and_date(pdf: bytes, agency_name: str) -> None:
    """The seal's box (the signature field) covers the agency name and the date line and no
    other word of the page (boxes as poppler extracts them). Reused by the golden tests of
    each layout with a seal (ADR 0215)."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf))
    field = next(
        annot.get_object()
        for annot in reader.root["/AcroForm"]["/Fields"]
        if annot.get_object().get("/T") == signing.FIELD_NAME
    )
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    page_index = next(
        index
        for index, page in enumerate(reader.root["/Pages"]["/Kids"])
        if any(
            annot.get_object().get("/T") == signing.FIELD_NAME
            for annot in page.get_object().get("/Annots", [])
        )
    )
    page_height = 841.89
    words = [w[:5] for w in _words_by_page(pdf) if w[5] == page_index]
    inside = [w for w in words if _overlaps(w[1:], (x1, page_height - y2, x2, page_height - y1))]
    assert inside, "the seal covers the agency name and the date line"
    covered = "".join(w[0] for w in inside)
    assert agency_name in covered and "年" in covered
    assert all(w[0] in agency_name or "年" in w[0] or w[0].isdigit() for w in inside), inside


def _text_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Every word poppler extracts with its box (top-left origin, points)."""
    return [w[:5] for w in _words_by_page(pdf)]


def _words_by_page(pdf: bytes) -> list[tuple[str, float, float, float, float, int]]:
    """Every word poppler extracts with its box (top-left origin, points) and its page."""
    import re

    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    out = []
    for index, page in enumerate(html.split("<page ")[1:]):
        out += [
            (m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3]), index)
            for m in re.findall(pattern, page)
        ]
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.django_db
def test_a_record_is_signed_personally_and_pdftotext_still_reads_it(province):
    officer = factories.officer(agency=province["a"])
    document = _issue(officer, province["a"], template="documents/pdf/record.html")
    pdf = blob_read(document.pdf_path)
    report = signing.verify_pdf(pdf)
    assert report.valid and report.signatures[0].signer == officer.full_name
    assert _event(document)["signature"]["kind"] == "personal"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout
    assert "测（甲）煤安罚" in text.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("stamped", [False, True], ids=["ledger-time", "timestamp"])
def test_an_officer_who_leaves_is_revoked_what_he_signed_before_stays_valid(
    province, settings, stamped
):
    """ADR 0225: deactivation revokes his certificate (CRL re-signed); what he signed before
    is valid as signed before revocation — proven by the timestamp, or without one by the
    ledger's issue event; a signature attempt after is refused."""
    from django.core.exceptions import PermissionDenied

    settings.SANXIANG_SIGNING_TIMESTAMP = stamped
    admin = factories.staff(agency=province["a"], roles=["system_admin"])
    officer = factories.officer(agency=province["a"])
    pdf = blob_read(_issue(officer, province["a"], "documents/pdf/record.html").pdf_path)
    assert signing.verify_pdf(pdf).valid
    staff_update(actor=admin, staff=officer, is_active=False)
    (sig,) = signing.verify_pdf(pdf).signatures
    assert sig.valid and sig.revoked_at is not None and sig.signed_before_revocation, sig
    from cryptography import x509

    crl = x509.load_pem_x509_crl((pki.signing_dir() / pki.CRL_FILE).read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(int(sig.serial, 16)) is not None
    entry = LedgerEntry.objects.filter(action="signing.certificate_revoke").get()
    assert json.loads(entry.body)["details"]["certificate_serial"] == sig.serial
    officer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _issue(officer, province["a"], "documents/pdf/record.html")
    with pytest.raises(PermissionDenied):
        signing.sign_pdf(pdf, agency=province["a"], actor=officer, seal_box=None)


@pytest.mark.django_db
def test_a_signature_made_after_its_revocation_date_is_invalid(province):
    """The boundary: the same file, its certificate revoked before the recorded signing time."""
    import datetime

    officer = factories.officer(agency=province["a"])
    document = _issue(officer, province["a"], "documents/pdf/record.html")
    pdf = blob_read(document.pdf_path)
    signed_at = datetime.datetime.fromisoformat(_event(document)["signature"]["signed_at"])
    cert = pki.staff_certificate_existing(officer).cert
    pki.certificate_revoke(cert)
    revoked = json.loads((pki.signing_dir() / pki.REVOKED_FILE).read_text())
    revoked[str(cert.serial_number)] = (signed_at - datetime.timedelta(seconds=1)).isoformat()
    (pki.signing_dir() / pki.REVOKED_FILE).write_text(json.dumps(revoked))
    pki.crl_refresh()
    (sig,) = signing.verify_pdf(pdf).signatures
    assert not sig.valid and not sig.signed_before_revocation
    assert any("撤销" in p for p in sig.problems)


@pytest.mark.django_db
def test_losing_every_signing_role_revokes_the_certificate(province):
    admin = factories.staff(agency=province["a"], roles=["system_admin"])
    officer = factories.officer(agency=province["a"])
    _issue(officer, province["a"], "documents/pdf/record.html")
    staff_update(actor=admin, staff=officer, roles=["publicity_editor"])
    cert = pki.staff_certificate_existing(officer).cert
    assert pki.serial_revoked(cert.serial_number) is not None
    entry = LedgerEntry.objects.filter(action="signing.certificate_revoke").get()
    assert json.loads(entry.body)["details"]["reason"] == "signing roles removed"


def test_ca_files_live_in_the_key_directory_not_the_database():
    directory = pki.signing_dir()
    assert (directory / "ca.key.pem").stat().st_mode & 0o077 == 0
    assert (directory / pki.CRL_FILE).exists()
    assert hashlib.sha256((directory / "ca.cert.pem").read_bytes()).hexdigest()


@pytest.mark.django_db
def test_staff_page_verifies_an_upload(province, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    head = factories.head(agency=province["a"])
    document = _issue(head, province["a"])
    pdf = blob_read(document.pdf_path)
    officer = factories.officer(agency=province["a"])
    client.force_login(officer)
    url = reverse("documents:signature_verify")
    assert client.get(url).status_code == 200
    page = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", pdf, "application/pdf")})
    text = page.content.decode()
    assert "核验通过" in text and "测试省局甲分局电子印章" in text and "未撤销" in text
    bad = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1.7 junk")})
    assert "核验不通过" in bad.content.decode()
    refused = client.post(url, {"pdf": SimpleUploadedFile("a.txt", b"hello")})
    assert refused.status_code == 200 and "这不是 PDF 文件" in refused.content.decode()


@pytest.mark.django_db
def test_issuing_without_the_ca_fails_loudly_and_signing_ca_makes_it(province, settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from sanxiang.documents.models import Document

    head = factories.head(agency=province["a"])
    settings.SANXIANG_KEY_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured, match="signing_ca"):
        _issue(head, province["a"])
    assert not Document.objects.exists()
    call_command("signing_ca")
    call_command("signing_ca")  # idempotent: the same root stays
    assert (tmp_path / "signing" / "ca.cert.pem").exists()
    assert (tmp_path / "signing" / "tsa.key.pem").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_the_walks_checker_passes_issued_documents_and_catches_a_changed_file(province):
    """The checker the browser case walk runs over every document it issued."""
    from sanxiang.core.blobstore import blob_put
    from sanxiang.testing import signed_documents

    head = factories.head(agency=province["a"])
    officer = factories.officer(agency=province["a"])
    decision = _issue(head, province["a"])
    record = _issue(officer, province["a"], "documents/pdf/record.html")
    assert signed_documents.check_all([decision, record]) == (2, [])
    changed = signed_documents.one_byte_changed(blob_read(decision.pdf_path))
    decision.pdf_path = blob_put(changed).path
    problems = signed_documents.check_document(decision)
    assert any("differs from its digest" in p for p in problems)
    assert any("not valid" in p for p in problems)


@pytest.mark.django_db
def test_a_document_made_on_site_is_signed_on_return_with_the_on_site_time(province):
    """ADR 0226: made underground at 09:40, signed on return; dated and printed with the
    on-site time, the seal still clear of other text; a future on-site time is refused."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from sanxiang.documents.models import Document
    from sanxiang.testing import signed_documents

    head = factories.head(agency=province["a"])
    on_site = timezone.localtime() - datetime.timedelta(hours=3)
    document = document_issue(
        actor=head,
        agency=province["a"],
        type_code="onsite_decision",
        short_code="现",
        title="现场处理决定书",
        content=CONTENT,
        template="documents/pdf/decision.html",
        made_on_site_at=on_site,
    )
    pdf = blob_read(document.pdf_path)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    flat = "".join(text.split())
    assert (
        f"本文书于{on_site:%Y}年{on_site.month}月{on_site.day}日{on_site:%H:%M}在现场制作" in flat
    )
    assert f"{on_site.month}月{on_site.day}日" in flat
    details = _event(document)
    assert details["made_on_site_at"] == on_site.isoformat()
    assert details["signature"]["signed_at"] > on_site.isoformat()
    assert signed_documents.check_document(document) == []
    count = Document.objects.count()
    for bad in (timezone.now() + datetime.timedelta(minutes=5), datetime.datetime(2026, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            document_issue(
                actor=head,
                agency=province["a"],
                type_code="onsite_decision",
                short_code="现",
                title="现场处理决定书",
                content=CONTENT,
                template="documents/pdf/decision.html",
                made_on_site_at=bad,
            )
        assert "made_on_site_at" in refused.value.message_dict
    assert Document.objects.count() == count


@pytest.mark.django_db
def test_a_certificate_whose_name_no_longer_fits_is_superseded(province):
    """A person's certificate names him, his agency and login: after a change of name the next
    signature gets a new certificate and the old one is revoked (it signs nothing more)."""
    from cryptography.x509.oid import NameOID

    officer = factories.officer(agency=province["a"], full_name="李明")
    first = pki.staff_certificate(officer)
    assert pki.staff_certificate(officer).cert.serial_number == first.cert.serial_number
    officer.full_name = "李明亮"
    officer.save(update_fields=["full_name"])
    second = pki.staff_certificate(officer)
    assert second.cert.serial_number != first.cert.serial_number
    assert second.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "李明亮"
    assert pki.serial_revoked(first.cert.serial_number)
    assert not pki.serial_revoked(second.cert.serial_number)
