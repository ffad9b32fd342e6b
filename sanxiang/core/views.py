"""The shell: sign-in, the home dashboard per role, and the working-day calendar pages."""

from __future__ import annotations

import calendar as month_calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sanxiang.core.permissions import is_superuser
from sanxiang.org import selectors as org_selectors
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role
from sanxiang.registry import selectors as registry_selectors
from sanxiang.registry.models import MineStatus
from sanxiang.review import selectors as review_selectors
from sanxiang.supervision.statistics import panel as supervision_panel

from . import dashboard, services, workdays
from .forms import CalendarOverrideForm, DeadlineForm, HolidayNoticeForm, add_service_errors
from .models import CalendarOverride, HolidayNotice, StaffNotice
from .text import bounded_int

WEEKDAY_NAMES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


@login_required
def home(request):
    """One dashboard; each panel appears for the roles that act on it."""
    user = request.user
    today = timezone.localdate()
    mines = registry_selectors.mine_list(user=user)
    context = {
        "section": "home",
        "today": today,
        "is_officer": user.has_role(Role.OFFICER),
        "is_head": is_superuser(user) or user.has_role(Role.HEAD),
        "is_admin": is_superuser(user) or user.has_role(*ORG_ADMIN_ROLES),
        "is_reviewer": user.has_role(Role.LEGAL_REVIEWER),
        "my_certificates": user.certificates.all(),
        "staff_notices": StaffNotice.objects.filter(recipient=user, read_at__isnull=True)[:20],
        "mine_count": mines.count(),
        "key_mine_count": mines.filter(is_key=True).count(),
        "rectifying_count": mines.filter(status=MineStatus.RECTIFYING).count(),
        "expiring": org_selectors.certificates_expiring(user=user, today=today)[:10],
        "expired_count": org_selectors.certificate_list(
            user=user, validity="expired", today=today
        ).count(),
        "staffing": org_selectors.staffing_counts(user=user),
        # Loaded over next year's first day, so that its notice, once entered, counts.
        "next_year_known": workdays.Calendar.load(
            datetime.date(today.year + 1, 1, 1), datetime.date(today.year + 1, 1, 1)
        ).year_is_known(today.year + 1),
        "next_year": today.year + 1,
    }
    if is_superuser(user) or user.has_role(Role.PUBLICITY_EDITOR, Role.HEAD, Role.LEGAL_REVIEWER):
        from sanxiang.publicity.selectors import alerts as publicity_alerts

        context["publicity"] = publicity_alerts(user=user, today=today)
    staffing = context["staffing"]
    context["staffing_check"] = org_selectors.reviewer_staffing(
        reviewers=staffing["legal_reviewer"], officers=staffing["officer"]
    )
    context["review"] = review_selectors.dashboard(user=user)
    context["approvals"] = dashboard.approvals(user=user)
    context["custody"] = dashboard.custody(user=user)
    context["drafts_due"] = dashboard.drafts_due(user=user, today=today)
    context["my_deadlines"] = dashboard.my_deadlines(user=user, today=today)
    context["archive_due"] = dashboard.archive_filing_due(user=user, today=today)
    context["evaluation_tasks"] = dashboard.evaluation_tasks(user=user, today=today)
    context["archive_fixity"] = dashboard.archive_fixity_failures(user=user)
    context["complaints"] = dashboard.complaints(user=user, today=today)
    context["statistics_panel"] = supervision_panel.heads_panel(user=user, today=today)  # issue 16
    context.update(dashboard.supervision_panels(user=user, today=today))  # issue 16 督办、培训
    return render(request, "core/home.html", context)


def _month_days(year: int, month: int) -> list[dict]:
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, month_calendar.monthrange(year, month)[1])
    cal = workdays.Calendar.load(first, last)
    overrides = {o.date: o for o in CalendarOverride.objects.filter(date__range=(first, last))}
    days = []
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        working = cal.is_workday(day)
        weekend = day.weekday() >= 5
        days.append(
            {
                "date": day,
                "working": working,
                "adjusted": working and weekend,
                "holiday_name": _holiday_name(day, overrides.get(day)),
                "provisional": not cal.year_is_known(day.year),
                "override": overrides.get(day),
            }
        )
    return days


def _holiday_name(day: datetime.date, override: CalendarOverride | None) -> str:
    if override is not None:
        return override.name
    try:
        import chinese_calendar

        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        from .statutory_holidays import provisional_rest

        return provisional_rest(day) or ""
    return chinese_calendar.Holiday(name).chinese if name else ""


@login_required
def calendar_page(request):
    today = timezone.localdate()
    year = bounded_int(request.GET.get("year"), minimum=2000, maximum=2100)
    month = bounded_int(request.GET.get("month"), minimum=1, maximum=12)
    if year is None or month is None:
        year, month = today.year, today.month
    days = _month_days(year, month)
    leading = [None] * days[0]["date"].weekday()
    previous = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    following = datetime.date(year, month, 28) + datetime.timedelta(days=7)
    is_admin = is_superuser(request.user) or request.user.has_role(*ORG_ADMIN_ROLES)
    return render(
        request,
        "core/calendar.html",
        {
            "section": "calendar",
            "year": year,
            "month": month,
            "cells": leading + days,
            "weekday_names": WEEKDAY_NAMES,
            "provisional": any(d["provisional"] for d in days),
            "previous": previous,
            "following": following.replace(day=1),
            "deadline_form": DeadlineForm(initial={"start": today, "days": 7, "kind": "working"}),
            "notices": HolidayNotice.objects.all()[:10],
            "is_admin": is_admin,
            "override_form": CalendarOverrideForm() if is_admin else None,
            "notice_form": HolidayNoticeForm() if is_admin else None,
            "unknown_reason": workdays.Calendar({}, set()).unknown_year_reason(year),
        },
    )


@login_required
def deadline_calculator(request):
    """HTMX partial (and plain page without JavaScript): the due date of a legal time limit."""
    form = DeadlineForm(request.GET or None)
    due = None
    if form.is_valid():
        compute = (
            workdays.add_working_days
            if form.cleaned_data["kind"] == "working"
            else workdays.add_days
        )
        due = compute(form.cleaned_data["start"], form.cleaned_data["days"])
    template = (
        "core/deadline_result.html"
        if request.headers.get("HX-Request") == "true"
        else "core/deadline_page.html"
    )
    return render(request, template, {"form": form, "due": due, "section": "calendar"})


def _errors_to_messages(request, form) -> None:
    """The calendar's admin forms sit on the calendar page; their errors come back as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


@login_required
@require_http_methods(["POST"])
def calendar_override_add(request):
    form = CalendarOverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        notice = HolidayNotice.objects.filter(year=data["date"].year).first()
        try:
            services.calendar_override_set(actor=request.user, notice=notice, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        _errors_to_messages(request, form)
        return redirect("calendar")
    messages.success(request, _("已保存 %(date)s 的工作日调整。") % {"date": data["date"]})
    return redirect(f"/calendar/?year={data['date'].year}&month={data['date'].month}")


@login_required
@require_http_methods(["POST"])
def holiday_notice_add(request):
    form = HolidayNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_notice_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        _errors_to_messages(request, form)
    else:
        messages.success(request, _("已录入 %(year)d 年节假日安排通知。") % form.cleaned_data)
    return redirect("calendar")


@login_required
@require_http_methods(["POST"])
def staff_notice_read(request, pk: int):
    """Mark one of my notices read (someone else's is not found)."""
    services.staff_notice_read(actor=request.user, pk=pk)
    return redirect("home")
