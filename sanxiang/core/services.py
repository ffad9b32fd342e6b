"""Writes to the working-day calendar: holiday notices and single-day overrides."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.ledger.services import ledger_append
from sanxiang.org.roles import ORG_ADMIN_ROLES

from .models import CalendarOverride, HolidayNotice
from .permissions import require_role
from .validation import clean_and_save


@transaction.atomic
def holiday_notice_create(
    *, actor, year: int, title: str, document_number: str, published_on: datetime.date
) -> HolidayNotice:
    """Declare a year's State Council arrangement loaded: its deadlines stop being provisional."""
    require_role(actor, ORG_ADMIN_ROLES, _("录入节假日安排"))
    notice = HolidayNotice(
        year=year,
        title=(title or "").strip(),
        document_number=(document_number or "").strip(),
        published_on=published_on,
        created_by=actor,
    )
    errors = {}
    if year and not 2000 <= year <= 2100:
        errors["year"] = [_("年度应在2000至2100之间。")]
    clean_and_save(notice, extra_errors=errors)
    ledger_append(actor=actor, action="calendar.notice", obj=notice)
    return notice


@transaction.atomic
def calendar_override_set(
    *,
    actor,
    date: datetime.date,
    is_workday: bool,
    name: str,
    notice: HolidayNotice | None = None,
) -> CalendarOverride:
    """Create or replace the override of one day."""
    require_role(actor, ORG_ADMIN_ROLES, _("调整工作日"))
    override = CalendarOverride.objects.filter(date=date).first() or CalendarOverride(date=date)
    override.is_workday = is_workday
    override.name = (name or "").strip()
    override.notice = notice
    override.created_by = actor
    errors = {}
    if notice is not None and date and date.year != notice.year:
        errors["notice"] = [_("所选通知的年度与日期不一致。")]
    clean_and_save(override, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="calendar.override",
        obj=override,
        details={"date": date.isoformat(), "is_workday": is_workday},
    )
    return override
