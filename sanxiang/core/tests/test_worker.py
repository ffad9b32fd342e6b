"""ADR 0082: the background worker survives a kill, a locked database and its own restarts.

The kill test runs real ``manage.py task_worker`` processes on a copy of the test database
(SQLite: ``VACUUM INTO`` a file; PostgreSQL: the test database itself) and SIGKILLs them
mid-task."""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sanxiang.core import taskrun, worker
from sanxiang.core.models import TaskEffect, TaskLease
from sanxiang.core.tests import worker_probe

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LEASE = 2.0


class SharedDatabase:
    """The test database as the worker processes see it, and a reader for the test."""

    def __init__(self, folder: Path):
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = folder / "shared.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(self.path)])
            self.url = f"sqlite:///{self.path}"
        else:
            self.path = None
            user, host = settings["USER"], settings["HOST"] or "127.0.0.1"
            self.url = f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        with sqlite3.connect(self.path, timeout=30) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def task(self, task_id: str) -> tuple[str, list, object]:
        key = uuid.UUID(task_id).hex if self.path else task_id
        status, workers, value = self.rows(
            "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult"
            " WHERE id = %s",
            [key],
        )[0]
        load = json.loads if isinstance(workers, str) else (lambda v: v)
        return status, load(workers), load(value) if value is not None else None

    def effects(self, label: str) -> int:
        return self.rows(
            "SELECT COUNT(*) FROM ledger_ledgerentry WHERE action = %s AND object_id = %s",
            [worker_probe.PROBE_ACTION, label],
        )[0][0]


