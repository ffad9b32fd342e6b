"""The background worker that survives (ADR 0082): django-tasks-db's worker, extended.

What the library's ``db_worker`` lacks, added here without patching it:

- **No death on a locked database.** Every database step of the loop (claiming, reclaiming,
  marking a task finished) retries with exponential backoff on "database is locked" and on a
  lost connection, instead of exiting.
- **Leases.** Claiming a task also writes a :class:`~sanxiang.core.models.TaskLease` in the
  same transaction; a heartbeat thread renews it every ``heartbeat`` seconds while the task
  runs. Any worker puts a RUNNING task back in the queue only once its lease has lapsed
  (``lease`` seconds without a heartbeat), so a long fixity run or export is never run twice
  while its worker lives, and a task whose worker was killed is not RUNNING forever. After
  ``max_attempts`` lost runs the task is marked failed.
- **Exactly once.** A task whose effect committed with its mark (``taskrun.task_effect``) is
  not run again: the worker marks it successful with the stored return value.
- **Chains.** At start and on every sweep the worker calls the ``ensure`` functions in
  ``SANXIANG_TASK_CHAINS`` (each enqueues its tick only if none is pending).
- **Graceful shutdown hook.** On SIGTERM/SIGINT the worker finishes the current task, then
  calls :func:`worker_shutdown`, which calls every dotted path in
  ``SANXIANG_WORKER_SHUTDOWN_HOOKS`` (e.g. signing a last ledger checkpoint). Not called on
  SIGKILL — nothing is.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from . import taskrun
from .models import TaskEffect, TaskLease

logger = logging.getLogger("sanxiang.worker")

LOST_EXCEPTION = "sanxiang.core.worker.WorkerLost"


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker was lost too often."""


def worker_shutdown() -> None:
    """Called once when a worker stops gracefully (after its current task): runs the hooks
    listed in ``SANXIANG_WORKER_SHUTDOWN_HOOKS``. A failing hook is logged, not raised."""
    for path in getattr(settings, "SANXIANG_WORKER_SHUTDOWN_HOOKS", ()):
        try:
            taskrun.retry_locked(import_string(path), what=path, transient=True)
        except Exception:
            logger.exception("worker shutdown hook %s failed", path)


def ensure_chains() -> None:
    """Start each self-rescheduling chain that has no pending link (idempotent)."""
    for path in getattr(settings, "SANXIANG_TASK_CHAINS", ()):
        try:
            with transaction.atomic():
                import_string(path)()
        except Exception:
            logger.exception("could not ensure task chain %s", path)


def reclaim_lapsed(*, backend_name: str, lease: float, max_attempts: int) -> list[str]:
    """Put RUNNING tasks whose lease lapsed back in the queue (or finish them: mark exists;
    or fail them: too many lost runs). Tasks claimed without a lease (by the library's plain
    ``db_worker``) count as lapsed ``lease`` seconds after they started. Returns their ids."""
    now = timezone.now()
    reclaimed = []
    with exclusive_transaction(DBTaskResult.objects.db):
        running = DBTaskResult.objects.running().filter(backend_name=backend_name)
        leases = {
            str(item.task_id): item
            for item in TaskLease.objects.filter(task_id__in=running.values("id"))
        }
        for result in running.select_for_update(skip_locked=True):
            held = leases.get(str(result.id))
            if held is not None and held.expires_at >= now:
                continue
            if held is None and result.started_at and result.started_at >= now - _seconds(lease):
                continue
            attempts = held.attempts if held else len(result.worker_ids)
            effect = TaskEffect.objects.filter(task_id=result.id).first()
            if effect is not None:
                result.set_successful(effect.return_value)
            elif attempts >= max_attempts:
                result.set_failed(WorkerLost(f"worker lost {attempts} times"))
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
            if held is not None:
                if result.status == TaskResultStatus.READY:
                    # keep the count of lost runs with the task for its next claim
                    held.worker_id, held.expires_at = "", now
                    held.save(update_fields=["worker_id", "expires_at"])
                else:
                    held.delete()
            logger.warning(
                "task %s (%s): lease lapsed, %s",
                result.id,
                result.task_path,
                result.status.lower(),
            )
            reclaimed.append(str(result.id))
    return reclaimed


def _seconds(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=value)


