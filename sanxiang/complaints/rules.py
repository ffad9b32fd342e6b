"""The verification deadline of a report (核查期限): configurable rules, not law.

安全生产法 art. 73 obliges the agency to verify reports and keep written results but sets no
period; the periods come from ``data/verification_rules.json`` (示例 values an agency replaces
with its own), overridable per category by ``SANXIANG_COMPLAINT_VERIFY_DAYS``. A report that
involves deaths takes the ``deaths`` rule whatever its category.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from sanxiang.core.workdays import DueDate, add_working_days

DATA_FILE = Path(__file__).resolve().parent / "data" / "verification_rules.json"


@cache
def _catalog() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["rules"]


def verify_rule(category: str, *, involves_deaths: bool) -> dict[str, Any]:
    """GS-MID-3: {working_days, statutory, note} for a report of ``category``."""
    key = "deaths" if involves_deaths else category
    rule = dict(_catalog().get(key) or _catalog()["other"])
    override = getattr(settings, "SANXIANG_COMPLAINT_VERIFY_DAYS", {}).get(key)
    if override:
        rule.update(working_days=int(override), note="")
    return rule


def verify_due(
    category: str, *, involves_deaths: bool, assigned_on: datetime.date
) -> tuple[DueDate, str]:
    """GS-MID-3: the verification due date counted in working days from the assignment, and
    the words saying where the period comes from."""
    rule = verify_rule(category, involves_deaths=involves_deaths)
    due = add_working_days(assigned_on, int(rule["working_days"]))
    basis = _("本机构举报核查规则：%(n)s 个工作日") % {"n": rule["working_days"]}
    if rule.get("note"):
        basis += f"（{rule['note']}）"
    return due, basis