def start_worker(db: SharedDatabase, folder: Path, name: str) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": db.url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SANXIANG_DATA_DIR": str(folder / "data"),
        "SANXIANG_TASK_BACKEND": "db",
        "DJANGO_SECRET_KEY": "worker-test-secret-key-not-for-production-0123456789",
    }
    command = [sys.executable, "manage.py", "task_worker", "--worker-id", name]
    command += ["--lease", str(LEASE), "--heartbeat", "0.3", "--sweep", "0.3"]
    command += ["--interval", "0.1", "--no-startup-delay", "--no-reload"]
    log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until(predicate, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.single_pass
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_task_finishes_exactly_once_after_restart(tmp_path):
    folder = str(tmp_path)
    with override_settings(TASKS=DB_TASKS):
        a = worker_probe.probe.using(priority=10).enqueue(folder, "a", "before")
        b = worker_probe.probe.enqueue(folder, "b", "after")
    db = SharedDatabase(tmp_path)
    # Three workers start together: two take the two tasks, the third stays idle.
    workers = {name: start_worker(db, tmp_path, name) for name in ("w1", "w2", "w3")}
    try:
        wait_until(lambda: (tmp_path / "a-started-1").exists(), "a worker to start task a")
        wait_until(lambda: (tmp_path / "b-committed-1").exists(), "a worker to commit task b")
        by_pid = {process.pid: name for name, process in workers.items()}
        holder_a = by_pid[int((tmp_path / "a-started-1").read_text())]
        holder_b = by_pid[int((tmp_path / "b-started-1").read_text())]
        [idle] = set(workers) - {holder_a, holder_b}

        # Both run longer than a lease: their heartbeats keep them; the idle worker takes
        # neither, and nothing is run twice.
        time.sleep(LEASE * 1.5)
        assert db.task(a.id)[0] == db.task(b.id)[0] == "RUNNING"
        assert not list(tmp_path.glob("*-started-2"))

        # Killed mid-task: a before its effect, b after its effect but before it was marked.
        for name in (holder_a, holder_b):
            workers[name].send_signal(signal.SIGKILL)
            workers[name].wait(timeout=10)
        assert db.task(a.id)[0] == db.task(b.id)[0] == "RUNNING"

        wait_until(lambda: (tmp_path / "a-started-2").exists(), "the idle worker to take over a")
        assert db.effects("a") == 0
        (tmp_path / "a-go-2").write_text("")
        wait_until(lambda: db.task(a.id)[0] == "SUCCESSFUL", "task a to finish")
        wait_until(lambda: db.task(b.id)[0] == "SUCCESSFUL", "task b to be marked finished")

        assert db.task(a.id) == ("SUCCESSFUL", [holder_a, idle], "a done")
        assert db.task(b.id) == ("SUCCESSFUL", [holder_b], "b done")  # not run again
        assert db.effects("a") == 1 and db.effects("b") == 1
        assert not (tmp_path / "b-started-2").exists()
        # A worker releases its lease just after it records the status (heartbeat stopped
        # first), so the last lease goes a moment after task a reads as finished.
        wait_until(
            lambda: db.rows("SELECT COUNT(*) FROM core_tasklease") == [(0,)],
            "every lease to be released",
            limit=10.0,
        )

        # A graceful stop: the worker exits cleanly (and would run its shutdown hooks).
        workers[idle].send_signal(signal.SIGTERM)
        assert workers[idle].wait(timeout=30) == 0
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def _worker(**overrides) -> worker.LeasedWorker:
    options = {
        "lease": 60.0,
        "heartbeat": 10.0,
        "max_attempts": 3,
        "sweep": 0.0,
        "queue_names": ["default"],
        "interval": 0.0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return worker.LeasedWorker(**{**options, **overrides})


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_is_waited_out_not_fatal(monkeypatch, tmp_path):
    """The loop retries with backoff where the library's db_worker exited."""
    monkeypatch.setattr(taskrun, "backoff_delays", lambda **_: iter([0.01] * 10))
    real_claim = worker.LeasedWorker._claim
    failures = iter([OperationalError("database is locked")] * 3)

    def flaky_claim(self):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_claim(self)

    monkeypatch.setattr(worker.LeasedWorker, "_claim", flaky_claim)
    with override_settings(TASKS=DB_TASKS):
        result = worker_probe.probe.enqueue(str(tmp_path), "c", "none")
        _worker().run()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL and stored.return_value == "c done"
    assert TaskEffect.objects.filter(task_id=result.id).exists()

    monkeypatch.setattr(
        worker.LeasedWorker,
        "_claim",
        lambda self: (_ for _ in ()).throw(OperationalError("no such table: x")),
    )
    with pytest.raises(OperationalError):  # a real error is not swallowed
        _worker().run()


@pytest.mark.django_db(transaction=True)
def test_lapsed_leases_are_reclaimed_live_ones_kept_and_lost_runs_counted():
    now = timezone.now()
    with override_settings(TASKS=DB_TASKS):
        results = [worker_probe.probe.enqueue("/nonexistent", label) for label in "wxyz"]
    rows = {r.id: DBTaskResult.objects.get(id=r.id) for r in results}
    for row in rows.values():
        row.claim("gone")
    live, lapsed, done, worn = (str(r.id) for r in results)
    TaskLease.objects.create(
        task_id=live, worker_id="alive", expires_at=now + datetime.timedelta(60)
    )
    TaskLease.objects.create(task_id=lapsed, worker_id="gone", expires_at=now)
    TaskLease.objects.create(task_id=done, worker_id="gone", expires_at=now)
    TaskEffect.objects.create(task_id=done, task_path="x", return_value="z done")
    TaskLease.objects.create(task_id=worn, worker_id="gone", expires_at=now, attempts=3)

    reclaimed = worker.reclaim_lapsed(backend_name="default", lease=60, max_attempts=3)
    assert sorted(reclaimed) == sorted([lapsed, done, worn])
    status = {str(r.id): r.status for r in DBTaskResult.objects.all()}
    assert status[live] == "RUNNING" and status[lapsed] == "READY"
    assert status[done] == "SUCCESSFUL" and status[worn] == "FAILED"
    assert TaskLease.objects.get(task_id=lapsed).attempts == 1  # counted at the next claim


@pytest.mark.django_db
def test_shutdown_hooks_run_and_a_failing_one_is_only_logged(caplog):
    calls.clear()
    hooks = [f"{__name__}.record_shutdown", f"{__name__}.failing_hook"]
    with override_settings(SANXIANG_WORKER_SHUTDOWN_HOOKS=hooks):
        worker.worker_shutdown()
    assert calls == ["shutdown"] and "failing_hook" in caplog.text


calls: list[str] = []


def record_shutdown() -> None:
    calls.append("shutdown")


def failing_hook() -> None:
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_chains_are_started_once_and_a_re_run_tick_does_not_start_a_second(
    django_capture_on_commit_callbacks,
):
    from sanxiang.ledger.models import Checkpoint
    from sanxiang.ledger.tasks import checkpoint_tick
    from sanxiang.publicity.tasks import publicity_tick

    def pending(task):
        return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").count()

    with override_settings(TASKS=DB_TASKS):
        for _ in range(2):  # the worker's start and a later sweep
            with django_capture_on_commit_callbacks(execute=True):
                worker.ensure_chains()
        assert pending(checkpoint_tick) == pending(publicity_tick) == 1

        # A tick reclaimed from a lost worker runs again while its successor already waits:
        # it does its (idempotent) work and enqueues nothing.
        tick = DBTaskResult.objects.get(task_path=publicity_tick.module_path)
        tick.claim("w")
        assert pending(publicity_tick) == 0
        with taskrun.running_task(str(tick.id)), django_capture_on_commit_callbacks(execute=True):
            publicity_tick.call()  # first run: enqueues its successor
        assert pending(publicity_tick) == 1
        with taskrun.running_task(str(tick.id)), django_capture_on_commit_callbacks(execute=True):
            publicity_tick.call()  # the same tick run again after a lost worker
        assert pending(publicity_tick) == 1

        signed = Checkpoint.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint_tick.call()
            checkpoint_tick.call()  # a re-run signs nothing new
        assert Checkpoint.objects.count() - signed <= 1
        assert pending(checkpoint_tick) == 1
