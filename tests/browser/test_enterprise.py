"""企业端 in Chromium (ADR 0150): the mine signs in at its own page, sees its rectification
order with its due date, uploads a report with a photo, and sees a served document with the
served time; the officer then finds the report on the inspection page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanxiang.enterprise import services
from sanxiang.enterprise.models import RectificationReport
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINE_PASSWORD = "Kuang-Qiye-2026"


@pytest.fixture
def world(transactional_db, monkeypatch):
    from sanxiang.inspections import services as inspections

    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    crew = [
        factories.officer(agency=sub, username="officer_e1", full_name="李明"),
        factories.officer(agency=sub, username="officer_e2", full_name="王强"),
    ]
    mine = factories.mine(agency=sub, name="青山煤矿（浏览器测试）")
    visit = factories.inspection(
        plan=factories.inspection_plan(officers=crew, mine=mine, head=factories.head(agency=sub))
    )
    measure = inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=factories.finding(inspection=visit),
        content="限期完成井下作业人员安全培训。",
        days=10,
    )
    account = services.account_create(
        actor=crew[0],
        mine=mine,
        login="qingshan",
        full_name="安全科长 赵某",
        password=MINE_PASSWORD,
    )
    services.consent_record(
        actor=crew[0],
        mine=mine,
        signed_on=timezone.localdate(),
        signatory="矿长 钱某",
        file=b"%PDF-1.4 consent",
        file_name="电子送达地址确认书.pdf",
    )
    delivery = services.delivery_send(actor=crew[0], document=measure.document, mine=mine)
    return {"measure": measure, "inspection": visit, "account": account, "delivery": delivery}


def test_a_mine_reports_its_rectification_and_sees_what_was_served(
    page, world, output_dir, tmp_path
):
    measure, delivery = world["measure"], world["delivery"]
    page.goto(f"{page.base_url}/enterprise/login/")
    page.fill("#id_login", "qingshan")
    page.fill("#id_password", MINE_PASSWORD)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert page.url.endswith("/enterprise/")
    assert "青山煤矿（浏览器测试）" in page.inner_text("main")

    page.click("main a:has-text('整改指令')")
    page.wait_for_load_state()
    row = page.locator("tr", has_text="责令限期整改")
    assert measure.due_on.strftime("%Y-%m-%d") in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state()
    photo = tmp_path / "培训现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 training photo")
    page.fill("#id_content", "已组织全体井下作业人员完成安全培训，建立培训档案。")
    page.set_input_files("#id_files", str(photo))
    page.screenshot(path=str(output_dir / "report_form.png"), full_page=True)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert "整改报告已提交" in page.inner_text("body")
    assert "培训现场.jpg" in page.inner_text("main")
    assert RectificationReport.objects.filter(measure=measure).count() == 1

    page.click("header a:has-text('送达文书')")
    page.wait_for_load_state()
    served = timezone.localtime(delivery.arrived_at).strftime("%Y-%m-%d %H:%M:%S")
    row = page.locator("tr", has_text=measure.document.number.text)
    assert served in row.locator(".served-at").inner_text()
    assert "未查阅" in row.inner_text()
    page.screenshot(path=str(output_dir / "served.png"), full_page=True)

    # the mine's session reaches no staff page
    page.goto(f"{page.base_url}/cases/")
    assert page.url.endswith("/enterprise/")

    # the officer sees the report on the inspection page
    page.context.clear_cookies()
    login(page, "officer_e1")
    page.goto(f"{page.base_url}/inspections/{world['inspection'].pk}/")
    body = page.inner_text("main")
    assert "煤矿提交的整改报告" in body and "已组织全体井下作业人员完成安全培训" in body
    assert "培训现场.jpg" in body
