"""Borrowing a document in Chromium (JL-USE-2, ADR 0123), as the people do it: an officer outside
the case team finds 申请借阅 where the PDF link was, asks with the document already picked, the
custodian approves with the button that says so, and the officer opens a watermarked copy."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from sanxiang.documents.models import BorrowRequest, BorrowStatus, Document
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    crew = [
        factories.officer(agency=sub, username="officer_b1", full_name="李明"),
        factories.officer(agency=sub, username="officer_b2", full_name="王强"),
    ]
    case = factories.filed_case(
        officers=crew,
        mine=factories.mine(agency=sub),
        head=factories.head(agency=sub, username="head_b"),
    )
    return {
        "case": case,
        "document": Document.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("pk")
        .first(),
        "outsider": factories.officer(agency=sub, username="outsider_b", full_name="周外"),
        "custodian": factories.custodian(agency=sub, username="custodian_b", full_name="钱档案"),
    }


def test_an_outsider_borrows_a_document_in_the_browser(page, world, output_dir):
    document = world["document"]
    login(page, "outsider_b")
    page.goto(f"{page.base_url}/cases/{world['case'].pk}/")
    row = page.locator("tr", has_text=str(document.number))
    assert row.locator("a", has_text="下载").count() == 0
    row.locator("a", has_text="申请借阅").first.click()
    page.wait_for_load_state()
    # The document is picked already (Tom Select shows it); the person writes only why and how.
    assert str(document.number) in page.locator(".ts-control").first.inner_text()
    page.fill("#id_purpose", "执法监督抽阅")
    page.select_option("#id_scope", "download")
    page.screenshot(path=str(output_dir / "borrow_form.png"), full_page=True)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert "已提交借阅申请" in page.inner_text("body")
    borrow = BorrowRequest.objects.get()
    assert borrow.status == BorrowStatus.PENDING

    page.context.clear_cookies()
    login(page, "custodian_b")
    page.locator("a", has_text="周外 借阅").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(output_dir / "borrow_decide.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main form button", has_text="批准").first.click()
    borrow.refresh_from_db()
    assert borrow.status == BorrowStatus.APPROVED

    page.context.clear_cookies()
    login(page, "outsider_b")
    page.goto(f"{page.base_url}/cases/{world['case'].pk}/")
    row = page.locator("tr", has_text=str(document.number))
    response = page.request.get(
        page.base_url + row.locator("a", has_text="下载").first.get_attribute("href")
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    (output_dir / "borrowed.pdf").write_bytes(response.body())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "周外" in text and "执法监督抽阅" in text
