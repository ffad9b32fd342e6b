"""Enforcement statistics (issue 16 item 2, JL-USE-1, ADR 0170) and, on the same demo load, the
案卷评查 acceptance (``demo_campaign.py``, ADR 0227): on the demo data every figure
equals the list behind its link, a superior's figures are its own plus its subordinates', the
XLSX carries the same numbers, and a record just written is counted at once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.supervision.statistics import figures
from sanxiang.testing.auth import sign_in

from .demo_campaign import check_demo_campaign


def _listed(client: Client, url: str, amount: bool):
    html = client.get(url).content.decode()
    found = re.search(
        r'id="record-amount">([^<]*)<' if amount else r'id="record-count">(\d+)<', html
    )
    assert found, url
    return found.group(1)


def _walk(client: Client, table: figures.Table) -> int:
    """Every figure of the table equals its list (count, or the sum for money)."""
    walked = 0
    for row in table.rows():
        cells = [*row.cells, row.previous]
        for cell in cells:
            shown = _listed(client, cell.url, row.indicator.is_amount)
            if row.indicator.is_amount:
                assert float(shown) == float(cell.value), (row.indicator.key, cell.url)
            else:
                assert int(shown) == cell.value, (row.indicator.key, cell.url)
            walked += 1
        own, subs, total = row.cells[0], row.cells[1:-1], row.cells[-1]
        assert total.value == own.value + sum(c.value for c in subs), row.indicator.key
    return walked


@pytest.mark.single_pass
@pytest.mark.django_db
def test_demo_campaign_then_figures_equal_their_lists_roll_up_export_and_stay_fresh(tmp_path):
    call_command("demo_load", stdout=io.StringIO())
    # 案卷评查 on the demo's own files (issue 16 item 1): scored first, so the evaluation
    # figures walked below have a graded file to count.
    campaign = check_demo_campaign(tmp_path)
    province = Agency.objects.get(name="华北省煤矿安全监察局")
    head = Staff.objects.filter(agency=province, role_grants__role=Role.HEAD).first()
    client = sign_in(Client(), head)
    today = timezone.localdate()
    period = figures.Period("year", today.year)
    table = figures.compute(user=head, agency=province, period=period, today=today)
    # the page shows the same table
    page = client.get(figures.page_url(province, period))
    assert page.status_code == 200
    assert 'id="stats-chart-data"' in page.content.decode()
    assert table.row("inspections_done").total.value > 0
    assert table.row("rectifications_overdue").total.value >= 1
    # complaints and licensing are registered sources (ADR 0173): their figures are walked too
    for key in ("complaints_received", "complaints_substantiated", "licensing_received"):
        assert table.row(key).cells, key
    assert table.row("complaints_received").total.value > 0
    # the evaluation scores (ADR 0228): the demo file just graded 不合格, under the unit that
    # handled it, and the mean score beside the figures
    scored = campaign.files.get(status="scored")
    assert table.row("evaluation_scored").total.value == 1
    assert table.row("evaluation_fail").total.value == 1
    assert table.row("evaluation_excellent").total.value == 0
    unit_column = next(i for i, c in enumerate(table.columns) if c.agency == scored.unit)
    assert table.row("evaluation_fail").cells[unit_column].value == 1
    mean = next(r for r in table.ratios if str(r.label) == "案卷评查平均分")
    assert mean.now == scored.total and str(mean.unit) == "分"
    assert "案卷评查平均分" in page.content.decode()
    # the mean per column too (ADR 0243): the handling unit's column has the file's score, a
    # column without a scored file none, 合计 the page's mean
    assert mean.cells[unit_column] == scored.total and mean.cells[-1] == mean.now
    assert all(v is None for i, v in enumerate(mean.cells[:-1]) if i != unit_column)
    ratios_html = page.content.decode().split('id="stats-ratios"')[1].split("</table>")[0]
    mean_line = next(line for line in ratios_html.split("<tr>") if "案卷评查平均分" in line)
    assert mean_line.count("<td") == len(table.columns) + 1
    assert mean_line.count(f">{mean.now}分<") == 2  # its unit's column and 合计
    assert _walk(client, table) > 100
    # one sub-bureau: its column on the province's page equals its own page's total
    sub = next(c for c in table.columns if c.kind == "sub" and c.agency.children.count() == 0)
    sub_table = figures.compute(user=head, agency=sub.agency, period=period, today=today)
    index = table.columns.index(sub)
    for row in sub_table.rows():
        assert row.total.value == table.row(row.indicator.key).cells[index].value
    _walk(client, sub_table)
    # each record once: the province's total equals the records of its subtree
    for row in table.rows():
        qs = figures.records(
            user=head,
            indicator=row.indicator,
            agency=province,
            own_only=False,
            period=period,
            today=today,
        )
        assert figures.total_of(qs, row.indicator) == row.total.value
    # the XLSX has the same numbers
    response = client.get(reverse("supervision:statistics_xlsx") + f"?agency={province.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    for row in table.rows():
        line = exported[str(row.indicator.label)]
        width = len(row.cells)
        assert [float(v) for v in line[2 : 2 + width]] == [float(c.value) for c in row.cells]
        assert float(line[2 + width]) == float(row.previous.value)
    # a record written now is counted on the next page shown (no cache, no lag)
    from sanxiang.inspections import services as inspections
    from sanxiang.inspections.models import Inspection

    visit = (
        Inspection.objects.filter(agency=sub.agency, status="open").first()
        or Inspection.objects.filter(status="open").first()
    )
    assert visit is not None
    before = figures.compute(user=head, agency=province, period=period, today=today)
    from sanxiang.catalog.selectors import compendium_search

    entry = (
        compendium_search(agency=visit.agency, on=visit.inspected_on).filter(kind="hazard").first()
    )
    inspections.finding_add(
        actor=visit.officers.order_by("pk").first(),
        inspection=visit,
        entry=entry,
        facts="新发现的隐患（测试）。",
        location="井下",
    )
    after = figures.compute(user=head, agency=province, period=period, today=today)
    assert after.row("hazards_found").total.value == before.row("hazards_found").total.value + 1
