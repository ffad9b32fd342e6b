"""Daily work of result publication (run from cron, or scheduled as a task with --schedule)."""

from django.core.management.base import BaseCommand

from sanxiang.publicity import tasks


class Command(BaseCommand):
    help = "补建遗漏的结果公示草稿、结束到期的公示、1月生成上一年度统计年报草稿"

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="把每日任务排入后台任务队列（次日1时起）"
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            when = tasks.tick_schedule()
            self.stdout.write(f"已排入：{when}" if when else "当前任务后端不支持定时，未排入。")
            return
        counts = tasks.run_daily()
        self.stdout.write(
            self.style.SUCCESS(
                f"补建草稿 {counts['drafts']} 件，公示期满 {counts['expired']} 件，"
                f"生成年报草稿 {counts['reports']} 份。"
            )
        )
