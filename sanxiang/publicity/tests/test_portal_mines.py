"""The citizen's portal (ADR 0097): the mine directory, the mine summary through the public
selectors, exact document-number search, sorting and the fine column, the export of the
current result set, regions by name, and the subscription page."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.publicity import services
from sanxiang.testing import factories

D = datetime.date


def release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


def penalty(team, *, mine, number, fine, decided_on, agency=None, kind=None):
    return services.publication_manual_create(
        actor=team["editor"],
        agency=agency or mine.supervising_agency,
        category="penalty",
        decided_on=decided_on,
        mine=mine,
        fields={
            "decision_number": number,
            "violation_type": kind or "未按规定对从业人员进行安全生产教育和培训",
            "violation_facts": "经查，该矿3名井下作业人员未经安全培训即下井作业（示例）。",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_category": "罚款",
            "penalty_content": f"对该矿处以罚款人民币{fine}万元。",
            "fine_amount": fine,
            "valid_until": "2099-12-31",
        },
    )


def text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


@pytest.fixture
def world(team, province):
    """Mine 泰安 (小店区, sub-bureau A) with three released penalties over two years, one
    withdrawn, one expired and one draft; mine 大同 (sub-bureau B) with a penalty whose number
    differs from one of 泰安's only in the bureau."""
    today = timezone.localdate()
    taian = team["mine"]
    other_team = {**team, **factories.publicity_team(agency=province["b"])}
    datong = factories.mine(
        agency=province["b"],
        name="测试省大同塔山煤矿有限公司",
        division_code="140200",
        licence_number="（晋）MK安许证字〔2024〕B001",
        licence_valid_until=today + datetime.timedelta(days=400),
    )
    this_year, last_year = today.replace(month=1, day=2), D(today.year - 1, 3, 1)
    made = {
        "a1": release(
            team,
            penalty(
                team,
                mine=taian,
                number="测（甲）煤安罚〔2026〕1号",
                fine="0.5",
                decided_on=this_year,
            ),
        ),
        "a11": release(
            team,
            penalty(
                team,
                mine=taian,
                number="测（甲）煤安罚〔2026〕11号",
                fine="12",
                decided_on=this_year,
            ),
        ),
        "a2": release(
            team,
            penalty(
                team, mine=taian, number="测（甲）煤安罚〔2025〕2号", fine="3", decided_on=last_year
            ),
        ),
        "gone": release(
            team,
            penalty(
                team,
                mine=taian,
                number="测（甲）煤安罚〔2025〕9号",
                fine="40",
                decided_on=last_year,
            ),
        ),
        "old": release(
            team,
            penalty(
                team,
                mine=taian,
                number="测（甲）煤安罚〔2025〕8号",
                fine="50",
                decided_on=last_year,
            ),
        ),
        "draft": penalty(
            team, mine=taian, number="测（甲）煤安罚〔2026〕7号", fine="70", decided_on=this_year
        ),
        "b1": release(
            other_team,
            penalty(
                other_team,
                mine=datong,
                number="测（乙）煤安罚〔2026〕1号",
                fine="2",
                decided_on=this_year,
            ),
        ),
    }
    services.publication_withdraw(
        actor=team["head"],
        publication=made["gone"],
        reason="原处罚决定经行政复议被撤销。",
        reason_kind="revoked",
        basis="复议决定书〔2026〕1号",
    )
    services.publication_expire(publication=made["old"])
    return {"taian": taian, "datong": datong, **made}


@pytest.mark.django_db
def test_mine_directory_searches_name_credit_code_and_region_name(world):
    client = Client()
    page = text(client.get("/public/mines/"))
    assert "测试省安泰煤业有限公司泰安煤矿" in page and "测试省大同塔山煤矿有限公司" in page
    by_name = text(client.get("/public/mines/", {"q": "塔山"}))
    assert "大同塔山" in by_name and "泰安煤矿" not in by_name
    by_code = text(client.get("/public/mines/", {"q": world["taian"].credit_code.lower()}))
    assert "泰安煤矿" in by_code and "大同塔山" not in by_code
    by_region_name = text(client.get("/public/mines/", {"q": "小店区"}))
    assert "泰安煤矿" in by_region_name and "大同塔山" not in by_region_name
    assert "山西省太原市小店区" in by_region_name  # the region is shown by name
    picked = text(client.get("/public/mines/", {"region": "1402"}))
    assert "大同塔山" in picked and "泰安煤矿" not in picked
    assert '<option value="1402">' in page and "山西省大同市" in page  # a picker of names
    valid_until = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    assert f"有效（至{valid_until}）" in page and "未登记" in page
    bad = client.get("/public/mines/", {"region": "9999"})
    assert bad.status_code == 400 and "请从列表中选择地区" in text(bad)


