"""The period of an approval to read (调阅 a recording, 借阅 a text record): one check for both.

An approval holds only inside ``[valid_from, valid_until]`` (JL-USE-2); the request states the
period and the approver decides on it. The rules are the same whatever is read: the end after
the start, not already past, and no longer than a configured number of days.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def period_errors(
    valid_from: datetime.datetime | None,
    valid_until: datetime.datetime | None,
    *,
    longest_days: int,
    verb: str,
) -> dict[str, list[str]]:
    """Field errors (under ``valid_until``) of a requested period; ``verb`` is 调阅 or 借阅."""
    errors: list[str] = []
    if valid_from and valid_until:
        if valid_until <= valid_from:
            errors.append(_("%(verb)s截止时间应晚于起始时间。") % {"verb": verb})
        elif valid_until <= timezone.now():
            errors.append(_("%(verb)s截止时间已过。") % {"verb": verb})
        if valid_until - valid_from > datetime.timedelta(days=longest_days):
            errors.append(_("%(verb)s期限最长 %(d)s 天。") % {"verb": verb, "d": longest_days})
    return {"valid_until": errors} if errors else {}
