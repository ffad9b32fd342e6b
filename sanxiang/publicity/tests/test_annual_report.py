"""GS-POST-3: the annual enforcement report — its totals equal the released records counted
independently from the portal's open data; the superior's report aggregates its subordinates;
approval publishes it (HTML and PDF) and reports it upward; a reminder before 31 January."""

import datetime
import json
import shutil
import subprocess
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client

from sanxiang.core.blobstore import blob_is_read_only
from sanxiang.ledger.models import LedgerEntry
from sanxiang.publicity import annual, selectors, services
from sanxiang.publicity.fields import Category
from sanxiang.publicity.workflow import ReportStatus
from sanxiang.testing import factories

D = datetime.date


def release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


def create(team, agency, mine, category, decided_on, n, **extra):
    if category == "penalty":
        fields = {
            "decision_number": f"罚〔{decided_on.year}〕{n}号",
            "violation_type": "违法行为",
            "violation_facts": "事实",
            "penalty_basis": "依据",
            "penalty_category": extra.get("kinds", "罚款"),
            "penalty_content": "内容",
            "fine_amount": extra.get("fine", "1.5"),
            "valid_until": "2099-12-31",
        }
    elif category == "licensing":
        fields = {
            "licence_document_name": "许可决定书",
            "decision_number": f"许〔{decided_on.year}〕{n}号",
            "licence_category": "01",
            "licence_content": "核发安全生产许可证",
            "valid_from": decided_on.isoformat(),
            "valid_to": "2030-01-01",
            "current_status": "有效",
        }
    else:
        fields = {
            "enforcement_type": "现场检查" if category == "inspection" else "查封",
            "conclusion": "结论",
        }
    return services.publication_manual_create(
        actor=team["editor"],
        agency=agency,
        category=category,
        decided_on=decided_on,
        mine=mine,
        fields=fields,
    )


@pytest.fixture
def year_of_results(team, province):
    year = datetime.date.today().year - 1
    team_b = factories.publicity_team(agency=province["b"])
    mine_b = factories.mine(agency=province["b"])
    a, b = province["a"], province["b"]
    plan = [
        (team, a, team["mine"], "penalty", D(year, 3, 1), {"kinds": "罚款", "fine": "1.5"}),
        (team, a, team["mine"], "penalty", D(year, 6, 1), {"kinds": "警告、罚款", "fine": "0.25"}),
        (team, a, team["mine"], "licensing", D(year, 7, 1), {}),
        (team, a, team["mine"], "inspection", D(year, 8, 1), {}),
        (
            team_b,
            b,
            mine_b,
            "penalty",
            D(year, 9, 1),
            {"kinds": "责令停产停业、罚款", "fine": "10"},
        ),
        (team_b, b, mine_b, "coercive", D(year, 10, 1), {}),
        (team_b, b, mine_b, "inspection", D(year, 11, 1), {}),
    ]
    released = [
        release(t, create(t, agency, mine, cat, day, n, **extra))
        for n, (t, agency, mine, cat, day, extra) in enumerate(plan)
    ]
    withdrawn = release(team, create(team, a, team["mine"], "penalty", D(year, 5, 5), 90))
    services.publication_withdraw(
        actor=team["head"], publication=withdrawn, reason="被撤销", reason_kind="revoked"
    )
    create(team, a, team["mine"], "penalty", D(year, 12, 30), 91)  # never released
    release(team, create(team, a, team["mine"], "penalty", datetime.date.today(), 92))  # this year
    return {"year": year, "released": released, "team_b": team_b}


def open_data(client, category, **params):
    response = client.get(f"/public/data/results/{category}.json", params)
    return json.loads(b"".join(response.streaming_content).decode())["items"]


