"""Recompute every stored provisional due date once a year's holiday arrangement is loaded
(ADR 0096).

Each app that stores due dates with a ``*_provisional`` flag lists them in its
``calendar_sources.py`` as ``StoredDeadline`` items that know how to compute themselves
again from their trigger. ``provisional_deadlines_recompute`` asks every source, recomputes
each provisional date with the calendar as it now is, saves what changed, appends one ledger
event per change and sends the owner a notice. A period that gives the party time never
moves earlier: the party keeps the later of the announced and the recomputed date.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sanxiang.ledger.services import ledger_append

from .models import StaffNotice
from .workdays import DueDate

# Modules with a ``stored_deadlines(since)`` generator of StoredDeadline: those still
# provisional, and (when ``since`` is given) those ending on or after ``since``.
SOURCES = [
    "sanxiang.cases.calendar_sources",
    "sanxiang.review.calendar_sources",
    "sanxiang.publicity.calendar_sources",
    "sanxiang.inspections.calendar_sources",
    "sanxiang.complaints.calendar_sources",
    "sanxiang.licensing.calendar_sources",
]


@dataclass
class StoredDeadline:
    obj: models.Model
    date_field: str
    flag_field: str
    label: str
    compute: Callable[[], DueDate]
    for_party: bool = False
    owners: Iterable = field(default=())
    link: str = ""
    # Run after this deadline changed (e.g. a review mirroring its case's post-review date):
    # called with (actor, new date, still provisional); it appends its own ledger events.
    after_change: Callable[[object, datetime.date, bool], None] | None = None


@dataclass(frozen=True)
class Change:
    label: str
    subject: str
    old: datetime.date
    new: datetime.date
    provisional: bool


def mirror_due(actor, obj: models.Model, date: datetime.date, provisional: bool) -> None:
    """Set a row whose due date follows another's (``due_on``/``due_provisional``), as a ledger
    event of its own."""
    old = obj.due_on
    obj.due_on, obj.due_provisional = date, provisional
    obj.save(update_fields=["due_on", "due_provisional"])
    ledger_append(
        actor=actor,
        action="calendar.recompute",
        obj=obj,
        details={
            "deadline": "due_on",
            "from": old.isoformat() if old else None,
            "to": date.isoformat(),
            "provisional": provisional,
        },
    )


def pending(date_field: str, flag_field: str, since: datetime.date | None) -> Q:
    """The rows whose stored date may change: still provisional, or ending on/after ``since``."""
    query = Q(**{flag_field: True})
    if since is not None:
        query |= Q(**{f"{date_field}__gte": since})
    return query


def _sources(since: datetime.date | None) -> Iterable[StoredDeadline]:
    for path in SOURCES:
        yield from importlib.import_module(path).stored_deadlines(since)


@transaction.atomic
def provisional_deadlines_recompute(
    *, actor, year: int | None = None, since: datetime.date | None = None
) -> list[Change]:
    """Recompute stored due dates: the provisional ones (those reaching ``year``, or all), and
    with ``since`` (a day whose status an administrator changed) every one ending on or after it.

    Called by the calendar services in their transaction."""
    changes: list[Change] = []
    for item in _sources(since):
        old = getattr(item.obj, item.date_field)
        if old is None:
            continue
        provisional = getattr(item.obj, item.flag_field)
        if since is not None:
            if old < since:
                continue  # a period ending before the changed day cannot depend on it
        elif not provisional or (year is not None and old.year < year):
            continue  # a period ending before the year cannot depend on it
        due = item.compute()
        new = due.date
        if item.for_party and new < old:
            new = old  # the party keeps the time it was told (ADR 0096)
        if new == old and due.provisional == provisional:
            continue
        setattr(item.obj, item.date_field, new)
        setattr(item.obj, item.flag_field, due.provisional)
        item.obj.save(update_fields=[item.date_field, item.flag_field])
        ledger_append(
            actor=actor,
            action="calendar.recompute",
            obj=item.obj,
            details={
                "deadline": item.date_field,
                "from": old.isoformat(),
                "to": new.isoformat(),
                "provisional": due.provisional,
            },
        )
        if item.after_change is not None:
            item.after_change(actor, new, due.provisional)
        subject = str(item.obj)
        change = Change(item.label, subject, old, new, due.provisional)
        changes.append(change)
        if new == old:
            message = _("节假日安排已录入，%(subject)s 的%(label)s %(new)s 已确认，不再是暂定。")
        elif provisional:
            message = _("节假日安排已录入，%(subject)s 的%(label)s由 %(old)s（暂定）改为 %(new)s。")
        else:
            message = _("工作日安排已调整，%(subject)s 的%(label)s由 %(old)s 改为 %(new)s。")
        message %= {"subject": subject, "label": item.label, "old": old, "new": new}
        for owner in {o.pk: o for o in item.owners if o is not None}.values():
            notice = StaffNotice.objects.create(
                recipient=owner, message=message[:500], link=item.link
            )
            ledger_append(actor=actor, action="staff_notice.send", obj=notice)
    return changes
