"""The limits of the procedure branches (ADR 0205), computed through the calendar service.

* Simple procedure (当场处罚, 《中华人民共和国行政处罚法》第五十一条): a warning, or a fine of
  no more than 200 yuan on a citizen or 3,000 yuan on an organisation.
* Evidence preservation (先行登记保存, 第五十六条): the handling decision within seven days,
  working days by 第八十五条.
* Sealing / seizure (查封、扣押, 《中华人民共和国行政强制法》第二十五条): no more than 30 days,
  extended once by no more than 30 with the head's approval; a maximum that limits the agency,
  so it ends on its day even on a rest day (``agency_limit``, ADR 0002 as amended).
* Case time limit (第六十条): a decision within 90 days of filing; the law itself sets no
  extension, so the extension days are catalog data marked 示例 (``data/case_time_limit.csv``).
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sanxiang.catalog.major import PartyKind
from sanxiang.core.workdays import DueDate, add_days, add_working_days

# 行政处罚法第五十一条：对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告。
SIMPLE_FINE_LIMITS = {
    PartyKind.INDIVIDUAL: Decimal("200.00"),
    PartyKind.MINE: Decimal("3000.00"),
}
SIMPLE_KINDS = frozenset({"warning", "fine"})
PRESERVATION_WORKING_DAYS = 7  # 第五十六条“七日内”，第八十五条：工作日
SEALING_DAYS = 30  # 行政强制法第二十五条第一款
SEALING_EXTENSION_DAYS = 30  # 同条：延长期限不得超过三十日，只能延长一次
CASE_TIME_LIMIT_DAYS = 90  # 行政处罚法第六十条
CASE_REMINDER_DAYS = 15  # 工作台在办案期限届满前15日起提醒（本机关可调整）

DATA = Path(__file__).resolve().parent / "data" / "case_time_limit.csv"


def simple_procedure_allowed(party_kind: str, penalty_kind: str, amount: Decimal | None) -> bool:
    """Whether the penalty may be decided on the spot (第五十一条)."""
    if penalty_kind == "warning":
        return True
    if penalty_kind != "fine" or amount is None:
        return False
    limit = SIMPLE_FINE_LIMITS.get(party_kind)
    return limit is not None and Decimal("0") < Decimal(amount) <= limit


def preservation_decision_due(notice_on: datetime.date) -> DueDate:
    """The last day of the handling decision after a 先行登记保存证据通知书."""
    return add_working_days(notice_on, PRESERVATION_WORKING_DAYS)


def sealing_term_end(sealed_on: datetime.date, *, extended: bool = False) -> DueDate:
    """The last day of a sealing/seizure term, extended once if approved; never moved."""
    days = SEALING_DAYS + (SEALING_EXTENSION_DAYS if extended else 0)
    return add_days(sealed_on, days, agency_limit=True)


@lru_cache(maxsize=1)
def case_extension_days() -> int:
    """The extension of the case time limit the agency's rules allow (示例 data; 0 if none)."""
    with DATA.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            return int(row["天数"])
    return 0


def case_time_limit_end(filed_on: datetime.date, *, extended: bool = False) -> DueDate:
    """The last day for the decision: 90 days from filing (第六十条), a limit on the agency."""
    days = CASE_TIME_LIMIT_DAYS + (case_extension_days() if extended else 0)
    return add_days(filed_on, days, agency_limit=True)


def is_late(done_on: datetime.date, due: DueDate | datetime.date) -> bool:
    return done_on > getattr(due, "date", due)
