"""The working-day calendar: legal time limits counted the way Chinese law counts them.

Periods start on the day after the triggering event (期间开始之日不计算在内). Working
days follow the State Council's holiday arrangement including adjusted working weekends
(调休), taken from the ``chinesecalendar`` package and from the administrator-maintained
override table, which wins. A year neither source covers is never silently assumed:
results that depend on it are marked provisional with the reason, and the UI shows it. Such a
year is counted without Saturdays, Sundays and the fixed holidays of the 放假办法 with their
substitute days (``statutory_holidays``); a period that gives a party time (``for_party``)
also rests on the weekdays around each festival, so it is never shorter than the loaded
arrangement will make it (ADR 0096).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _

from . import statutory_holidays
from .models import CalendarOverride, HolidayNotice

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DueDate:
    """A computed deadline and whether it rests on calendar data we actually have."""

    date: datetime.date
    provisional: bool = False
    reasons: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        if self.provisional:
            return _("%(date)s（暂定）") % {"date": self.date.isoformat()}
        return self.date.isoformat()


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class Calendar:
    """A snapshot of the override table, so one computation makes one query, not one per day."""

    def __init__(
        self,
        overrides: dict[datetime.date, bool],
        noticed_years: set[int],
        *,
        for_party: bool = False,
    ):
        self._overrides = overrides
        self._noticed_years = noticed_years
        self.for_party = for_party

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date, *, for_party: bool = False) -> Calendar:
        overrides = dict(
            CalendarOverride.objects.filter(date__range=(start, end)).values_list(
                "date", "is_workday"
            )
        )
        years = set(
            HolidayNotice.objects.filter(year__range=(start.year, end.year)).values_list(
                "year", flat=True
            )
        )
        return cls(overrides, years, for_party=for_party)

    def year_is_known(self, year: int) -> bool:
        return year in self._noticed_years or _package_knows(year)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year in self._noticed_years:
            return day.weekday() < 5  # the notice's deviations are all in the override table
        return statutory_holidays.provisional_rest(day, for_party=self.for_party) is None

    def unknown_year_reason(self, year: int) -> str:
        reason = _(
            "%(year)d年的国务院节假日安排尚未录入系统，该年按《全国年节及纪念日放假办法》规定的"
            "法定节假日（含周末补假）和周末推算，期限为暂定，录入当年节假日安排后系统将重新计算。"
        ) % {"year": year}
        if self.for_party:
            reason += _("为保障当事人的期限利益，节日前后的工作日暂不计入。")
        return reason


def _span_for(start: datetime.date, days: int) -> datetime.date:
    # Generous upper bound: long holidays never stretch n working days beyond 2n + 15.
    return start + datetime.timedelta(days=2 * days + 20)


def add_working_days(start: datetime.date, days: int, *, for_party: bool = False) -> DueDate:
    """The date on which a period of ``days`` working days after ``start`` ends.

    ``for_party``: the period gives a party time (statement, hearing request); in a year whose
    arrangement is not loaded it is counted so that it cannot come out shorter than the loaded
    calendar will give (ADR 0096)."""
    if days < 1:
        raise ValueError("days must be positive")
    calendar = Calendar.load(start, _span_for(start, days), for_party=for_party)
    day, counted, unknown_years = start, 0, set()
    while counted < days:
        day += ONE_DAY
        if not calendar.year_is_known(day.year):
            unknown_years.add(day.year)
        if calendar.is_workday(day):
            counted += 1
    return _due(day, unknown_years, calendar)


def add_days(
    start: datetime.date, days: int, *, for_party: bool = False, agency_limit: bool = False
) -> DueDate:
    """A period of calendar days; if it ends on a rest day it extends to the next working day
    (``for_party`` as in ``add_working_days``).

    ``agency_limit``: the period is a maximum that limits the agency's own power (a sealing
    term, 行政强制法第二十五条; the case time limit, 行政处罚法第六十条). It ends on its day even
    when that is a rest day — extending it would lengthen a coercive measure against the party
    (ADR 0002 as amended by ADR 0205). Such an end never depends on the holiday arrangement."""
    if days < 1:
        raise ValueError("days must be positive")
    end = start + datetime.timedelta(days=days)
    if agency_limit:
        return DueDate(date=end)
    calendar = Calendar.load(end, end + datetime.timedelta(days=30), for_party=for_party)
    unknown_years = set()
    while True:
        if not calendar.year_is_known(end.year):
            unknown_years.add(end.year)
        if calendar.is_workday(end):
            break
        end += ONE_DAY
    return _due(end, unknown_years, calendar)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = Calendar.load(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += calendar.is_workday(day)
    return count


def day_status(day: datetime.date) -> tuple[bool, bool]:
    """(is working day, is provisional) for one date, as the calendar page shows it."""
    calendar = Calendar.load(day, day)
    return calendar.is_workday(day), not calendar.year_is_known(day.year)


def _due(day: datetime.date, unknown_years: set[int], calendar: Calendar) -> DueDate:
    reasons = tuple(calendar.unknown_year_reason(y) for y in sorted(unknown_years))
    return DueDate(date=day, provisional=bool(reasons), reasons=reasons)
