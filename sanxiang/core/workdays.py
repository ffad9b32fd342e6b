"""The working-day calendar: legal time limits counted the way Chinese law counts them.

Periods start on the day after the triggering event (期间开始之日不计算在内). Working
days follow the State Council's holiday arrangement including adjusted working weekends
(调休), taken from the ``chinesecalendar`` package and from the administrator-maintained
override table, which wins. A year neither source covers is never silently assumed:
results that depend on it are marked provisional with the reason, and the UI shows it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _

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

    def __init__(self, overrides: dict[datetime.date, bool], noticed_years: set[int]):
        self._overrides = overrides
        self._noticed_years = noticed_years

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date) -> Calendar:
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
        return cls(overrides, years)

    def year_is_known(self, year: int) -> bool:
        return year in self._noticed_years or _package_knows(year)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def unknown_year_reason(self, year: int) -> str:
        return _(
            "%(year)d年的国务院节假日安排尚未录入系统，该年按周一至周五为工作日推算，"
            "期限为暂定，请管理员录入当年节假日安排后复核。"
        ) % {"year": year}


def _span_for(start: datetime.date, days: int) -> datetime.date:
    # Generous upper bound: long holidays never stretch n working days beyond 2n + 15.
    return start + datetime.timedelta(days=2 * days + 20)


def add_working_days(start: datetime.date, days: int) -> DueDate:
    """The date on which a period of ``days`` working days after ``start`` ends."""
    if days < 1:
        raise ValueError("days must be positive")
    calendar = Calendar.load(start, _span_for(start, days))
    day, counted, unknown_years = start, 0, set()
    while counted < days:
        day += ONE_DAY
        if not calendar.year_is_known(day.year):
            unknown_years.add(day.year)
        if calendar.is_workday(day):
            counted += 1
    return _due(day, unknown_years, calendar)


def add_days(start: datetime.date, days: int) -> DueDate:
    """A period of calendar days; if it ends on a rest day it extends to the next working day."""
    if days < 1:
        raise ValueError("days must be positive")
    end = start + datetime.timedelta(days=days)
    calendar = Calendar.load(end, end + datetime.timedelta(days=30))
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
