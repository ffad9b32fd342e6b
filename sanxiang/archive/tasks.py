"""Periodic fixity (四性检测 “定期”, DA/T 70, ADR 0136): filed units are checked again in
batches, those checked longest ago (or never since filing) first.

Each run is the same check as at filing and export (``services._run_check``): stored as a
``CheckRun`` and ledgered (``archive.check``, trigger ``periodic``). A unit whose original
changed on disk after filing fails its authenticity check here; the failure appears on the
custodians' and heads' dashboards (``fixity_failures``) with the link to the unit's report.

The tick re-enqueues itself for the next night on a backend that can defer (the worker keeps the
chain alive, ``SANXIANG_TASK_CHAINS``); under the immediate backend of tests it runs once.
``manage.py archive_fixity`` runs one batch from cron.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django_tasks import task

from sanxiang.core.audit import audit_context
from sanxiang.core.taskrun import enqueue_chain
from sanxiang.org.models import Staff

from .models import ArchiveUnit, CheckRun, CheckTrigger, UnitStatus

logger = logging.getLogger(__name__)
TICK_HOUR = 2


def batch_size() -> int:
    return int(getattr(settings, "SANXIANG_ARCHIVE_FIXITY_BATCH", 50))


def due_units(limit: int | None = None) -> QuerySet[ArchiveUnit]:
    """Filed units, oldest last check first (never checked first, then by id)."""
    units = (
        ArchiveUnit.objects.filter(status=UnitStatus.FILED)
        .annotate(last_checked=Max("check_runs__ran_at"))
        .order_by(F("last_checked").asc(nulls_first=True), "pk")
    )
    return units[: batch_size() if limit is None else limit]


def fixity_run(limit: int | None = None) -> list[CheckRun]:
    """Check one batch; each unit in its own transaction, so one failure stops nothing."""
    from .services import _run_check

    runs = []
    with audit_context(channel="task"):
        for unit in list(due_units(limit)):
            try:
                with transaction.atomic():
                    run = _run_check(unit, trigger=CheckTrigger.PERIODIC, actor=None)
            except Exception:  # one unreadable unit must not stop the batch; it is logged
                logger.exception("periodic check of archive unit %s failed to run", unit.pk)
                continue
            runs.append(run)
            if not run.passed:
                logger.warning("periodic check of archive unit %s failed", unit.pk)
    return runs


@task()
def fixity_tick() -> dict[str, int]:
    try:
        runs = fixity_run()
        return {"checked": len(runs), "failed": sum(1 for r in runs if not r.passed)}
    finally:
        fixity_schedule()


def fixity_schedule() -> datetime.datetime | None:
    """Enqueue the next batch for tomorrow at 02:00 (local time) unless one is waiting."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    run_after = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(TICK_HOUR)))
    return enqueue_chain(fixity_tick, run_after)


def fixity_failures(*, user: Staff) -> QuerySet[ArchiveUnit]:
    """Filed units the user can see whose latest check failed, newest failure first; each with
    ``last_run_at`` (when) and ``last_passed`` (False)."""
    latest = CheckRun.objects.filter(unit=OuterRef("pk")).order_by("-ran_at", "-pk")
    return (
        ArchiveUnit.objects.restrict(user)
        .filter(status=UnitStatus.FILED)
        .annotate(
            last_passed=Subquery(latest.values("passed")[:1]),
            last_run_at=Subquery(latest.values("ran_at")[:1]),
        )
        .filter(last_passed=False)
        .order_by("-last_run_at", "pk")
    )
