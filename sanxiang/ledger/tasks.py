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
from django.utils import timezone
from django_tasks import task

from sanxiang.core.audit import audit_context
from sanxiang.core.taskrun import enqueue_chain

from . import cosigning, services

logger = logging.getLogger(__name__)


def checkpoint_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SANXIANG_CHECKPOINT_INTERVAL_SECONDS)


@task()
def checkpoint_tick() -> int | None:
    """Sign a checkpoint if the log grew since the last one; schedule the next tick.

    Re-running a tick whose checkpoint committed signs nothing new (``only_if_grown``).
    A log that no longer extends the last checkpoint is refused a signature; that is logged
    as an error on every tick (someone must run ``ledger_verify``), and the ticks go on.
    """
    try:
        with audit_context(channel="task"):
            checkpoint = services.checkpoint_sign(only_if_grown=True)
        if checkpoint is not None:
            cosigning.request_cosignatures(checkpoint)  # ADR 0191: failures are logged
    except services.LedgerInconsistentError as exc:
        logger.error("%s", exc)
        checkpoint = None
    finally:
        checkpoint_schedule()
    return checkpoint.tree_size if checkpoint else None


@task()
def checkpoint_catch_up(seq: int) -> int | None:
    """Sign a checkpoint covering entry ``seq`` unless one does already (ADR 0184: the lag
    trigger of a web node with ``SANXIANG_CHECKPOINT_SIGNER=worker`` sends its signature here)."""
    from .lag import sign_if_behind

    return sign_if_behind(seq)


def scheduling_supported() -> bool:
    return checkpoint_tick.get_backend().supports_defer


def checkpoint_schedule(*, delay: datetime.timedelta | None = None) -> datetime.datetime | None:
    """Enqueue the next tick after ``delay`` (default: the interval), once the caller commits.

    Returns when it will run, or None when the backend cannot defer or a tick is already
    waiting or running elsewhere (ADR 0082: the worker calls this at start and on every sweep,
    so a chain broken by a lost worker starts again).
    """
    run_after = timezone.now() + (checkpoint_interval() if delay is None else delay)
    return enqueue_chain(checkpoint_tick, run_after)
