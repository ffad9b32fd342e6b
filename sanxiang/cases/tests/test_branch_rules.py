"""ADR 0205: the limits of the procedure branches, at their boundaries."""

import datetime
from decimal import Decimal

import pytest

from sanxiang.cases import branch_rules as rules

D = datetime.date


@pytest.mark.parametrize(
    ("party", "amount", "allowed"),
    [
        ("individual", "200.00", True),
        ("individual", "200.01", False),
        ("mine", "3000.00", True),
        ("mine", "3000.01", False),
    ],
)
def test_simple_procedure_fine_limits(party, amount, allowed):
    assert rules.simple_procedure_allowed(party, "fine", Decimal(amount)) is allowed


def test_simple_procedure_warning_always_other_kinds_never():
    assert rules.simple_procedure_allowed("mine", "warning", None)
    assert not rules.simple_procedure_allowed("individual", "suspend_production", None)
    assert not rules.simple_procedure_allowed("individual", "fine", Decimal("0"))


@pytest.mark.django_db
def test_sealing_term_ends_on_its_day_even_on_a_holiday():
    end = rules.sealing_term_end(D(2026, 9, 4))
    assert end.date == D(2026, 10, 4)  # National Day holiday: not moved
    assert not end.provisional
    assert rules.sealing_term_end(D(2026, 9, 4), extended=True).date == D(2026, 11, 3)


@pytest.mark.django_db
def test_payment_period_still_moves_off_rest_days():
    from sanxiang.core.workdays import add_days

    assert add_days(D(2026, 9, 19), 15).date == D(2026, 10, 8)  # 10-04 is a holiday


@pytest.mark.django_db
def test_case_time_limit_ninety_days_from_filing():
    assert rules.case_time_limit_end(D(2026, 7, 6)).date == D(2026, 10, 4)
    assert rules.case_extension_days() == 30  # sample data (示例)
    assert rules.case_time_limit_end(D(2026, 7, 6), extended=True).date == D(2026, 11, 3)


@pytest.mark.django_db
def test_preservation_decision_within_seven_working_days():
    due = rules.preservation_decision_due(D(2026, 9, 28))
    assert due.date == D(2026, 10, 13)  # 9-29, 9-30, 10-8, 10-9, 10-10 (调休), 10-12, 10-13
    assert not rules.is_late(D(2026, 10, 13), due)
    assert rules.is_late(D(2026, 10, 14), due)
