"""Run one batch of the periodic 四性检测 (ADR 0136), e.g. from cron; ``--schedule`` starts the
nightly chain instead."""

from django.core.management.base import BaseCommand

from sanxiang.archive import tasks


class Command(BaseCommand):
    help = "定期四性检测：检测一批已归档案卷（最久未检测的优先）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="本次检测的案卷数")
        parser.add_argument("--schedule", action="store_true", help="启动每晚定期检测")

    def handle(self, *args, limit=None, schedule=False, **options):
        if schedule:
            when = tasks.fixity_schedule()
            self.stdout.write(f"scheduled: {when}" if when else "already scheduled")
            return
        runs = tasks.fixity_run(limit)
        failed = sum(1 for r in runs if not r.passed)
        self.stdout.write(f"checked {len(runs)} units, {failed} failed")
