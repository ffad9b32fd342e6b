"""The fixed public holidays of 《全国年节及纪念日放假办法》, for years whose State Council
arrangement is not loaded yet (ADR 0096).

The 放假办法 (as amended 2024) fixes the holidays every citizen has: 元旦 1 day, 春节 4 days
(除夕 to 初三), 清明 1, 劳动节 2 (1–2 May), 端午 1, 中秋 1, 国庆 3 (1–3 October). The lunar
festivals are computed with ``lunardate``; 清明 is the solar term, from ``chinese_calendar``'s
solar-term table. When one of these days falls on a Saturday or Sunday, the 放假办法 gives the
day off on a working day instead (补假); the provisional calendar applies it on the first
following weekday that is not itself a holiday.

The yearly arrangement then adds bridge days and adjusted working weekends that no rule
predicts. For a period that gives a party time (statement and defence, hearing request,
payment, rectification), the provisional count therefore also rests on every weekday of a
*window* around each festival: a superset of every arrangement the State Council has made
since 2008 (checked against ``chinese_calendar``'s data by the tests), so the party's
provisional period is never shorter than the loaded calendar will give.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate

ONE_DAY = datetime.timedelta(days=1)

# Windows around each festival (days before, days after its anchor) whose weekdays a period in
# the party's favour treats as rest days. Anchors: 1 January, 春节 = 初一, 清明, 1 May, 端午,
# 中秋, 1 October. Widest seen 2008–2026: 春节 除夕 … 初七 (2020: to 初八 by the extension),
# 劳动节 29 April … 5 May, 国庆 29 September … 8 October.
PARTY_WINDOWS = {
    "元旦": (1, 2),
    "春节": (2, 7),
    "清明": (2, 2),
    "劳动节": (2, 4),
    "端午": (2, 2),
    "中秋": (2, 2),
    "国庆": (2, 7),
}


def _solar(year: int, month: int, day: int) -> datetime.date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> datetime.date:
    for day, name in chinese_calendar.get_solar_terms(
        datetime.date(year, 4, 1), datetime.date(year, 4, 10)
    ):
        if name == "清明":
            return day
    return datetime.date(year, 4, 5)  # pragma: no cover - the term always falls 4–6 April


def anchors(year: int) -> dict[str, datetime.date]:
    """The first day of each festival of ``year`` (春节: 初一)."""
    return {
        "元旦": datetime.date(year, 1, 1),
        "春节": _solar(year, 1, 1),
        "清明": _qingming(year),
        "劳动节": datetime.date(year, 5, 1),
        "端午": _solar(year, 5, 5),
        "中秋": _solar(year, 8, 15),
        "国庆": datetime.date(year, 10, 1),
    }


@lru_cache(maxsize=32)
def fixed_holidays(year: int) -> dict[datetime.date, str]:
    """Every day of ``year`` that is a holiday for all citizens by the 放假办法, with its name."""
    days: dict[datetime.date, str] = {}
    for name, first in anchors(year).items():
        if name == "春节":
            spring = [first - ONE_DAY + n * ONE_DAY for n in range(4)]  # 除夕 … 初三
            days.update({day: name for day in spring if day.year == year})
        elif name == "劳动节":
            days.update({first: name, first + ONE_DAY: name})
        elif name == "国庆":
            days.update({first + n * ONE_DAY: name for n in range(3)})
        else:
            days[first] = name
    return dict(sorted(days.items()))


@lru_cache(maxsize=32)
def substitute_days(year: int) -> dict[datetime.date, str]:
    """补假: for each fixed holiday on a weekend, the first following weekday not already off."""
    holidays = fixed_holidays(year)
    taken: dict[datetime.date, str] = {}
    for day, name in holidays.items():
        if day.weekday() < 5:
            continue
        candidate = day + ONE_DAY
        while candidate.weekday() >= 5 or candidate in holidays or candidate in taken:
            candidate += ONE_DAY
        taken[candidate] = name
    return taken


@lru_cache(maxsize=32)
def party_window_days(year: int) -> frozenset[datetime.date]:
    """Weekdays a period in the party's favour rests on, on top of the fixed holidays and
    substitutes: every weekday within the festival windows (``PARTY_WINDOWS``)."""
    days = set()
    for check_year in (year - 1, year, year + 1):  # 元旦's window reaches back into December
        for name, anchor in anchors(check_year).items():
            before, after = PARTY_WINDOWS[name]
            for offset in range(-before, after + 1):
                day = anchor + offset * ONE_DAY
                if day.year == year:
                    days.add(day)
    return frozenset(days)


def provisional_rest(day: datetime.date, *, for_party: bool = False) -> str | None:
    """Why ``day`` is a rest day in the provisional calendar ("" for a plain weekend), or None
    when it counts as a working day."""
    holidays = fixed_holidays(day.year)
    if day in holidays:
        return holidays[day]
    substitutes = substitute_days(day.year)
    if day in substitutes:
        return f"{substitutes[day]}补假"
    if day.weekday() >= 5:
        return ""
    if for_party and day in party_window_days(day.year):
        return "节日前后"
    return None