@pytest.mark.django_db
def test_mine_summary_counts_only_what_is_public(world):
    page = text(Client().get(f"/public/mines/{world['taian'].pk}/"))
    summary = page[
        page.index('id="mine-summary"') : page.index("</table>", page.index('id="mine-summary"'))
    ]
    year, last = timezone.localdate().year, timezone.localdate().year - 1
    # this year: 1号 and 11号 (0.5 + 12); last year: only 2号 (3) — 9号 withdrawn, 8号 expired,
    # 7号 never released.
    assert f'<td data-label="年度">{year}</td>' in summary and "12.5" in summary
    assert f'<td data-label="年度">{last}</td>' in summary
    assert ">2<" in summary and ">3<" in summary and ">1<" in summary
    assert "40" not in summary and "50" not in summary and "70" not in summary
    assert "15.5" in summary  # total fine
    assert "正常生产" in page and "山西省太原市小店区" in page
    assert "安全生产许可证</dt><dd>未登记" in page
    assert "测（甲）煤安罚〔2026〕7号" not in page  # the draft
    assert "tombstone-row" in page and "公示期满" in page
    assert f"/public/mines/{world['taian'].pk}/feed.atom" in page


@pytest.mark.django_db
def test_mine_feed_and_subscription_page(world):
    client = Client()
    feed = client.get(f"/public/mines/{world['taian'].pk}/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = text(feed)
    assert "测（甲）煤安罚〔2026〕11号" in body and "测（乙）" not in body
    page = text(client.get("/public/results/subscribe/", {"mine": world["taian"].pk}))
    assert "如何订阅" in page and f"/public/mines/{world['taian'].pk}/feed.atom" in page
    assert "订阅更新" in text(client.get("/public/results/"))
    assert client.get("/public/results/subscribe/", {"mine": "999999"}).status_code == 404


@pytest.mark.django_db
def test_an_exact_document_number_comes_first_and_alone(world):
    client = Client()
    for q in ("测（甲）煤安罚〔2026〕1号", "测(甲)煤安罚[2026]1号", " 测甲煤安罚［2026］1号"):
        page = text(client.get("/public/results/", {"q": q}))
        assert 'id="exact-number"' in page
        page = page[page.index('id="result-count"') :]
        assert page.count("测（甲）煤安罚〔2026〕1号") == 1
        # neither the other bureau's 1号 nor the same bureau's 11号
        assert "测（乙）煤安罚〔2026〕1号" not in page and "〔2026〕11号" not in page
    missing = text(client.get("/public/results/", {"q": "测（丙）煤安罚〔2026〕1号"}))
    assert "没有文号为" in missing
    # A partial number stays a keyword search and finds both bureaus' 1号 and the 11号.
    partial = text(client.get("/public/results/", {"q": "〔2026〕1号"}))
    assert "测（乙）煤安罚〔2026〕1号" in partial and "〔2026〕11号" in partial


@pytest.mark.django_db
def test_sort_by_amount_and_the_fine_column(world):
    client = Client()
    by_date = text(client.get("/public/results/", {"category": "penalty"}))
    assert "罚款金额（万元）" in by_date
    by_amount = text(client.get("/public/results/", {"category": "penalty", "sort": "amount"}))
    order = [
        by_amount.index(n)
        for n in (
            "〔2026〕11号",
            "〔2025〕2号",
            "（乙）煤安罚〔2026〕1号",
            "（甲）煤安罚〔2026〕1号",
        )
    ]
    assert order == sorted(order)
    assert client.get("/public/results/", {"sort": "price"}).status_code == 400


@pytest.mark.django_db
def test_export_is_the_current_result_set_neutralised(world, team):
    hostile = release(
        team,
        penalty(
            team,
            mine=world["taian"],
            number="测（甲）煤安罚〔2026〕20号",
            fine="1",
            decided_on=timezone.localdate().replace(month=1, day=3),
            kind='=HYPERLINK("http://example.invalid","点此")',
        ),
    )
    assert hostile.live_version_id
    client = Client()
    params = {"q": "泰安", "sort": "amount"}
    response = client.get("/public/results/export.csv", params)
    assert response.streaming and response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:3] == ["类别", "当事人（执法对象）", "文号"]
    assert [row[3] for row in rows if row[2].endswith("20号")] == [
        '\'=HYPERLINK("http://example.invalid","点此")'
    ]
    numbers = [row[2] for row in rows[1:]]
    assert numbers == [
        "测（甲）煤安罚〔2026〕11号",
        "测（甲）煤安罚〔2025〕2号",
        "测（甲）煤安罚〔2026〕20号",
        "测（甲）煤安罚〔2026〕1号",
    ]
    xlsx = client.get("/public/results/export.xlsx", params)
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][5] == 12 and Decimal(str(cells[4][5])) == Decimal("0.5")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert '=HYPERLINK("http://example.invalid","点此")' in [row[3] for row in cells]
    assert client.get("/public/results/export.pdf").status_code == 404


@pytest.mark.django_db
def test_export_is_capped(world, monkeypatch):
    from sanxiang.portal import results

    monkeypatch.setattr(results, "EXPORT_LIMIT", 2)
    rows = list(csv.reader(io.StringIO(text(Client().get("/public/results/export.csv")))))
    assert len(rows) == 3  # header + the cap


@pytest.mark.django_db
def test_results_region_is_picked_by_name(world):
    client = Client()
    page = text(client.get("/public/results/"))
    assert "山西省太原市小店区" in page and "山西省大同市" in page
    assert "行政区划代码" not in page
    picked = text(client.get("/public/results/", {"region": "1402"}))
    assert "测（乙）煤安罚〔2026〕1号" in picked and "测（甲）" not in picked
