"""The legal rules of the review, one function each with the clause it implements.

Time limits (SH-RESP-2) are computed by the working-day calendar (``core.workdays``): the
period starts the day after the trigger and follows the State Council holiday arrangement.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, CaseAct
from sanxiang.core.workdays import DueDate, add_working_days, working_days_between
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

# 实施办法五（四）2：法制审核工作机构收到相关资料后，于5个工作日内审核完毕；因特殊情况需要延长的，
# 经本单位负责人批准后可延长5个工作日。
REVIEW_WORKING_DAYS = 5
EXTENSION_WORKING_DAYS = 5
# Reminder this many working days before the due date (configurable: SANXIANG_REVIEW_REMIND_DAYS).
REMIND_WORKING_DAYS = 1


def review_due(received_on: datetime.date) -> DueDate:
    """SH-RESP-2: the review is completed within 5 working days of receiving complete materials
    (counted from the day after receipt)."""
    return add_working_days(received_on, REVIEW_WORKING_DAYS)


def extended_due(due_on: datetime.date) -> DueDate:
    """SH-RESP-2: one extension, approved by the unit's head, adds exactly 5 working days to the
    due date."""
    return add_working_days(due_on, EXTENSION_WORKING_DAYS)


def remind(today: datetime.date, due_on: datetime.date) -> bool:
    """Whether to remind the reviewer: the due date is at most 1 working day away (SH-RESP-2)."""
    days = int(getattr(settings, "SANXIANG_REVIEW_REMIND_DAYS", REMIND_WORKING_DAYS))
    return today <= due_on and working_days_between(today, due_on) <= days


def may_review_for(reviewing: Agency, deciding: Agency) -> bool:
    """SH-ORG-1: the deciding agency reviews its own major decisions; a superior agency may
    review a subordinate's. Never a sibling or a subordinate."""
    return deciding.path.startswith(reviewing.path)


def conflict_reasons(reviewer: Staff, case: Case) -> list[str]:
    """SH-RESP-4, SH-RESP-5: the case side answers for the case and the reviewer for the opinion,
    so nobody reviews a case he handled: a case officer (承办人员), whoever asked for the case to
    be filed, anyone who took part in an investigation act or emergency measure of the case
    (present or recording it), or in the on-site inspection it came from. Empty: no conflict."""
    reasons = []
    if case.officers.filter(pk=reviewer.pk).exists():
        reasons.append(_("是本案承办人员"))
    if case.created_by_id == reviewer.pk:
        reasons.append(_("提请本案立案"))
    if (
        CaseAct.objects.filter(case=case)
        .filter(Q(officers=reviewer) | Q(created_by=reviewer))
        .exists()
    ):
        reasons.append(_("参与本案调查取证或紧急措施"))
    if case.inspection_id and case.inspection.officers.filter(pk=reviewer.pk).exists():
        reasons.append(_("参与本案来源的现场检查"))
    return reasons


def reviewers_of(agency: Agency):
    """Active legal reviewers of the review office of ``agency`` (its own staff only)."""
    return (
        Staff.objects.filter(agency=agency, is_active=True, role_grants__role=Role.LEGAL_REVIEWER)
        .distinct()
        .order_by("username")
    )


def eligible_reviewers(*, agency: Agency, case: Case) -> list[Staff]:
    """The reviewers of ``agency`` who may review ``case`` (those with a conflict are never
    offered)."""
    return [staff for staff in reviewers_of(agency) if not conflict_reasons(staff, case)]
