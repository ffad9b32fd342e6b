"""ADR 0172: the statistics count rows are recounted in the transaction of each write, so they
always equal a rebuild from the records, and the figures read from them equal the live figures
(and so the lists behind them)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sanxiang.inspections import services as inspections
from sanxiang.supervision.models import StatisticsCount
from sanxiang.supervision.statistics import counts, figures
from sanxiang.testing import factories

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {(c.indicator, c.agency_id, c.month): c.value for c in StatisticsCount.objects.all()}


def _assert_in_step() -> None:
    kept = _snapshot()
    counts.recount_all()
    assert kept == _snapshot()


def _live_equals_counted(user, agency) -> None:
    today = timezone.localdate()
    period = figures.Period("year", today.year)
    table = figures.compute(user=user, agency=agency, period=period, today=today)
    for row in table.rows():
        qs = figures.records(
            user=user,
            indicator=row.indicator,
            agency=agency,
            own_only=False,
            period=period,
            today=today,
        )
        assert figures.total_of(qs, row.indicator) == row.total.value, row.indicator.key


def test_counts_follow_creates_moves_and_deletes(province):
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    mine = factories.mine(agency=sub)
    plan = factories.inspection_plan(officers=crew, mine=mine, head=boss)
    visit = factories.inspection(plan=plan)
    factories.finding(inspection=visit, code="WF-001")
    factories.finding(inspection=visit, code="WF-001", major_hazard=True)
    assert StatisticsCount.objects.filter(indicator="inspections_done").exists()
    _assert_in_step()
    _live_equals_counted(boss, sub)
    # the inspection's day moves: its findings move with it
    visit.inspected_on = visit.inspected_on - datetime.timedelta(days=1)
    visit.save(update_fields=["inspected_on"])
    _assert_in_step()
    inspections.inspection_complete(actor=crew[0], inspection=visit, summary="检查（测试）。")
    _assert_in_step()
    _live_equals_counted(boss, sub)
    visit.findings.first().delete()
    _assert_in_step()
    _live_equals_counted(boss, sub)
