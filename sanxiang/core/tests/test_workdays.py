"""Working-day calendar at its boundaries (clauses.md reading rules; GS-POST-1, SH-RESP-2)."""

import datetime

import pytest

from sanxiang.core import services
from sanxiang.core.workdays import add_days, add_working_days, working_days_between
from sanxiang.org.roles import Role
from sanxiang.testing import factories

D = datetime.date


@pytest.fixture
def admin(province):
    return factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])


@pytest.mark.django_db
def test_seven_working_days_across_national_day_2026():
    # Decision on Wed 30 Sep; 1–7 Oct are holidays, Sat 10 Oct is an adjusted working day.
    due = add_working_days(D(2026, 9, 30), 7)
    assert due.date == D(2026, 10, 15)
    assert not due.provisional


@pytest.mark.django_db
def test_count_landing_on_adjusted_working_saturday():
    due = add_working_days(D(2026, 9, 30), 3)
    assert due.date == D(2026, 10, 10)
    assert due.date.weekday() == 5


@pytest.mark.django_db
def test_period_starts_the_day_after_the_trigger():
    # Friday trigger: the first working day counted is the following Monday.
    assert add_working_days(D(2026, 11, 20), 1).date == D(2026, 11, 23)
    assert add_working_days(D(2026, 11, 23), 5).date == D(2026, 11, 30)


@pytest.mark.django_db
def test_twenty_working_days_over_mid_autumn_and_national_day():
    # 25 Sep (Mid-Autumn) and 1–7 Oct are off; Sun 20 Sep and Sat 10 Oct are worked.
    due = add_working_days(D(2026, 9, 18), 20)
    assert due.date == D(2026, 10, 22)


@pytest.mark.django_db
def test_period_reaching_a_year_without_data_is_provisional():
    due = add_working_days(D(2026, 12, 28), 7)
    assert due.provisional
    # 29, 30, 31 Dec; 1 Jan 元旦 (the fixed holiday, ADR 0096); Mon 4 … Thu 7 Jan; flagged.
    assert due.date == D(2027, 1, 7)
    assert any("2027" in reason for reason in due.reasons)
    assert "暂定" in str(due)


@pytest.mark.django_db
def test_period_inside_known_year_is_not_provisional():
    due = add_working_days(D(2026, 12, 20), 7)
    assert due.date == D(2026, 12, 29)
    assert not due.provisional and due.reasons == ()


@pytest.mark.django_db
def test_override_entered_by_administrator_takes_effect(admin):
    assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 15)
    services.calendar_override_set(
        actor=admin, date=D(2026, 10, 8), is_workday=False, name="临时调整（测试）"
    )
    assert add_working_days(D(2026, 9, 30), 7).date == D(2026, 10, 16)


@pytest.mark.django_db
def test_loaded_notice_for_next_year_removes_provisional_flag(admin):
    notice = services.holiday_notice_create(
        actor=admin,
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 11, 10),
    )
    for day in (1, 2, 3):
        services.calendar_override_set(
            actor=admin, date=D(2027, 1, day), is_workday=False, name="元旦", notice=notice
        )
    due = add_working_days(D(2026, 12, 28), 7)
    assert not due.provisional
    # 28 Dec → 29, 30, 31 Dec; 1 Jan holiday; Mon 4 Jan … Wed 6 Jan; Thu 7 Jan is the 7th.
    assert due.date == D(2027, 1, 7)


@pytest.mark.django_db
def test_calendar_days_ending_on_holiday_extend_to_next_working_day():
    # 24 Sep + 7 days = 1 Oct (National Day) → first working day after is 8 Oct.
    assert add_days(D(2026, 9, 24), 7).date == D(2026, 10, 8)


@pytest.mark.django_db
def test_calendar_days_ending_on_adjusted_saturday_do_not_extend():
    assert add_days(D(2026, 10, 3), 7).date == D(2026, 10, 10)


@pytest.mark.django_db
def test_calendar_days_ending_on_ordinary_sunday_extend_to_monday():
    assert add_days(D(2026, 11, 1), 7).date == D(2026, 11, 9)


@pytest.mark.django_db
def test_calendar_days_into_unknown_year_are_provisional():
    due = add_days(D(2026, 12, 25), 10)
    assert due.provisional and due.date == D(2027, 1, 4)


@pytest.mark.django_db
def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert working_days_between(D(2026, 10, 15), D(2026, 10, 15)) == 0


@pytest.mark.django_db
def test_non_positive_periods_are_programming_errors():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 1), 0)
    with pytest.raises(ValueError):
        add_days(D(2026, 1, 1), -1)


@pytest.mark.django_db
def test_only_system_administrators_may_change_the_calendar(province):
    from django.core.exceptions import PermissionDenied

    officer = factories.officer(agency=province["a"])
    with pytest.raises(PermissionDenied):
        services.calendar_override_set(
            actor=officer, date=D(2026, 10, 8), is_workday=False, name="x"
        )
