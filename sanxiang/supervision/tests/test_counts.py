"""ADR 0172, 0243: the statistics count rows (per agency and month) are recounted in the
transaction of each write, so they always equal a rebuild from the records, and the figures read
from them equal the live figures (and so the lists behind them) — for the period and for the same
period last year. 逾期未整改 reads today: its months that are over come from the count rows, the
current month live, and the sum still equals its list."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
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


def _listed(user, agency, row, period, today):
    qs = figures.records(
        user=user,
        indicator=row.indicator,
        agency=agency,
        own_only=False,
        period=period,
        today=today,
    )
    return figures.total_of(qs, row.indicator)


def _live_equals_counted(user, agency, year: int | None = None) -> figures.Table:
    today = timezone.localdate()
    period = figures.Period("year", year or today.year)
    table = figures.compute(user=user, agency=agency, period=period, today=today)
    for row in table.rows():
        key = row.indicator.key
        assert _listed(user, agency, row, period, today) == row.total.value, key
        assert _listed(user, agency, row, period.last_year(), today) == row.previous.value, key
    return table


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


def test_time_limits_overdue_from_the_months_that_are_over_and_live_this_month(
    province, documents_not_typeset
):
    """A time limit due in a month that is over counts from the count rows (due − rectified on
    time), one due this month live; both equal the list, and a new one is counted at once."""
    from sanxiang.inspections.models import OnsiteMeasure

    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    plan = factories.inspection_plan(officers=crew, mine=factories.mine(agency=sub), head=boss)
    visit = factories.inspection(plan=plan)
    today = timezone.localdate()
    visit.inspected_on = today - datetime.timedelta(days=70)
    visit.save(update_fields=["inspected_on"])
    over = today.replace(day=1) - datetime.timedelta(days=20)  # in a month that is over

    def time_limit(due_on: datetime.date) -> OnsiteMeasure:
        measure = inspections.onsite_measure_take(
            actor=crew[0],
            inspection=visit,
            kind="rectify_within_limit",
            content="限期整改（测试）。",
            days=10,
        )
        # the due day set back for the test (the service computes it from today); a model save,
        # seen by the count rows' receivers like every service write
        measure.due_on = due_on
        measure.save(update_fields=["due_on"])
        return measure

    def overdue_total() -> int:
        years = sorted({over.year, today.year})
        return sum(
            _live_equals_counted(boss, sub, year).row("rectifications_overdue").total.value
            for year in years
        )

    time_limit(over)  # never followed up: overdue
    on_time = time_limit(over)
    late = time_limit(over)
    time_limit(today - datetime.timedelta(days=1))  # passed yesterday: overdue
    time_limit(today + datetime.timedelta(days=5))  # not yet due
    for measure, day in (
        (on_time, over - datetime.timedelta(days=1)),
        (late, over + datetime.timedelta(days=3)),
    ):
        inspections.onsite_measure_verify(
            actor=crew[0],
            measure=measure,
            verification="rectified",
            verified_on=day,
            note="已整改。",
        )
    _assert_in_step()
    assert overdue_total() == 3
    month_rows = StatisticsCount.objects.filter(indicator="rectifications_due", agency=sub)
    assert {row.month for row in month_rows} >= {over.replace(day=1)}
    assert all(row.month.day == 1 for row in month_rows)
    # a new overdue time limit in a month that is over is in the next figures (lag 0)
    time_limit(over - datetime.timedelta(days=3))
    assert overdue_total() == 4
    _assert_in_step()


def test_migration_adds_the_daily_rows_into_their_months(province):
    """0004: the rows kept per day before ADR 0243 become one row per month with their sum."""
    migration = importlib.import_module(
        "sanxiang.supervision.migrations.0004_statistics_counts_monthly"
    )
    sub = province["a"]
    for day, value in (((2025, 3, 5), "2"), ((2025, 3, 31), "3.5"), ((2025, 4, 1), "1")):
        StatisticsCount.objects.create(
            indicator="inspections_done", agency=sub, month=datetime.date(*day), value=value
        )
    migration.days_into_months(apps, None)
    assert _snapshot() == {
        ("inspections_done", sub.pk, datetime.date(2025, 3, 1)): Decimal("5.5"),
        ("inspections_done", sub.pk, datetime.date(2025, 4, 1)): Decimal("1"),
    }


@pytest.mark.django_db(transaction=True)
def test_two_transactions_counting_one_unit_and_month_wait_for_each_other():
    """Two findings of two inspections of one sub-bureau and month, written at the same time: the
    second transaction's recount waits for the first to commit (the advisory lock of ADR 0243) and
    counts both — no broken unique key, no count one short."""
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")

    national = factories.agency(name="国家局（并发）", short="国")
    provincial = factories.agency(parent=national, name="并发测试省局", short="并")
    sub = factories.agency(parent=provincial, name="并发测试分局", short="分")
    factories.enforcement_catalogs(agency=provincial)
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    visits = [
        factories.inspection(
            plan=factories.inspection_plan(
                officers=crew, mine=factories.mine(agency=sub), head=boss
            )
        )
        for _ in range(2)
    ]
    first_written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write(visit, hold: bool) -> None:
        try:
            with transaction.atomic():
                factories.finding(inspection=visit)
                if hold:
                    first_written.set()
                    release.wait(10)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=write, args=(visits[0], True))
    first.start()
    assert first_written.wait(30)
    second = threading.Thread(target=write, args=(visits[1], False))
    second.start()
    second.join(1.0)
    assert second.is_alive()  # waiting for the first transaction's lock
    release.set()
    first.join(30)
    second.join(30)
    assert not errors, errors
    month = timezone.localdate().replace(day=1)
    rows = StatisticsCount.objects.filter(agency=sub, month=month)
    # both findings counted (a hazard or a violation, as the sample entry says)
    assert sum(r.value for r in rows if r.indicator in ("hazards_found", "violations_found")) == 2
    assert rows.get(indicator="inspections_done").value == 2
    _assert_in_step()
