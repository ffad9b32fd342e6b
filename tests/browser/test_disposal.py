"""Disposal as the custodian and the head do it (ADR 0130), in Chromium: 到期鉴定 lists the
due unit, the appraisal form picks units by ticking and appraisers by typing a name, the head
answers with 批准销毁 after his second factor, the custodian executes, and the unit page says
the unit was destroyed."""

from __future__ import annotations

import pytest

from sanxiang.archive import disposal
from sanxiang.archive.models import ArchiveUnit, DisposalTombstone, UnitStatus
from sanxiang.testing import factories
from tests.browser.axe import axe_violations, describe

from .test_daily_use import login, pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due_unit(transactional_db, monkeypatch):
    from sanxiang.archive import services
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalog
    from sanxiang.inspections import services as inspections

    national = factories.agency(name="国家局（销毁测试）", short="国")
    provincial = factories.agency(parent=national, name="销毁测试省局", short="销")
    sub = factories.agency(parent=provincial, name="销毁测试省局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    load_sample_catalog(
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        **factories.catalog_team(agency=provincial),
    )
    crew = [
        factories.officer(agency=sub, username="officer_x", full_name="李承办"),
        factories.officer(agency=sub, username="partner_x", full_name="孙业务"),
    ]
    head = factories.head(agency=sub, username="head_x", full_name="赵局长")
    keeper = factories.custodian(agency=sub, username="custodian_x", full_name="钱保管")
    plan = factories.inspection_plan(
        officers=crew, mine=factories.mine(agency=sub, name="销毁测试煤矿"), head=head
    )
    visit = factories.inspection(plan=plan)
    inspections.inspection_complete(actor=crew[0], inspection=visit, summary="未发现问题。")
    inspections.inspection_close(actor=crew[0], inspection=visit, result_summary="未发现问题。")
    unit = ArchiveUnit.objects.get(inspection=visit)
    services.unit_submit(actor=keeper, unit=unit)
    unit = services.unit_approve(actor=head, unit=unit)
    monkeypatch.setattr(disposal, "_today", lambda: unit.retention_due)
    return unit


def test_appraise_approve_and_destroy_in_the_browser(page, due_unit, output_dir):
    login(page, "custodian_x")
    page.goto(f"{page.base_url}/archive/disposal/")
    assert due_unit.archival_code in page.inner_text("main")
    page.click("text=登记鉴定")
    page.check(f"input[name=destroy][value='{due_unit.pk}']")
    pick(page, "id_appraisers", "钱", "钱保管")
    pick(page, "id_appraisers", "孙", "孙业务")
    page.fill("#id_opinion", "保管期满，经鉴定无继续保存价值。")
    page.screenshot(path=str(output_dir / "disposal-appraisal-form.png"), full_page=True)
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=待负责人批准")
    appraisal_url = page.url
    login(page, "head_x")
    page.goto(appraisal_url)
    page.click("text=审批（批准销毁 / 不予批准）")
    page.wait_for_selector("button:has-text('批准销毁')")
    assert "保存" not in page.inner_text("form")
    page.click("button:has-text('批准销毁')")
    page.wait_for_selector("text=已批准，待执行")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    login(page, "custodian_x")
    page.goto(appraisal_url)
    page.click("a:has-text('执行销毁')")
    page.check("#id_confirm")
    page.click("button:has-text('执行销毁')")
    page.wait_for_selector("h1:has-text('档案销毁记录')")
    assert due_unit.archival_code in page.inner_text("main")
    page.screenshot(path=str(output_dir / "disposal-tombstones.png"), full_page=True)
    page.goto(f"{page.base_url}/archive/{due_unit.pk}/")
    assert "本案卷保管期满" in page.inner_text("main")
    due_unit.refresh_from_db()
    assert due_unit.status == UnitStatus.DESTROYED and DisposalTombstone.objects.count() == 1
