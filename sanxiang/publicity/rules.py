"""The legal rules of result publication, one function each, with the clause they implement.

Numbers a unit may need to change (a law "另有规定", a local credit-repair rule) are read from
settings (``SANXIANG_*``) with the statutory or documented default given here.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings

from sanxiang.core.workdays import DueDate, add_working_days

from .fields import Category

# GS-POST-1 / GS-REQ-3: licensing and penalty decisions within 7 working days, every other
# enforcement decision within 20, counted from the day after the decision.
FAST_CATEGORIES = frozenset({Category.PENALTY, Category.LICENSING})
FAST_WORKING_DAYS = 7
DEFAULT_WORKING_DAYS = 20
# GS-REQ-3: information that changes is published within 20 working days of the change.
REVISION_WORKING_DAYS = 20
# GS-POST-2 / 行政处罚法第四十八条第二款: a changed, revoked, unlawful or void decision's
# information is withdrawn "在三日内" — 3 working days (第八十五条). The Measures (三(三)2) ask
# for the withdrawal "及时" without a number; the law's 3 working days apply to every category.
WITHDRAWAL_WORKING_DAYS = 3
# Publicity periods (公示截止期) by tier, in months (domain reference §1, unconfirmed: keep
# configurable with SANXIANG_PUBLICITY_TIERS). ``None`` means no end.
PUBLICITY_TIERS = {"minor": 3, "general": 12, "serious": 36, "licensing": None}
SERIOUS_PENALTIES = frozenset({"吊销许可证件", "责令停产停业", "责令关闭", "限制从业"})
MINOR_PENALTIES = frozenset({"警告", "通报批评"})
# Whether an individual party's name is published (the party's own name, where the law
# allows it — 双公示 publishes natural persons' names for penalties and licences); where it
# is not allowed the name is shown as 张某某.
INDIVIDUAL_NAME_PUBLIC = {Category.PENALTY: True, Category.LICENSING: True}
# Dashboards warn when this many working days or fewer are left.
DUE_SOON_WORKING_DAYS = 2
# GS-POST-3: the annual report is due by 31 January; reminders start this many days before.
REPORT_DUE_MONTH_DAY = (1, 31)
REPORT_REMINDER_DAYS = 14


def _setting(name: str, default):
    return getattr(settings, name, default)


def publication_due(category: str, decided_on: datetime.date) -> DueDate:
    """GS-POST-1 / GS-REQ-3: the last day to publish a decision made on ``decided_on``."""
    days = FAST_WORKING_DAYS if category in FAST_CATEGORIES else DEFAULT_WORKING_DAYS
    overrides = _setting("SANXIANG_PUBLICATION_WORKING_DAYS", {})
    return add_working_days(decided_on, int(overrides.get(category, days)))


def revision_due(changed_on: datetime.date) -> DueDate:
    """GS-REQ-3: changed information is published within 20 working days of the change."""
    return add_working_days(changed_on, REVISION_WORKING_DAYS)


def withdrawal_due(revoked_on: datetime.date) -> DueDate:
    """GS-POST-2: the last day to withdraw a result whose decision was revoked on ``revoked_on``.

    行政处罚法第四十八条第二款: a published penalty decision that is changed, revoked, confirmed
    unlawful or void is withdrawn "在三日内", with the reason made public. 第八十五条: "本法中
    '二日''三日''五日''七日'的规定是指工作日，不含法定节假日" — so 3 working days, counted from
    the day after the decision fell (Measures 三(三)2: "及时撤下" — the law's number is used for
    every category).
    """
    return add_working_days(revoked_on, WITHDRAWAL_WORKING_DAYS)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def publicity_tier(category: str, penalty_categories: str = "") -> str:
    """Which publicity period applies: serious (licence revoked, production stopped, closure,
    practice restricted), minor (only a warning or criticism), general otherwise."""
    if category == Category.LICENSING:
        return "licensing"
    kinds = {
        k.strip() for k in (penalty_categories or "").replace("，", "、").split("、") if k.strip()
    }
    if kinds & SERIOUS_PENALTIES:
        return "serious"
    if kinds and kinds <= MINOR_PENALTIES:
        return "minor"
    return "general"


def publicity_until(
    category: str, decided_on: datetime.date, penalty_categories: str = ""
) -> datetime.date | None:
    """公示截止期: the day the result stops being shown (GS-POST-2, credit repair tiers)."""
    tiers = {**PUBLICITY_TIERS, **_setting("SANXIANG_PUBLICITY_TIERS", {})}
    months = tiers.get(publicity_tier(category, penalty_categories))
    if months is None:
        return None
    return add_months(decided_on, int(months))


def individual_name_public(category: str) -> bool:
    """GS-REQ-2: may the name of a natural person who is the party be published?"""
    rules = {**INDIVIDUAL_NAME_PUBLIC, **_setting("SANXIANG_INDIVIDUAL_NAME_PUBLIC", {})}
    return bool(rules.get(category, False))


def report_due(year: int) -> datetime.date:
    """GS-POST-3: the report on ``year`` is published by 31 January of the next year."""
    month, day = REPORT_DUE_MONTH_DAY
    return datetime.date(year + 1, month, day)


def report_reminder_from(year: int) -> datetime.date:
    return report_due(year) - datetime.timedelta(days=REPORT_REMINDER_DAYS)
