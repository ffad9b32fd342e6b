"""Browser walk of the public portal in Chromium: content, flowchart, certificate check, no
request leaving 127.0.0.1 (checked by the ``page`` fixture), screenshots in test-results/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.org import services as org
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    team = factories.catalog_team(agency=provincial)
    load_sample_catalogs(agency=provincial, effective_from=datetime.date(2025, 1, 1), **team)
    valid = factories.officer(agency=sub, full_name="周有效")
    lapsed = factories.officer(agency=sub, certified=False, full_name="吴过期")
    today = timezone.localdate()
    org.certificate_issue(
        actor=factories.superuser(),
        holder=lapsed,
        number="1499EXPIRED",
        issuing_authority="测试省人民政府",
        issued_on=today - datetime.timedelta(days=2000),
        expires_on=today - datetime.timedelta(days=3),
    )
    return {"valid": valid.certificates.get().number, "sub": sub}


def test_public_pages_in_chromium(page, published, output_dir):
    base = page.base_url + "/public/"
    page.goto(base)
    assert page.inner_text("h1") == "执法公示"
    page.click("nav >> text=执法主体")
    expect(page.locator("table")).to_contain_text("测试省煤矿安全监察局甲分局")

    page.click("nav >> text=执法人员")
    expect(page.locator("table")).to_contain_text("周有效")
    table = page.inner_text("table")
    assert "周有效" in table and published["valid"] in table and "吴过期" not in table

    page.click("nav >> text=执法依据")
    expect(page.locator("main")).to_contain_text("中华人民共和国安全生产法")
    page.locator("details summary").first.click()
    assert "【示例条文】" in page.inner_text("main")
    page.screenshot(path=str(output_dir / "legal_bases.png"), full_page=True)

    page.click("nav >> text=权责清单")
    expect(page.locator("table")).to_contain_text("CF-001")
    assert "示例" in page.inner_text(".version-banner")
    page.select_option("select[name=agency]", label="测试省煤矿安全监察局甲分局")
    page.click("form.filters button")
    expect(page.locator("main")).to_contain_text("适用上级机构")
    page.screenshot(path=str(output_dir / "power_list.png"), full_page=True)

    page.click("nav >> text=执法程序与服务指南")
    chart = page.locator("svg.flowchart")
    # count() does not wait: the click only starts the navigation, so wait for the page.
    expect(chart).to_have_count(10)  # + licensing, coercion, and the branches CF-002…005
    assert chart.count() == 10 and chart.first.is_visible()
    assert "待负责人审批" in chart.first.inner_html()
    chart.first.screenshot(path=str(output_dir / "flowchart.png"))
    page.screenshot(path=str(output_dir / "procedures.png"), full_page=True)

    page.click("nav >> text=随机抽查事项清单")
    expect(page.locator("table")).to_contain_text("重点检查事项")
    page.click("nav >> text=救济途径")
    expect(page.locator("main")).to_contain_text("行政复议")
    assert "六十日" in page.inner_text("main")

    page.click("nav >> text=执法证查询")
    page.fill("input[name=number]", published["valid"])
    page.click("form.filters button")
    expect(page.locator(".check-result")).to_contain_text("周有效")
    result = page.inner_text(".check-result")
    assert "有效" in result and "周有效" in result and "测试省煤矿安全监察局甲分局" in result
    page.screenshot(path=str(output_dir / "certificate_valid.png"), full_page=True)
    page.fill("input[name=number]", "１４９９ｅｘｐｉｒｅｄ")  # full-width, lower case
    page.click("form.filters button")
    expect(page.locator(".check-result")).to_contain_text("已过期")
    result = page.inner_text(".check-result")
    assert "已过期" in result and "吴过期" in result
    page.screenshot(path=str(output_dir / "certificate_expired.png"), full_page=True)
    page.fill("input[name=number]", "NO-SUCH-NUMBER")
    page.click("form.filters button")
    expect(page.locator(".check-result")).to_contain_text("查无此证")

    page.click("nav >> text=开放数据")
    response = page.request.get(page.base_url + "/public/data/powers.json")
    assert response.ok and response.json()["items"][0]["code"] == "CF-001"


def test_portal_prints_plainly(page, published, output_dir):
    page.goto(page.base_url + "/public/powers/")
    page.emulate_media(media="print")
    assert not page.locator("nav.portal-nav").is_visible()
    assert page.locator("table").is_visible()
    page.screenshot(path=str(output_dir / "print.png"), full_page=True)
