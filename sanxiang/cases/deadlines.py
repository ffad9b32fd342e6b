"""The time limits a case starts, as data, and their computation through the calendar service.

Numbers a unit may have to adjust are read from settings (``SANXIANG_*``) with the default
given here; every period starts the day after its trigger (``core.workdays``) and every due
date carries the calendar's ``provisional`` flag. The periods that give the party time
(statement, hearing request, payment) are counted ``for_party``: in a year whose holiday
arrangement is not loaded they cannot come out shorter than the loaded calendar (ADR 0096).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from sanxiang.core.workdays import DueDate, add_days, add_working_days

# 陈述、申辩期限（工作日）。《行政处罚法》第四十四条、第四十五条规定告知和陈述申辩的权利，未规定
# 天数；各地告知书通常给予三日，按第八十五条计为工作日。可配置：SANXIANG_STATEMENT_DAYS。
STATEMENT_DAYS = 3
# 听证申请期限（工作日）。《行政处罚法》第六十四条第（一）项：当事人要求听证的，应当在行政机关告知后
# 五日内提出；第八十五条：“五日”指工作日。可配置：SANXIANG_HEARING_REQUEST_DAYS。
HEARING_REQUEST_DAYS = 5
# 缴款期限（日）。《行政处罚法》第六十七条第三款：自收到行政处罚决定书之日起十五日内缴纳罚款。
# “十五日”不在第八十五条所列之内，按自然日计算（末日为休息日的顺延）。
PAYMENT_DAYS = 15
# 公示期限（工作日）。实施办法三（三）1：行政处罚决定自作出之日起7个工作日内公开（GS-POST-1）。
PUBLICATION_WORKING_DAYS = 7
# 加处罚款。《行政处罚法》第七十二条第一款第（一）项：到期不缴纳罚款的，每日按罚款数额的百分之三
# 加处罚款，加处罚款的数额不得超出罚款的数额。
ADDITIONAL_FINE_DAILY_RATE = Decimal("0.03")
# 紧急措施的事后法制审核期限（工作日），与法制审核的办理时限一致（实施办法五（四）2，SH-RESP-2）。
POST_REVIEW_WORKING_DAYS = 5


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def statement_days() -> int:
    """How many working days the prior notice gives for statement and defence."""
    return _setting("SANXIANG_STATEMENT_DAYS", STATEMENT_DAYS)


def hearing_request_days() -> int:
    """How many working days the party has to request a hearing."""
    return _setting("SANXIANG_HEARING_REQUEST_DAYS", HEARING_REQUEST_DAYS)


def statement_due(notified_on: datetime.date) -> DueDate:
    """GS-MID-2: the last day for the party's statement and defence after the prior notice.

    Counted in working days: 行政处罚法第八十五条 "本法中'二日''三日''五日''七日'的规定是指工作日，
    不含法定节假日". The law sets no number for this period (第四十四条、第四十五条); the notice's
    three days are counted the way the law counts its own short periods — a notice served on a
    Friday runs to the next Wednesday.
    """
    return add_working_days(notified_on, statement_days(), for_party=True)


def hearing_request_due(notified_on: datetime.date) -> DueDate:
    """The last day to request a hearing: "告知后五日内" (行政处罚法第六十四条第（一）项), five
    working days by 第八十五条 ("'五日'…的规定是指工作日，不含法定节假日")."""
    return add_working_days(notified_on, hearing_request_days(), for_party=True)


def payment_due(served_on: datetime.date) -> DueDate:
    """The last day to pay the fine (行政处罚法第六十七条): fifteen calendar days — 第八十五条
    covers only the law's 二日、三日、五日、七日 — extended past a rest day."""
    return add_days(served_on, PAYMENT_DAYS, for_party=True)


def publication_due(decided_on: datetime.date) -> DueDate:
    """GS-POST-1 / GS-REQ-3: a penalty decision is published within 7 working days."""
    return add_working_days(decided_on, PUBLICATION_WORKING_DAYS)


def post_review_due(executed_on: datetime.date) -> DueDate:
    """SH-SCOPE-1: the review after an emergency measure, within 5 working days."""
    return add_working_days(executed_on, POST_REVIEW_WORKING_DAYS)


def additional_fine(
    *, fine: Decimal, payment_due_on: datetime.date, as_of: datetime.date
) -> tuple[int, Decimal]:
    """(days overdue, additional fine) on ``as_of``: 3% of the fine per day after the due date,
    never more than the fine itself (行政处罚法第七十二条). Rounded to the fen."""
    days = max((as_of - payment_due_on).days, 0)
    amount = (fine * ADDITIONAL_FINE_DAILY_RATE * days).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return days, min(amount, fine)
