"""Background work of the ledger: sign a checkpoint whenever the log has grown, periodically.

The tick re-enqueues itself with ``run_after`` for the next interval, but only on a backend
that can defer work (django-tasks-db by default, RQ). The immediate backend used in tests runs
a task inside ``enqueue``; re-enqueueing from there would recurse for ever, so under it a tick
signs and stops, and nothing schedules. Starting the chain is a separate step,
``manage.py ledger_checkpoint --schedule``, which does nothing when a tick is already waiting,
so running it at every start-up never piles up parallel chains.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from sanxiang.core.audit import audit_context

from . import services

logger = logging.getLogger(__name__)


def checkpoint_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SANXIANG_CHECKPOINT_INTERVAL_SECONDS)


@task()
def checkpoint_tick() -> int | None:
    """Sign a checkpoint if the log grew since the last one; schedule the next tick.

    A log that no longer extends the last checkpoint is refused a signature; that is logged
    as an error on every tick (someone must run ``ledger_verify``), and the ticks go on.
    """
    try:
        with audit_context(channel="task"):
            checkpoint = services.checkpoint_sign(only_if_grown=True)
    except services.LedgerInconsistentError as exc:
        logger.error("%s", exc)
        checkpoint = None
    finally:
        checkpoint_schedule()
    return checkpoint.tree_size if checkpoint else None


def scheduling_supported() -> bool:
    return checkpoint_tick.get_backend().supports_defer


def _tick_waiting() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the db backend is a project dependency
        return False
    backend = checkpoint_tick.get_backend()
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return False  # other deferring backends (RQ) keep their own queue; not inspected
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=checkpoint_tick.module_path
    ).exists()


def checkpoint_schedule(*, delay: datetime.timedelta | None = None) -> datetime.datetime | None:
    """Enqueue the next tick after ``delay`` (default: the interval), once the caller commits.

    Returns when it will run, or None when the backend cannot defer or a tick already waits.
    """
    if not scheduling_supported() or _tick_waiting():
        return None
    run_after = timezone.now() + (checkpoint_interval() if delay is None else delay)
    transaction.on_commit(lambda: checkpoint_tick.using(run_after=run_after).enqueue())
    return run_after
