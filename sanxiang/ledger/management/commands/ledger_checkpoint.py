"""Sign a checkpoint of the ledger now, or start the periodic checkpoint task."""

import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.audit import audit_context
from sanxiang.ledger import services, tasks


class Command(BaseCommand):
    help = "立即签署账本检查点；--schedule 启动定时签署任务"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-grown", action="store_true", help="日志自上个检查点以来没有增长时不签署"
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="向任务队列提交定时检查点任务（已有待执行的则不重复提交）",
        )

    def handle(self, *args, if_grown: bool, schedule: bool, **options):
        if schedule:
            self._schedule()
            return
        try:
            with audit_context(channel="command"):
                checkpoint = services.checkpoint_sign(only_if_grown=if_grown)
        except (ImproperlyConfigured, services.LedgerInconsistentError) as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            self.stdout.write("日志自上个检查点以来没有增长，未签署新检查点。")
            return
        self.stdout.write(self.style.SUCCESS(f"已签署检查点，树大小 {checkpoint.tree_size}："))
        self.stdout.write(checkpoint.note, ending="")

    def _schedule(self) -> None:
        if not tasks.scheduling_supported():
            raise CommandError(
                "当前任务后端不能定时执行任务；请改用 cron 等定时运行 "
                "manage.py ledger_checkpoint --if-grown。"
            )
        scheduled = tasks.checkpoint_schedule(delay=datetime.timedelta(0))
        if scheduled is None:
            self.stdout.write("已有待执行的定时检查点任务，未重复提交。")
        else:
            interval = int(tasks.checkpoint_interval().total_seconds())
            self.stdout.write(
                self.style.SUCCESS(
                    f"已提交定时检查点任务：立即执行一次，此后每 {interval} 秒一次。"
                )
            )
