"""Browser walk of the licensing window in Chromium (GS-MID-3, GS-PRE-2.4): the licensing
flowchart is drawn from the transition table, and the progress query shows every step."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.licensing import services, workflow
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def application(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    load_sample_catalogs(
        agency=provincial,
        effective_from=datetime.date(2025, 1, 1),
        kinds=(
            CatalogKind.LEGAL_BASIS,
            CatalogKind.DOCUMENT_TYPE,
            CatalogKind.REMEDY,
            CatalogKind.POWER_LIST,
            CatalogKind.PROCEDURE_GUIDE,
        ),
        **factories.catalog_team(agency=provincial),
    )
    officer = factories.officer(agency=provincial, full_name="许受理")
    item = next(i for i in services.licensing_items(agency=provincial) if i.code == "XK-001")
    applied = services.submit_application(
        mine=factories.mine(agency=sub),
        item=item,
        materials=[services.Material(item.material_list[0], "a.pdf", b"%PDF-1.4\n")],
        request="申请（浏览器测试）",
        registered_by=officer,
        received_on=datetime.date(2026, 9, 29),
    )
    services.correction_notice(
        actor=officer,
        application=applied,
        missing=item.material_list[1:],
        on=datetime.date(2026, 9, 30),
    )
    return applied


def test_flowchart_and_progress_query(page, application, output_dir):
    page.goto(page.base_url + "/public/procedures/")
    chart = page.locator("svg.flowchart").nth(1)  # catalog publication first, then licensing
    svg = chart.inner_html()
    for row in workflow.TRANSITIONS:
        assert str(row.label)[:6] in svg
    chart.screenshot(path=str(output_dir / "licensing_flowchart.png"))

    page.goto(page.base_url + "/public/licensing/")
    assert "岗位信息牌" in page.inner_text("main") and "许受理" in page.inner_text("main")
    page.fill("input[name=number]", application.number)
    page.fill("input[name=code]", application.query_code)
    page.click("form[action$='/progress/'] button[type=submit]")
    steps = page.locator(".progress-step")
    # click() only starts the navigation: wait for the answer page
    expect(steps).to_have_count(2)
    text = page.inner_text(".progress-timeline")
    assert "窗口登记纸质申请" in text and "一次性告知补正" in text and "2026年9月30日" in text
    assert "待补正材料" in text and "补正通知书" in text
    page.screenshot(path=str(output_dir / "licensing_progress.png"), full_page=True)
