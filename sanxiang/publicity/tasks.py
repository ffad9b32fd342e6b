"""Background work of result publication: drafts from decisions (enqueued by the signal
handlers), and the daily tick — missed drafts, ended publicity periods, January's annual
reports.

The tick re-enqueues itself for the next day on a backend that can defer (django-tasks-db by
default); under the immediate backend used in tests it runs once. ``manage.py publicity_tick``
runs the same work from cron, and ``--schedule`` starts the chain.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from sanxiang.core.audit import audit_context
from sanxiang.core.taskrun import enqueue_chain

logger = logging.getLogger(__name__)
TICK_HOUR = 1


@task()
def draft_for_case(case_id: int) -> int | None:
    from .services import publication_draft_for_case

    with audit_context(channel="task"):
        publication = publication_draft_for_case(case_id=case_id)
    return publication.pk if publication else None


@task()
def draft_for_inspection(inspection_id: int) -> int | None:
    from .services import publication_draft_for_inspection

    with audit_context(channel="task"):
        publication = publication_draft_for_inspection(inspection_id=inspection_id)
    return publication.pk if publication else None


@task()
def draft_for_measure(measure_id: int | None = None, case_act_id: int | None = None) -> int | None:
    from .services import publication_draft_for_measure

    with audit_context(channel="task"):
        publication = publication_draft_for_measure(measure_id=measure_id, case_act_id=case_act_id)
    return publication.pk if publication else None


def run_daily(today: datetime.date | None = None) -> dict[str, int]:
    """The daily work, in order; each step in its own transactions."""
    from .annual import annual_reports_generate_due
    from .services import drafts_backfill, publications_expire_due

    today = today or timezone.localdate()
    with audit_context(channel="task"):
        drafts = drafts_backfill(since=today - datetime.timedelta(days=400))
        expired = publications_expire_due(today=today)
        reports = annual_reports_generate_due(today=today)
    return {"drafts": len(drafts), "expired": len(expired), "reports": len(reports)}


@task()
def publicity_tick() -> dict[str, int]:
    try:
        return run_daily()
    finally:
        tick_schedule()


def tick_schedule() -> datetime.datetime | None:
    """Enqueue the next tick for tomorrow at 01:00 (local time), once the caller commits —
    unless a tick is already waiting or running elsewhere (ADR 0082: a re-run tick or the
    worker's chain keeper never starts a second chain)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    run_after = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(TICK_HOUR)))
    return enqueue_chain(publicity_tick, run_after)
