"""Slow password spraying without letting anyone lock a known account out (ADR 0073).

django-axes keeps the hard lock per (login, address): five failures from one address lock
that login *from that address* only. Spraying — many logins from one address, or one
predictable login (``head``) from many addresses — is slowed instead: past a few failures
within the window, the next attempt for that login (from anywhere), or from that address
(for any login), must wait a delay that doubles with each further failure up to a cap.
An attempt made during the wait is answered with the wait left and does not check the
password, so it neither counts as a failure nor reveals anything.

The failures are axes' own ``AccessFailureLog`` rows, in the database: the same in every
server process. Failures before the account's last successful sign-in do not count for it.
"""

from __future__ import annotations

import math

from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from .models import Staff


def _delay(failures: int) -> float:
    free = settings.SANXIANG_LOGIN_SLOWDOWN_FREE
    if failures < free:
        return 0.0
    base = settings.SANXIANG_LOGIN_SLOWDOWN_BASE_SECONDS
    return float(min(base * 2 ** (failures - free), settings.SANXIANG_LOGIN_SLOWDOWN_MAX_SECONDS))


def _remaining(failures: QuerySet, now) -> float:
    summary = failures.aggregate(n=Count("id"), last=Max("attempt_time"))
    if not summary["n"]:
        return 0.0
    ready = summary["last"] + timezone.timedelta(seconds=_delay(summary["n"]))
    return max(0.0, (ready - now).total_seconds())


_STAFF = object()


def login_wait_seconds(*, username: str, ip_address: str, last_success=_STAFF) -> int:
    """Seconds until this login may be tried from this address (0: now).

    ``last_success``: when this login last signed in successfully (failures before do not
    count); by default read from the staff table. The mines' accounts (ADR 0150) pass their own.
    """
    now = timezone.now()
    since = now - timezone.timedelta(seconds=settings.SANXIANG_LOGIN_SLOWDOWN_WINDOW_SECONDS)
    username = (username or "").strip()
    waits = [0.0]
    if username:
        by_login = AccessFailureLog.objects.filter(
            username__iexact=username, attempt_time__gte=since
        )
        last_login = (
            Staff.objects.filter(username__iexact=username)
            .values_list("last_login", flat=True)
            .first()
            if last_success is _STAFF
            else last_success
        )
        if last_login:
            by_login = by_login.filter(attempt_time__gt=last_login)
        waits.append(_remaining(by_login, now))
    if ip_address:
        by_address = AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)
        waits.append(_remaining(by_address, now))
    return math.ceil(max(waits))
