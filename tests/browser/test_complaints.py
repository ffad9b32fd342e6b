"""投诉举报 in Chromium (issue 15, GS-MID-3): an anonymous visitor files a report on a mine with
a photo (proof of work solved in the page, the photo sent through the resumable upload under a
grant), gets a number and a query code; an officer takes, verifies and turns it into an
inspection; the visitor's progress page shows each state; the reporter's contact appears on no
public page, feed, open data, ledger body or log line."""

from __future__ import annotations

import io
import logging

import pytest
from django.utils import timezone
from PIL import Image

from sanxiang.complaints.models import Complaint
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT = "13566667777"


@pytest.fixture
def people(transactional_db, settings):
    settings.SANXIANG_COMPLAINT_POW_MAX = 3000
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    return {
        "officer": factories.officer(agency=sub, username="officer_web", full_name="李明"),
        "partner": factories.officer(agency=sub, username="partner_web", full_name="王强"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }


def photo(path) -> str:
    image = Image.new("RGB", (200, 150), (120, 60, 30))
    exif = Image.Exif()
    exif[0x0110] = "BrowserPhone"
    exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return str(path)


def progress(page, number: str, code: str) -> str:
    page.context.clear_cookies()
    page.goto(page.base_url + "/public/complaints/progress/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("form.filters button.primary")
    return page.inner_text("#progress")


def step(page, link_id: str, fill) -> None:
    page.click(f"#{link_id}")
    page.wait_for_selector("form button.primary")
    fill(page)
    with page.expect_navigation():
        page.click("form button.primary")
    errors = page.locator(".errorlist, .messages .error")
    assert not errors.count(), errors.all_inner_texts()


def test_visitor_reports_with_photo_officer_turns_it_into_an_inspection(
    page, people, output_dir, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    page.set_default_timeout(60000)  # the first pages draw the flowchart (Graphviz)
    page.goto(page.base_url + "/public/complaints/")
    page.select_option("#id_mine", label=people["mine"].name)
    page.select_option("#id_category", value="hazard")
    page.fill("#id_description", "三号工作面瓦斯超限仍在作业 <script>alert(1)</script>")
    page.fill("#id_place", "三号工作面")
    page.fill("#id_reporter_contact", CONTACT)
    page.set_input_files("#report-files", photo(tmp_path / "现场.jpg"))
    page.wait_for_selector("#captcha-status:has-text('人机验证已完成')", timeout=60000)
    page.screenshot(path=str(output_dir / "report_form.png"), full_page=True)
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#complaint-number", timeout=60000)
    number = page.inner_text("#complaint-number").strip()
    code = page.inner_text("#complaint-code").strip()
    page.screenshot(path=str(output_dir / "report_received.png"), full_page=True)
    complaint = Complaint.objects.get(number=number)
    assert complaint.files.count() == 1 and complaint.reporter_contact == CONTACT
    assert "已收到，待受理" in progress(page, number, code)

    login(page, "officer_web")
    page.goto(page.base_url + f"/complaints/{complaint.pk}/")
    assert CONTACT not in page.inner_text("#reporter")  # masked until someone takes it
    assert "<script>" in page.inner_text("main")  # shown as text, not run
    with page.expect_navigation():
        page.click("#take")
    assert CONTACT in page.inner_text("#reporter")  # the intake officer sees it
    assert "扫描通过" in page.inner_text("main")
    with page.expect_popup() as shown:
        page.click("text=查看（已去除元数据）")
    shown.value.close()
    step(page, "assign", lambda p: p.select_option("#id_officer", label="王强"))
    page.context.clear_cookies()
    login(page, "partner_web")
    page.goto(page.base_url + f"/complaints/{complaint.pk}/")
    assert CONTACT not in page.inner_text("main")  # the verifier sees it masked

    def verify(p):
        p.select_option("#id_substantiated", value="true")
        p.fill("#id_finding", "调取监测数据，瓦斯浓度超限属实。")

    step(page, "verify", verify)
    today = timezone.localdate()

    def convert(p):
        for name in ("王强", "李明"):
            box = p.locator("#id_officers-ts-control")
            box.fill(name[:1])
            p.locator("#id_officers-ts-dropdown .option", has_text=name).click()
        p.fill("#id_planned_start", today.isoformat())
        p.fill("#id_planned_end", today.isoformat())

    step(page, "convert", convert)
    assert "/inspections/plans/" in page.url
    page.screenshot(path=str(output_dir / "inspection_plan.png"), full_page=True)
    complaint.refresh_from_db()
    assert complaint.inspection_plan is not None

    shown = progress(page, number, code)
    page.screenshot(path=str(output_dir / "progress.png"), full_page=True)
    for label in ("已收到，待受理", "已受理登记", "核查中", "已核查", "已转入行政检查"):
        assert label in shown, label
    assert "李明" not in shown and "瓦斯浓度" not in shown  # state and reply only

    # the contact: on no public page, feed or open data, in no ledger body, no log line
    for url in (
        "/public/",
        "/public/results/",
        "/public/results/feed.atom",
        "/public/data/",
        f"/public/mines/{people['mine'].pk}/",
        "/public/complaints/",
    ):
        response = page.request.get(page.base_url + url)
        assert CONTACT not in response.text(), url
    assert not LedgerEntry.objects.filter(body__contains=CONTACT).exists()
    assert CONTACT not in caplog.text
