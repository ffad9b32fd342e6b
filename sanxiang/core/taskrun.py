"""What a background task needs to survive its worker (ADR 0082): exactly-once effects,
retries on a locked database, and self-rescheduling chains that neither die nor double.

- :func:`current_task_id` is the id of the task the worker (``manage.py task_worker``) is
  running in this thread; None under the immediate backend and in management commands.
- :func:`task_effect` wraps the writes that are a task's effect: they commit in one
  transaction together with a :class:`~sanxiang.core.models.TaskEffect` mark. A run of the same
  task whose effect already committed (its worker died before marking it finished) is
  skipped by the worker.
- :func:`retry_locked` repeats a database call while SQLite (or MySQL) reports a lock,
  with exponential backoff and jitter.
- :func:`chain_pending` / :func:`enqueue_chain` keep one link of a self-rescheduling chain
  waiting (a tick that is READY or RUNNING elsewhere counts; the running tick itself does not).
"""

from __future__ import annotations

import contextvars
import datetime
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

_current_task: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "sanxiang_current_task", default=None
)


def current_task_id() -> str | None:
    return _current_task.get()


@contextmanager
def running_task(task_id: str) -> Iterator[None]:
    """Set :func:`current_task_id` for the body (the worker wraps each task run in this)."""
    token = _current_task.set(str(task_id))
    try:
        yield
    finally:
        _current_task.reset(token)


def is_lock_error(exc: BaseException) -> bool:
    """A "database is locked"/"busy" (SQLite) or lock-wait timeout (MySQL 1205) error."""
    if not isinstance(exc, OperationalError) or not exc.args:
        return False
    first = exc.args[0]
    if isinstance(first, str):
        text = first.lower()
        return (
            "is locked" in text or "database is busy" in text or "database table is locked" in text
        )
    return first == 1205


def is_transient_db_error(exc: BaseException) -> bool:
    """A lock, or a lost/refused connection: worth waiting and trying again."""
    if is_lock_error(exc) or isinstance(exc, InterfaceError):
        return True
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(
        word in text for word in ("connect", "server closed", "terminating", "timeout")
    )


def backoff_delays(
    *, first: float = 0.2, factor: float = 2.0, cap: float = 30.0, attempts: int | None = None
) -> Iterator[float]:
    """0.2 s, 0.4 s, 0.8 s … capped at ``cap``, each with ±25 % jitter (workers never march
    in step); endless when ``attempts`` is None."""
    delay, count = first, 0
    while attempts is None or count < attempts:
        yield delay * random.uniform(0.75, 1.25)
        delay = min(delay * factor, cap)
        count += 1


def retry_locked(
    func: Callable[[], T], *, attempts: int = 8, what: str = "", transient: bool = False
) -> T:
    """``func()``, repeated with backoff while the database is locked (``transient``: also
    while the connection is lost). The last error is raised after ``attempts`` tries."""
    from django.db import close_old_connections

    delays = backoff_delays(attempts=attempts - 1)
    while True:
        try:
            return func()
        except (OperationalError, InterfaceError) as exc:
            retry = is_transient_db_error(exc) if transient else is_lock_error(exc)
            delay = next(delays, None)
            if not retry or delay is None:
                raise
            logger.warning("%s: %s; retrying in %.1f s", what or "database call", exc, delay)
            if not is_lock_error(exc):
                close_old_connections()
            time.sleep(delay)


def effect_committed(task_id: str | None) -> bool:
    from .models import TaskEffect

    return task_id is not None and TaskEffect.objects.filter(task_id=task_id).exists()


@contextmanager
def task_effect(*, task_path: str = "", return_value: Any = None) -> Iterator[None]:
    """One transaction for a task's effect and, under the worker, its done-mark.

    Outside a worker (immediate backend, management commands) this is ``transaction.atomic``.
    """
    from .models import TaskEffect

    task_id = current_task_id()
    with transaction.atomic():
        yield
        if task_id is not None:
            TaskEffect.objects.get_or_create(
                task_id=task_id, defaults={"task_path": task_path, "return_value": return_value}
            )


def _db_backend(task) -> bool:
    backend = task.get_backend()
    return type(backend).__module__.split(".")[0] == "django_tasks_db"


def chain_pending(task) -> bool:
    """A link of ``task``'s chain is queued or running, other than the one running here."""
    if not _db_backend(task):
        return False  # other deferring backends (RQ) keep their own queue; not inspected
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    if current_task_id() is not None:
        pending = pending.exclude(id=current_task_id())
    return pending.exists()


def enqueue_chain(task, run_after: datetime.datetime) -> datetime.datetime | None:
    """Enqueue the next link of ``task``'s chain once the caller commits — unless one is
    already pending — retrying while the database is locked so the chain does not die.

    Returns ``run_after``, or None when the backend cannot defer or a link is pending.
    """
    if not task.get_backend().supports_defer or chain_pending(task):
        return None

    def enqueue() -> None:
        retry_locked(
            lambda: task.using(run_after=run_after).enqueue(),
            attempts=10,
            what=f"enqueue {task.name}",
        )

    transaction.on_commit(enqueue)
    return run_after
