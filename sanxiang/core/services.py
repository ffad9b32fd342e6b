"""Writes to the working-day calendar: holiday notices and single-day overrides."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.ledger.services import ledger_append
from sanxiang.org.roles import ORG_ADMIN_ROLES

from .models import CalendarOverride, HolidayNotice, StaffNotice
from .permissions import require_role
from .validation import clean_and_save


@transaction.atomic
def holiday_notice_create(
    *,
    actor,
    year: int,
    title: str,
    document_number: str,
    published_on: datetime.date,
    recompute: bool = True,
) -> HolidayNotice:
    """Declare a year's State Council arrangement loaded: its deadlines stop being provisional.

    Enter the arrangement's day overrides first: this step declares the year complete and
    recomputes every stored provisional due date (``deadline_recompute``, ADR 0096)."""
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
    if recompute:
        from .deadline_recompute import provisional_deadlines_recompute

        provisional_deadlines_recompute(actor=actor, year=year)
    return notice


@transaction.atomic
def holiday_arrangement_load(
    *,
    actor,
    year: int,
    title: str,
    document_number: str,
    published_on: datetime.date,
    rest_days: list[datetime.date],
    working_days: list[datetime.date],
) -> HolidayNotice:
    """Load a year's State Council arrangement in one step: every rest day that is not a
    weekend and every adjusted working weekend as overrides, then the notice (which
    recomputes the provisional due dates). All or nothing."""
    require_role(actor, ORG_ADMIN_ROLES, _("录入节假日安排"))
    errors: dict[str, list[str]] = {}
    wrong_year = sorted({d for d in [*rest_days, *working_days] if d.year != year})
    if wrong_year:
        errors["days"] = [
            _("以下日期不在%(year)d年：%(days)s。")
            % {"year": year, "days": "、".join(d.isoformat() for d in wrong_year)}
        ]
    both = sorted(set(rest_days) & set(working_days))
    if both:
        errors.setdefault("days", []).append(
            _("以下日期既列为放假又列为上班：%(days)s。")
            % {"days": "、".join(d.isoformat() for d in both)}
        )
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    notice = holiday_notice_create(
        actor=actor,
        year=year,
        title=title,
        document_number=document_number,
        published_on=published_on,
        recompute=False,
    )
    for day in sorted(set(rest_days)):
        if day.weekday() < 5:
            calendar_override_set(
                actor=actor,
                date=day,
                is_workday=False,
                name=_("放假"),
                notice=notice,
                recompute=False,
            )
    for day in sorted(set(working_days)):
        calendar_override_set(
            actor=actor,
            date=day,
            is_workday=True,
            name=_("调休上班"),
            notice=notice,
            recompute=False,
        )
    from .deadline_recompute import provisional_deadlines_recompute

    provisional_deadlines_recompute(actor=actor, year=year)
    return notice


@transaction.atomic
def calendar_override_set(
    *,
    actor,
    date: datetime.date,
    is_workday: bool,
    name: str,
    notice: HolidayNotice | None = None,
    recompute: bool = True,
) -> CalendarOverride:
    """Create or replace the override of one day; stored due dates ending on or after it are
    recomputed (``deadline_recompute``, ADR 0096) unless the caller does it once at the end."""
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
    if recompute:
        from .deadline_recompute import provisional_deadlines_recompute

        provisional_deadlines_recompute(actor=actor, since=date)
    return override


@transaction.atomic
def staff_notice_read(*, actor, pk: int) -> StaffNotice:
    """Mark one of the actor's own notices read; another person's notice is not found."""
    from django.http import Http404
    from django.utils import timezone

    notice = StaffNotice.objects.select_for_update().filter(pk=pk, recipient=actor).first()
    if notice is None:
        raise Http404
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        ledger_append(actor=actor, action="staff_notice.read", obj=notice)
    return notice
