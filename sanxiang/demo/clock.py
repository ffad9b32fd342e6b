"""The demo loader's clock: lets the demo province's history happen on the days it happened.

Every service reads the time from ``django.utils.timezone.now`` (directly, through
``timezone.localdate()`` or through ``auto_now_add`` fields), so the ledger, the due dates
and the "on time" of each step all follow this clock while it is in force. It only moves
forward, so the ledger's times stay in order. Used by ``manage.py demo_load`` alone — the
same device the review tests use to set "today" (``review/tests/conftest.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


class DemoClock:
    def __init__(self, start: datetime.datetime):
        self._now = start.astimezone(datetime.UTC)

    def now(self) -> datetime.datetime:
        return self._now

    def set(self, moment: datetime.datetime) -> None:
        moment = moment.astimezone(datetime.UTC)
        if moment < self._now:
            raise ValueError(f"the demo clock only moves forward ({self._now} → {moment})")
        self._now = moment


@contextmanager
def simulated_clock(start: datetime.datetime) -> Iterator[DemoClock]:
    """Within the block, ``timezone.now()`` is the demo clock's time; the real one after."""
    clock = DemoClock(start)
    real_now = timezone.now
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real_now
