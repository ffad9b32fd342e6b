"""The computed indicators of the annual target assessment (BZ-5), each read through the
owning app's selectors for one unit (the agency and those below it) and one year.

Each returns an :class:`Indicator`: ``rate`` from 0 to 1 and the counts behind it in words.
A unit with nothing to count on an indicator gets the full rate, and the basis says so."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from sanxiang.org.models import Agency, Staff


@dataclass(frozen=True)
class Indicator:
    rate: Decimal
    basis: str


def _rate(good: int, whole: int, words: str) -> Indicator:
    if not whole:
        return Indicator(Decimal(1), _("%(w)s：本年度无应计事项，按满分计") % {"w": words})
    return Indicator(
        Decimal(good) / Decimal(whole),
        _("%(w)s：%(g)s/%(n)s") % {"w": words, "g": good, "n": whole},
    )


def _within(agency: Agency, other: Agency | None) -> bool:
    return other is not None and other.path.startswith(agency.path)


def review_timeliness(user: Staff, agency: Agency, year: int, today: datetime.date) -> Indicator:
    """Legal review opinions issued in the year within their time limit (SH-PROC-2)."""
    from sanxiang.review.selectors import review_statistics

    rows = [r for r in review_statistics(user=user, year=year) if _within(agency, r.agency)]
    opinions = sum(r.opinions for r in rows)
    late = sum(r.overdue_opinions for r in rows)
    return _rate(opinions - late, opinions, _("按期出具审核意见"))


def publication_timeliness(
    user: Staff, agency: Agency, year: int, today: datetime.date
) -> Indicator:
    """Results published within the time limit, of those released in the year (GS-POST-1)."""
    from sanxiang.publicity.selectors import timeliness

    rows = [r for r in timeliness(user=user, year=year, today=today) if _within(agency, r.agency)]
    released = sum(r.released for r in rows)
    return _rate(sum(r.on_time for r in rows), released, _("按期公示"))


def rectification_on_time(
    user: Staff, agency: Agency, year: int, today: datetime.date
) -> Indicator:
    """Rectification time limits falling in the year and already passed: followed up and
    rectified, against those overdue (not followed up, or found not rectified)."""
    from sanxiang.inspections.models import Verification
    from sanxiang.inspections.selectors import measures_with_time_limit

    rows = measures_with_time_limit(user=user).filter(
        due_on__year=year, due_on__lt=today, inspection__agency__path__startswith=agency.path
    )
    due = rows.count()
    good = rows.filter(verification=Verification.RECTIFIED).count()
    return _rate(good, due, _("整改期限已到的事项中按期整改复查"))


def training_completion(user: Staff, agency: Agency, year: int, today: datetime.date) -> Indicator:
    """Officers and reviewers of the unit with the year's training hours (BZ-3)."""
    from sanxiang.org.selectors import staff_list

    from ..training.selectors import TRAINED_ROLES, training_status

    people = list(
        staff_list(user=user)
        .filter(
            is_active=True,
            agency__path__startswith=agency.path,
            role_grants__role__in=TRAINED_ROLES,
        )
        .distinct()
    )
    good = sum(1 for p in people if training_status(p, year).met)
    return _rate(good, len(people), _("培训学时达标人数"))


def notices_on_time(user: Staff, agency: Agency, year: int, today: datetime.date) -> Indicator:
    """督办 notices due in the year (and already due, or answered) answered by their date."""
    from ..notices.selectors import notice_list

    rows = [
        n
        for n in notice_list(user=user).filter(
            due_on__year=year, agency__path__startswith=agency.path
        )
        if n.due_on < today or n.replied_on is not None
    ]
    return _rate(sum(1 for n in rows if n.answered_on_time), len(rows), _("按期回复督办"))


INDICATORS: dict[str, Callable[[Staff, Agency, int, datetime.date], Indicator]] = {
    "review_timeliness": review_timeliness,
    "publication_timeliness": publication_timeliness,
    "rectification_on_time": rectification_on_time,
    "training_completion": training_completion,
    "notices_on_time": notices_on_time,
}
