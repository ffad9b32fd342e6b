"""GS-POST-1, GS-REQ-3, GS-POST-2, GS-POST-3: the publication rules at their boundaries, with the
official holiday calendar (periods start the day after; 调休 Saturdays are working days)."""

import datetime

import pytest
from django.test import override_settings

from sanxiang.publicity import rules
from sanxiang.publicity.fields import Category

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decided", "category", "due"),
    [
        # National Day 2025: 1–8 Oct off, Saturday 11 Oct worked.
        (D(2025, 9, 30), Category.PENALTY, D(2025, 10, 16)),
        (D(2025, 9, 30), Category.LICENSING, D(2025, 10, 16)),
        (D(2025, 9, 30), Category.INSPECTION, D(2025, 11, 4)),
        (D(2025, 9, 30), Category.COERCIVE, D(2025, 11, 4)),
        # Spring Festival 2026: 15–23 Feb off, Saturdays 14 and 28 Feb worked.
        (D(2026, 2, 13), Category.PENALTY, D(2026, 3, 2)),
        (D(2026, 2, 13), Category.OTHER, D(2026, 3, 19)),
        # New Year 2026: 1–2 Jan off, Sunday 4 Jan worked.
        (D(2025, 12, 31), Category.PENALTY, D(2026, 1, 12)),
        (D(2025, 12, 31), Category.INSPECTION, D(2026, 1, 29)),
    ],
)
def test_publication_due_across_holidays(decided, category, due):
    result = rules.publication_due(category, decided)
    assert result.date == due and not result.provisional


@pytest.mark.django_db
def test_day_of_decision_is_not_counted():
    # decided on a Monday in an ordinary week: 7 working days end on the next Wednesday
    assert rules.publication_due(Category.PENALTY, D(2026, 11, 23)).date == D(2026, 12, 2)


@pytest.mark.django_db
def test_due_date_in_an_unknown_year_is_provisional():
    result = rules.publication_due(Category.PENALTY, D(2026, 12, 28))
    assert result.provisional and result.date.year == 2027


@pytest.mark.django_db
@override_settings(SANXIANG_PUBLICATION_WORKING_DAYS={"penalty": 5})
def test_a_law_saying_otherwise_is_a_setting():
    assert rules.publication_due(Category.PENALTY, D(2025, 9, 30)).date == D(2025, 10, 14)


@pytest.mark.django_db
def test_revision_due_is_twenty_working_days():
    assert rules.revision_due(D(2025, 9, 30)).date == D(2025, 11, 4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("revoked", "due"),
    [
        # an ordinary week: Mon → Thu
        (D(2026, 11, 23), D(2026, 11, 26)),
        # revoked on a Friday: the weekend does not count (calendar days would end on Monday)
        (D(2026, 11, 20), D(2026, 11, 25)),
        # Wednesday before National Day 2026 (1–7 Oct off): 8, 9 and the 调休 Saturday 10 Oct
        (D(2026, 9, 30), D(2026, 10, 10)),
        # National Day 2025 (1–8 Oct off): 30 Sep, 9 and 10 Oct
        (D(2025, 9, 29), D(2025, 10, 10)),
    ],
)
def test_withdrawal_due_is_three_working_days(revoked, due):
    """GS-POST-2: 行政处罚法第四十八条 "三日内", working days by 第八十五条."""
    result = rules.withdrawal_due(revoked)
    assert result.date == due and not result.provisional


@pytest.mark.django_db
@override_settings(SANXIANG_WITHDRAWAL_DAYS_KIND="calendar")
def test_withdrawal_days_are_not_a_setting():
    """The law fixes how the 3 days are counted; the old calendar-day switch is gone."""
    assert rules.withdrawal_due(D(2026, 9, 30)).date == D(2026, 10, 10)


@pytest.mark.parametrize(
    ("kinds", "tier", "until"),
    [
        ("警告", "minor", D(2026, 5, 28)),
        ("警告、通报批评", "minor", D(2026, 5, 28)),
        ("罚款", "general", D(2027, 2, 28)),
        ("警告、罚款", "general", D(2027, 2, 28)),
        ("罚款、责令停产停业", "serious", D(2029, 2, 28)),
        ("吊销许可证件", "serious", D(2029, 2, 28)),
        ("", "general", D(2027, 2, 28)),
    ],
)
def test_publicity_tiers(kinds, tier, until):
    assert rules.publicity_tier(Category.PENALTY, kinds) == tier
    assert rules.publicity_until(Category.PENALTY, D(2026, 2, 28), kinds) == until


def test_licensing_has_no_publicity_end_and_tiers_are_settings():
    assert rules.publicity_until(Category.LICENSING, D(2026, 1, 1)) is None
    with override_settings(SANXIANG_PUBLICITY_TIERS={"general": 6}):
        assert rules.publicity_until(Category.PENALTY, D(2026, 1, 31), "罚款") == D(2026, 7, 31)


def test_add_months_clamps_to_month_end():
    assert rules.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_individual_party_name_rule():
    assert rules.individual_name_public(Category.PENALTY)
    assert rules.individual_name_public(Category.LICENSING)
    assert not rules.individual_name_public(Category.INSPECTION)
    with override_settings(SANXIANG_INDIVIDUAL_NAME_PUBLIC={"penalty": False}):
        assert not rules.individual_name_public(Category.PENALTY)


def test_annual_report_due_by_31_january():
    assert rules.report_due(2025) == D(2026, 1, 31)
    assert rules.report_reminder_from(2025) == D(2026, 1, 17)
