"""Browser (issue 16 item 2): a provincial head opens the enforcement statistics, drills down to a
sub-bureau and on to the list of overdue rectifications; the ECharts chart's series (read from
the chart instance) equal the table's figures; no request leaves 127.0.0.1."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from sanxiang.catalog.selectors import compendium_search
from sanxiang.inspections import services as inspections
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    national = factories.agency(name="国家局（统计测试）", short="国")
    provincial = factories.agency(parent=national, name="统计测试省局", short="统")
    sub = factories.agency(parent=provincial, name="统计测试甲分局", short="甲分局")
    factories.agency(parent=provincial, name="统计测试乙分局", short="乙分局")
    factories.enforcement_catalogs(agency=provincial)
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    factories.head(agency=provincial, username="province_head", full_name="钱局长")
    mine = factories.mine(agency=sub, name="统计测试逾期整改煤矿")
    day = timezone.localdate() - datetime.timedelta(days=25)
    plan = inspections.inspection_plan_create(
        actor=crew[0],
        agency=sub,
        mine=mine,
        item_codes=["SJ-001"],
        content="检查安全培训（测试）。",
        officers=crew,
        planned_start=day - datetime.timedelta(days=1),
        planned_end=day + datetime.timedelta(days=3),
        legal_basis="《中华人民共和国安全生产法》第六十五条",
    )
    inspections.inspection_plan_submit(actor=crew[0], plan=plan)
    plan = inspections.inspection_plan_approve(actor=boss, plan=plan, opinion="同意。")
    visit = inspections.inspection_open(
        actor=crew[0],
        plan=plan,
        officers=crew,
        inspected_on=day,
        location="井下",
        identity_shown=True,
        party_present="矿长",
    )
    finding = inspections.finding_add(
        actor=crew[0],
        inspection=visit,
        entry=compendium_search(agency=sub, on=day).get(code="WF-001"),
        facts="无培训记录（测试）。",
        location="井下",
    )
    inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=finding,
        content="限期整改（测试）。",
        days=5,
    )
    return {"mine": mine}


CHART = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('stats-chart'));
  const option = chart.getOption();
  return {keys: JSON.parse(document.getElementById('stats-chart-data').textContent).keys,
          series: option.series.map(s => s.data.map(Number))};
}"""


def _table(page, keys: list[str]) -> tuple[list[int], list[int]]:
    totals, previous = [], []
    for key in keys:
        totals.append(int(page.inner_text(f"#stats-table tr[data-key='{key}'] td.total")))
        previous.append(int(page.inner_text(f"#stats-table tr[data-key='{key}'] td.previous")))
    return totals, previous


def test_head_drills_down_to_overdue_rectifications_and_chart_equals_table(page, world):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, "province_head")
    page.goto(page.base_url + "/supervision/statistics/")
    page.wait_for_selector("#stats-chart[data-ready='1']")
    assert "统计测试省局" in page.inner_text("h1")
    drawn = page.evaluate(CHART)
    assert drawn["series"] == list(_table(page, drawn["keys"]))
    overdue = drawn["keys"].index("rectifications_overdue")
    assert drawn["series"][0][overdue] == 1
    # drill down: the sub-bureau's column header opens its own statistics
    page.click("#stats-table thead a.drill:has-text('甲分局')")
    page.wait_for_selector("#stats-chart[data-ready='1']")
    assert "统计测试甲分局" in page.inner_text("h1")
    drawn = page.evaluate(CHART)
    assert drawn["series"] == list(_table(page, drawn["keys"]))
    # and on to the list behind the overdue figure
    page.click("#stats-table tr[data-key='rectifications_overdue'] td.total a")
    page.wait_for_selector("#record-list")
    assert page.inner_text("h1") == "逾期未整改"
    assert page.inner_text("#record-count") == "1"
    assert "统计测试逾期整改煤矿" in page.inner_text("#record-list")
    assert requests and all(
        urlparse(u).hostname in ("127.0.0.1", "localhost") or not urlparse(u).hostname
        for u in requests
    ), [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")]
