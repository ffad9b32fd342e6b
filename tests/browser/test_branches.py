"""Browser: the head starts a sealing with two items from the case page (items entered as rows),
sees its term on the branch page and releases it; both documents are linked (ADR 0205)."""

from __future__ import annotations

import pytest

from sanxiang.cases.models import CaseBranch
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(transactional_db, monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    national = factories.agency(name="国家局（分支测试）", short="国")
    provincial = factories.agency(parent=national, name="分支测试省局", short="支")
    sub = factories.agency(parent=provincial, name="分支测试甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    officers = [
        factories.officer(agency=sub, username="officer_b", full_name="李承办"),
        factories.officer(agency=sub, username="partner_b", full_name="王协办"),
    ]
    head = factories.head(agency=sub, username="head_b", full_name="赵局长")
    mine = factories.mine(agency=sub, name="分支测试煤业有限公司一号煤矿")
    return factories.filed_case(officers=officers, mine=mine, head=head)


def test_sealing_with_two_items_then_release(page, case, output_dir):
    login(page, "head_b")
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("a.button:has-text('启动查封、扣押')")
    page.fill("#id_subject", "存在重大事故隐患的设备")
    page.fill("#id_basis", "《中华人民共和国安全生产法》第六十五条")
    for row, (name, quantity) in enumerate([("采煤机", "1台"), ("刮板输送机", "1部")]):
        page.fill(f"input[name='items-{row}-name']", name)
        page.fill(f"input[name='items-{row}-quantity']", quantity)
        page.fill(f"input[name='items-{row}-place']", "3101工作面")
    page.click("button.primary:has-text('查封（扣押）')")
    page.wait_for_selector("text=已办理：查封（扣押）")
    branch = CaseBranch.objects.get()
    body = page.inner_text("main")
    assert "查封（扣押）中" in body and "刮板输送机" in body
    assert branch.due_on.isoformat() in body
    page.screenshot(path=str(output_dir / "sealing.png"), full_page=True)
    page.click("a.button:has-text('解除查封（扣押）')")
    page.fill("#id_note", "隐患已整改，解除查封。")
    page.click("button.primary:has-text('解除查封（扣押）')")
    page.wait_for_selector("text=已办理：解除查封（扣押）")
    body = page.inner_text("main")
    assert "已解除查封（扣押）" in body
    assert page.locator("main table a:has-text('查看')").count() == 2
