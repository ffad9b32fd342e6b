"""Run the system's periodic jobs once, or in a loop beside the web server (`make run`).

Each job is an ordinary management command that is safe to repeat (idempotent): deadline
reminders and escalations, catalog versions reaching their effective date, publication
clocks, ledger checkpoints, storage fixity, abandoned uploads. A production deployment
runs ``manage.py run_periodic`` from cron or a systemd timer instead of ``--loop``.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# (command, arguments, run every N loop rounds); a round is --interval seconds.
JOBS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("catalog_publish_due", (), 1),
    ("review_alerts", (), 1),
    ("publicity_tick", (), 1),
    ("ledger_checkpoint", ("--if-grown",), 1),
    ("evidence_expire_uploads", (), 6),
    ("evidence_fixity", (), 144),
)


class Command(BaseCommand):
    help = "运行定期任务（期限提醒、到期公布、账本检查点、存储核验等）；--loop 持续运行"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔 --interval 秒一轮")
        parser.add_argument("--interval", type=int, default=600, help="每轮间隔秒数（默认600）")

    def handle(self, *args, loop: bool = False, interval: int = 600, **options):
        if loop:  # sign a checkpoint over the newest entries when stopped (ADR 0062)
            from sanxiang.ledger.lag import install_shutdown_checkpoint

            install_shutdown_checkpoint(sigterm=True)
        round_number = 0
        while True:
            for name, arguments, every in JOBS:
                if round_number % every:
                    continue
                try:
                    call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
                except CommandError as problems:  # a job that found problems says so and fails
                    self.stderr.write(f"{name} 报告了问题：{problems}")
                except Exception as exc:  # one failing job must not stop the others
                    self.stderr.write(f"{name} 运行失败：{exc!r}")
            if not loop:
                return
            round_number += 1
            time.sleep(interval)
