"""Browser walk of the foundation: login, dashboard, a coal mine with a bad then a good code."""

from __future__ import annotations

import pytest

from sanxiang.registry.models import CoalMine
from sanxiang.testing import factories
from sanxiang.testing.browser import login as shared_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    return factories.officer(agency=sub, username="officer_web", full_name="李明")


def login(page, username: str, password: str = factories.PASSWORD) -> None:
    shared_login(page, username, password)


def test_login_dashboard_and_mine_registration(page, officer, output_dir):
    login(page, "officer_web")
    page.wait_for_selector("h1")
    assert "李明，您好" in page.inner_text("h1")
    assert "我的执法证" in page.content()
    assert "监管煤矿" in page.content()
    page.screenshot(path=str(output_dir / "dashboard.png"))

    page.click("text=煤矿")
    page.click("text=登记煤矿")
    page.fill("#id_name", "浏览器测试煤矿")
    page.fill("#id_credit_code", "91350100M000100Y44")  # check character wrong
    page.select_option("#id_supervising_agency", label="测试省煤矿安全监察局甲分局")
    page.fill("#id_division_code", "140100")
    page.fill("#id_address", "测试省测试市测试镇")
    page.select_option("#id_mine_type", "underground")
    page.select_option("#id_status", "producing")
    page.click("button.primary")

    error = page.locator("#id_credit_code-errors")
    assert error.inner_text() == "统一社会信用代码校验位错误，请核对后重新输入。"
    assert page.input_value("#id_name") == "浏览器测试煤矿"  # nothing the user typed is lost
    assert not CoalMine.objects.filter(name="浏览器测试煤矿").exists()
    page.screenshot(path=str(output_dir / "credit_code_error.png"), full_page=True)

    page.fill("#id_credit_code", "９１３５０１００ｍ０００１００ｙ４３")  # full-width, lowercase
    page.click("button.primary")
    page.wait_for_selector("text=已登记煤矿。")
    assert "91350100M000100Y43" in page.content()
    mine = CoalMine.objects.get(name="浏览器测试煤矿")
    assert mine.credit_code == "91350100M000100Y43"
    assert "登记煤矿" in page.inner_text(".timeline")  # history from the ledger
    page.screenshot(path=str(output_dir / "mine_created.png"), full_page=True)


def test_lockout_after_repeated_failures(page, officer):
    for _ in range(5):
        login(page, "officer_web", "wrong-password-1")
    assert "账号已锁定" in page.content()
    login(page, "officer_web")
    assert "账号已锁定" in page.content()


def test_english_can_be_chosen(page, officer):
    login(page, "officer_web")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Dashboard" in page.inner_text("nav")
    assert "Coal mines" in page.inner_text("nav")
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    assert "工作台" in page.inner_text("nav")
