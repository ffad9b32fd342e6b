"""The periods of the licensing procedure, each rule in one function (行政许可法 arts. 32, 42,
44, 45, 82). Periods are working days starting the day after the triggering event; the numbers
are the licensing item's catalog data, snapshotted on the application."""

from __future__ import annotations

import datetime

from sanxiang.core.workdays import DueDate, add_working_days, working_days_between


def acceptance_due(received_on: datetime.date, days: int) -> DueDate:
    """GS-MID-3 / 行政许可法 art. 32: accept, refuse or notify all missing materials at once
    within ``days`` (5) working days of receipt; otherwise the application counts as accepted
    on the day the materials were received."""
    return add_working_days(received_on, days)


def decision_due(
    accepted_on: datetime.date, days: int, *, extension: int = 0, paused: int = 0
) -> DueDate:
    """行政许可法 arts. 42, 45: decision within ``days`` working days of acceptance (20 unless
    the item's rule says otherwise), plus ``extension`` after the head's approval, plus the
    working days during which a hearing or expert review paused the clock."""
    return add_working_days(accepted_on, days + extension + paused)


def acceptance_clock_start(application) -> datetime.date:
    """行政许可法 art. 32: the acceptance period runs from the receipt of the materials, or of
    the completed materials after a correction notice."""
    return application.complete_on or application.received_on


def decision_due_of(application) -> DueDate:
    """The decision due date of an accepted application as it stands: its period, the head's
    extension once granted, and the working days paused so far."""
    return decision_due(
        application.accepted_on,
        application.decision_days,
        extension=application.extension_days if application.extended else 0,
        paused=application.paused_days,
    )


def paused_working_days(paused_on: datetime.date, resumed_on: datetime.date) -> int:
    """行政许可法 art. 45: the working days after the pause began up to and including the day
    the hearing or expert review ended are not counted."""
    return working_days_between(paused_on, resumed_on)


def licence_due(decided_on: datetime.date, days: int) -> DueDate:
    """行政许可法 art. 44: the licence is issued within ``days`` (10) working days of the grant."""
    return add_working_days(decided_on, days)
