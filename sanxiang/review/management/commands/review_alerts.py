"""Raise review reminders and escalations as of today (run daily, e.g. from cron)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.audit import audit_context
from sanxiang.review.alerts import alerts_refresh


class Command(BaseCommand):
    help = "法制审核期限提醒：即将届满的提醒审核人员，已超期的报负责人；重复运行不会重复提醒。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        with audit_context(channel="command"):
            run = alerts_refresh(today=today)
        for alert in run.raised:
            self.stdout.write(f"新提醒：{alert.message}")
        self.stdout.write(
            self.style.SUCCESS(f"新增提醒 {len(run.raised)} 条，解除 {len(run.resolved)} 条。")
        )