class Heartbeat(threading.Thread):
    """Renews one task's lease every ``interval`` seconds until stopped (own connection)."""

    def __init__(self, task_id: str, worker_id: str, *, interval: float, lease: float):
        super().__init__(name=f"heartbeat-{task_id}", daemon=True)
        self.task_id, self.worker_id = task_id, worker_id
        self.interval, self.lease = interval, lease
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    renewed = taskrun.retry_locked(self._renew, what="lease heartbeat", attempts=4)
                except Exception:
                    logger.exception("task %s: heartbeat failed", self.task_id)
                    close_old_connections()
                    continue
                if not renewed:
                    logger.error("task %s: lease taken by another worker", self.task_id)
        finally:
            connections.close_all()

    def _renew(self) -> bool:
        expires = timezone.now() + _seconds(self.lease)
        return bool(
            TaskLease.objects.filter(task_id=self.task_id, worker_id=self.worker_id).update(
                expires_at=expires
            )
        )

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 35)


class LeasedWorker(Worker):
    """django-tasks-db's Worker with leases, heartbeats, lock retries and exactly-once runs."""

    def __init__(
        self, *, lease: float, heartbeat: float, max_attempts: int, sweep: float, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.lease, self.heartbeat = lease, heartbeat
        self.max_attempts, self.sweep = max_attempts, sweep
        self._next_sweep = 0.0
        self._delays = None

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> None:
        logger.info(
            "worker %s: lease %ss, heartbeat %ss", self.worker_id, self.lease, self.heartbeat
        )
        ensure_chains()
        while self.running:
            close_old_connections()
            try:
                self._maybe_sweep()
                result = self._claim()
            except Exception as exc:
                if not taskrun.is_transient_db_error(exc):
                    raise
                self._wait_after(exc)
                continue
            self._delays = None
            if result is not None:
                self.run_task(result)
            elif self.batch:
                logger.info("worker %s: no more tasks, exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and result is None:
                time.sleep(self.interval)

    def _wait_after(self, exc: BaseException) -> None:
        if self._delays is None:
            self._delays = taskrun.backoff_delays()
        delay = next(self._delays)
        logger.warning("worker %s: %s; retrying in %.1f s", self.worker_id, exc, delay)
        close_old_connections()
        if self.running:
            time.sleep(delay)

    def _maybe_sweep(self) -> None:
        if time.monotonic() < self._next_sweep:
            return
        reclaim_lapsed(
            backend_name=self.backend_name, lease=self.lease, max_attempts=self.max_attempts
        )
        ensure_chains()
        self._next_sweep = time.monotonic() + self.sweep

    def _claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is None:
                return None
            result.claim(self.worker_id)
            expires = timezone.now() + _seconds(self.lease)
            lease, created = TaskLease.objects.get_or_create(
                task_id=result.id,
                defaults={"worker_id": self.worker_id, "expires_at": expires},
            )
            if not created:  # a run lost before: count it
                lease.worker_id, lease.expires_at = self.worker_id, expires
                lease.attempts += 1
                lease.save(update_fields=["worker_id", "expires_at", "attempts"])
        return result

    # -- one task ----------------------------------------------------------------------------

    def run_task(self, db_task_result: DBTaskResult) -> None:
        task_id = str(db_task_result.id)
        effect = TaskEffect.objects.filter(task_id=task_id).first()
        if effect is not None:  # the effect committed in an earlier, interrupted run
            logger.info("task %s: effect already committed, not run again", task_id)
            self._finish(db_task_result, lambda: db_task_result.set_successful(effect.return_value))
            self._run_tasks += 1
            return
        beat = Heartbeat(task_id, self.worker_id, interval=self.heartbeat, lease=self.lease)
        beat.start()
        try:
            with taskrun.running_task(task_id):
                self._run_reliably(db_task_result)
        finally:
            beat.stop()
            taskrun.retry_locked(
                lambda: TaskLease.objects.filter(task_id=task_id).delete(),
                what="release lease",
                transient=True,
                attempts=20,
            )

    def _run_reliably(self, db_task_result: DBTaskResult) -> None:
        """The library's run_task, with the final status write retried on a locked database."""
        originals = db_task_result.set_successful, db_task_result.set_failed

        def patient(method):
            def call(*args: Any) -> None:
                self._finish(db_task_result, lambda: method(*args))

            return call

        db_task_result.set_successful = patient(originals[0])
        db_task_result.set_failed = patient(originals[1])
        super().run_task(db_task_result)

    def _finish(self, db_task_result: DBTaskResult, write) -> None:
        try:
            taskrun.retry_locked(write, what="record task status", transient=True, attempts=20)
        except IntegrityError:
            logger.exception("task %s: could not record its status", db_task_result.id)