@pytest.mark.django_db
def test_report_totals_equal_the_records_counted_from_open_data(year_of_results, team, province):
    year = year_of_results["year"]
    provincial_head = factories.head(agency=province["provincial"])
    report = annual.annual_report_generate(
        actor=provincial_head, agency=province["provincial"], year=year
    )
    client = Client()
    independent = {c: len(open_data(client, c, year=year)) for c in Category.values}
    assert report.data["totals"] == {**independent, "all": sum(independent.values())}
    assert report.data["totals"]["all"] == 7
    penalties = open_data(client, "penalty", year=year)
    fines = sum(Decimal(item["fine_amount"] or "0") for item in penalties)
    assert Decimal(report.data["penalty"]["fine_total_wan"]) == fines == Decimal("11.75")
    kinds = Counter(k for item in penalties for k in item["penalty_category"].split("、"))
    assert report.data["penalty"]["by_category"] == dict(kinds)
    assert report.data["withdrawn"] == {
        "count": 1,
        "after_remedy": 1,
        "by_reason": {"决定被依法撤销": 1},
    }
    assert report.data["unreleased"]["count"] == 1
    assert report.data["timeliness"]["released"] == 8  # the withdrawn one was released too
    # the superior aggregates its subordinates: each row equals that agency's own open data
    rows = {row["id"]: row for row in report.data["subordinates"]}
    for agency in (province["a"], province["b"]):
        own = {c: len(open_data(client, c, year=year, agency=agency.pk)) for c in Category.values}
        assert rows[agency.pk]["totals"] == {**own, "all": sum(own.values())}
    sub = annual.annual_report_generate(actor=team["head"], agency=province["a"], year=year)
    assert sub.data["totals"]["all"] == rows[province["a"].pk]["totals"]["all"] == 4
    assert sub.data["subordinates"] == []


@pytest.mark.django_db
def test_approval_publishes_html_and_pdf_and_reports_upward(year_of_results, team, province):
    year = year_of_results["year"]
    with pytest.raises(Exception):  # noqa: B017 - an editor cannot approve
        report = annual.annual_report_generate(
            actor=team["editor"], agency=province["a"], year=year
        )
        annual.annual_report_approve(actor=team["editor"], report=report)
    report = annual.annual_report_generate(actor=team["editor"], agency=province["a"], year=year)
    assert report.status == ReportStatus.DRAFT
    assert Client().get("/public/reports/").content.decode().count(str(year)) == 0
    report = annual.annual_report_approve(actor=team["head"], report=report)
    assert report.status == ReportStatus.PUBLISHED and report.reported_at and report.pdf_sm3
    assert blob_is_read_only(report.pdf_path)  # stored read-only like evidence originals
    with pytest.raises(Exception):  # noqa: B017 - a published report is not regenerated
        annual.annual_report_generate(actor=team["head"], agency=province["a"], year=year)
    client = Client()
    listing = client.get("/public/reports/").content.decode()
    assert province["a"].name in listing
    page = client.get(f"/public/reports/{report.pk}/").content.decode()
    assert 'data-total="all">4<' in page and "<svg" in page and "按期公示率" in page
    pdf = client.get(f"/public/reports/{report.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert f"{year}年度行政执法统计年报" in text and "各类执法决定公示数量" in text
    assert list(
        LedgerEntry.objects.filter(
            object_type="publicity.annualreport", object_id=str(report.pk)
        ).values_list("action", flat=True)
    ) == [
        "report.generate",
        "report.regenerate",
        "report.approve",
        "report.publish",
        "report.submit",
    ]
    # the superior sees the subordinate's submitted report
    superior = factories.head(agency=province["provincial"])
    assert report in selectors.report_list(user=superior)


@pytest.mark.django_db
def test_january_drafts_and_the_reminder(year_of_results, team, province):
    year = year_of_results["year"]
    assert annual.annual_reports_generate_due(today=D(year + 1, 6, 1)) == []
    drafts = annual.annual_reports_generate_due(today=D(year + 1, 1, 2))
    assert {r.agency for r in drafts} == {
        province["national"],
        province["provincial"],
        province["a"],
        province["b"],
    }
    assert annual.annual_reports_generate_due(today=D(year + 1, 1, 3)) == []
    missing, reminded_year = selectors.report_reminders(user=team["head"], today=D(year + 1, 1, 20))
    assert missing == [province["a"].name] and reminded_year == year
    assert selectors.report_reminders(user=team["head"], today=D(year + 1, 1, 10)) == ([], None)
    report = next(r for r in drafts if r.agency == province["a"])
    annual.annual_report_approve(actor=team["head"], report=report)
    assert selectors.report_reminders(user=team["head"], today=D(year + 1, 1, 20))[0] == []
