"""The citizen's portal on a 390 px phone (ADR 0097): every portal page — the front doors of the
complaint form, the licensing window, error reports and corrections, draws and annual reports
included — fits without horizontal scrolling, its text is at least 12 px, its controls and menu
links are tap targets of at least 44 px, the mine directory finds a mine, the mine page shows its summary, and an exact
document number comes first. Screenshots in test-results/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.publicity import services
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = {"/public/results/", "/public/mines/", "/public/agencies/", "/public/complaints/"}


def _release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


@pytest.fixture
def portal_world(transactional_db):
    national = factories.agency(name="国家矿山安全监察局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    load_sample_catalogs(
        agency=provincial,
        effective_from=datetime.date(2025, 1, 1),
        **factories.catalog_team(agency=provincial),
    )
    factories.officer(agency=sub, full_name="周有效")
    team = factories.publicity_team(agency=sub)
    mine = factories.mine(
        agency=sub,
        name="测试省安泰煤业有限公司泰安煤矿",
        division_code="140105",
        licence_number="（晋）MK安许证字〔2024〕A001",
        licence_valid_until=timezone.localdate() + datetime.timedelta(days=300),
    )
    factories.mine(agency=sub, name="测试省西山白家庄煤矿", division_code="140108")
    released = []
    for number, fine in (("1", "0.5"), ("11", "12"), ("21", "3")):
        released.append(
            _release(
                team,
                services.publication_manual_create(
                    actor=team["editor"],
                    agency=sub,
                    category="penalty",
                    decided_on=timezone.localdate(),
                    mine=mine,
                    fields={
                        "decision_number": f"测（甲）煤安罚〔2026〕{number}号",
                        "violation_type": "未按规定对从业人员进行安全生产教育和培训，安排未经培训的人员下井作业",
                        "violation_facts": "经查，该矿3名井下作业人员未经安全培训即下井作业（示例）。",
                        "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
                        "penalty_category": "罚款",
                        "penalty_content": f"对该矿处以罚款人民币{fine}万元。",
                        "fine_amount": fine,
                        "valid_until": "2099-12-31",
                    },
                ),
            )
        )
    # The front-door pages of later issues: a correction's status, a draw, an annual report.
    from sanxiang.inspections import services as inspections
    from sanxiang.publicity import annual
    from sanxiang.publicity.models import ErrorReport

    ErrorReport.objects.create(
        publication=released[0],
        number="JCPHONE0001",
        version_number=1,
        description="处罚决定书文号有误（测试）。",
    )
    today = timezone.localdate()
    crew = [factories.officer(agency=sub, full_name=name) for name in ("吴抽查", "郑抽查")]
    plan = inspections.enforcement_plan_create(
        actor=team["head"],
        agency=sub,
        kind="annual",
        year=today.year,
        title=f"{today.year}年度监察执法计划（测试）",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    plan = inspections.enforcement_plan_approve(actor=team["head"], plan=plan, opinion="同意。")
    draw = inspections.draw_create(
        actor=crew[0],
        enforcement_plan=plan,
        title="第一季度双随机抽查（测试）",
        item_codes=["SJ-001", "SJ-003"],
    )
    draw = inspections.draw_commit(actor=crew[0], draw=draw)
    report = annual.annual_report_generate(actor=team["editor"], agency=sub, year=today.year - 1)
    report = annual.annual_report_approve(actor=team["head"], report=report)
    return {"mine": mine, "released": released, "draw": draw, "report": report}


#: Text smaller than 12 px is not read on a phone; controls and menu links are tapped, and
#: 44 × 44 CSS px is the target size WCAG 2.5.5 asks for (links inside a sentence excepted).
SMALL_TEXT = """() => [...document.querySelectorAll('body *')].filter(el =>
  [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
  && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 12
).slice(0, 3).map(el => el.tagName + ':' + el.textContent.trim().slice(0, 20))"""
SMALL_TARGETS = """() => [...document.querySelectorAll(
  'button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + ' .portal-nav a')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.height < 43.5 || r.width < 43.5);
}).slice(0, 4).map(el => el.tagName + '.' + el.className + ':' +
  (el.textContent || el.name || '').trim().slice(0, 20) + ' ' +
  Math.round(el.getBoundingClientRect().width) + 'x' +
  Math.round(el.getBoundingClientRect().height))"""

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map(el => el.tagName + '.' + el.className + ':' + (el.textContent || '').slice(0, 30))"""


def test_every_portal_page_fits_a_phone(page, portal_world, output_dir):
    page.set_viewport_size(PHONE)
    mine, record = portal_world["mine"], portal_world["released"][0]
    paths = [
        "/public/",
        "/public/agencies/",
        "/public/officers/",
        "/public/certificate-check/",
        "/public/legal-bases/",
        "/public/powers/",
        "/public/random-inspection/",
        "/public/procedures/",
        "/public/remedies/",
        "/public/powers/history/",
        "/public/data/",
        "/public/draws/",
        "/public/results/",
        "/public/results/?q=培训&sort=amount",
        f"/public/results/{record.pk}/",
        "/public/results/subscribe/",
        "/public/mines/",
        f"/public/mines/{mine.pk}/",
        f"/public/results/subscribe/?mine={mine.pk}",
        "/public/reports/",
        f"/public/reports/{portal_world['report'].pk}/",
        f"/public/draws/{portal_world['draw'].pk}/",
        f"/public/results/{record.pk}/report-error/",
        "/public/corrections/JCPHONE0001/",
        "/public/complaints/",
        "/public/licensing/",
        "/public/licensing/items/XK-001/",
        "/public/licensing/ask/",
        "/public/licensing/progress/",
    ]
    too_wide, unreadable, small = {}, {}, {}
    for path in paths:
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = (width, page.evaluate(WIDEST))
        if found := page.evaluate(SMALL_TEXT):
            unreadable[path] = found
        if found := page.evaluate(SMALL_TARGETS):
            small[path] = found
        if path in SHOTS:
            name = path.strip("/").replace("/", "_").replace("?", "_")
            page.screenshot(path=str(output_dir / f"{name[:60]}.png"), full_page=True)
    assert not too_wide, too_wide
    assert not unreadable, unreadable
    assert not small, small


def test_a_citizen_finds_a_mine_and_a_decision_on_a_phone(page, portal_world, output_dir):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/public/")
    page.click("nav >> text=煤矿名录")
    page.fill("input[name=q]", "小店区")
    page.click("form.filters button")
    rows = page.locator("#mines tbody tr")
    assert rows.count() == 1 and "泰安煤矿" in rows.first.inner_text()
    rows.first.locator("a").click()
    facts = page.inner_text("#mine-facts")
    assert "山西省太原市小店区" in facts and "有效期至" in facts and "正常生产" in facts
    summary = page.inner_text("#mine-summary")
    assert "行政处罚" in summary and "15.5" in summary  # 3 results, 0.5 + 12 + 3 万元
    page.screenshot(path=str(output_dir / "mine.png"), full_page=True)

    page.click("nav >> text=结果公示")
    page.fill("input[name=q]", "测（甲）煤安罚〔2026〕1号")
    page.click("form.filters button")
    assert page.locator("#exact-number").is_visible()
    numbers = page.locator("table.results tbody td.docno").all_inner_texts()
    assert numbers == ["测（甲）煤安罚〔2026〕1号"]  # first, and not 11号 or 21号
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(output_dir / "exact-number.png"), full_page=True)
