"""``manage.py task_worker``: the background worker to run (ADR 0082).

django-tasks-db's ``db_worker`` with leases and heartbeats, retries on a locked database,
exactly-once runs, kept-alive task chains and a graceful-shutdown hook
(``sanxiang.core.worker``). Same options as ``db_worker``, plus ``--lease``,
``--heartbeat``, ``--max-attempts`` and ``--sweep`` (``--reload`` is accepted and ignored: a
reloaded worker would abandon its task). Run it under a supervisor that restarts
it (``tools/run-server.sh`` loops; the README has a systemd unit).
"""

from __future__ import annotations

import math
from argparse import ArgumentTypeError

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import logger as library_logger

from sanxiang.core.worker import LeasedWorker, logger, worker_shutdown


def positive_seconds(value: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ArgumentTypeError("须为正数（秒）")
    return number


class Command(DbWorkerCommand):
    help = "运行后台任务进程（租约与心跳、数据库锁重试、任务不重复执行）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=positive_seconds,
            default=settings.SANXIANG_TASK_LEASE_SECONDS,
            help="租约时长（秒）：心跳停止这么久后，任务才会被其他进程接手",
        )
        parser.add_argument(
            "--heartbeat",
            type=positive_seconds,
            default=None,
            help="心跳间隔（秒，默认为租约的六分之一）",
        )
        parser.add_argument("--max-attempts", type=int, default=5, help="任务最多被接手几次")
        parser.add_argument(
            "--sweep", type=positive_seconds, default=None, help="检查过期租约的间隔（秒）"
        )

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        logger.setLevel(library_logger.level)
        if not logger.hasHandlers() and library_logger.handlers:
            logger.addHandler(library_logger.handlers[0])

    def handle(self, *, lease, heartbeat, max_attempts, sweep, reload, **options):
        self.configure_logging(options["verbosity"])
        if lease <= (heartbeat or 0):
            raise CommandError("租约须长于心跳间隔。")
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = LeasedWorker(
            lease=lease,
            heartbeat=heartbeat or lease / 6,
            max_attempts=max_attempts,
            sweep=sweep or min(lease / 2, 60.0),
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        try:
            worker.run()
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise  # forced (second signal): no hooks
        worker_shutdown()
