"""``manage.py complaints_purge``: remove unused upload grants, their uploads and old
rate-limit marks of the public intake (run daily from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from sanxiang.complaints.services.intake import intake_purge


class Command(BaseCommand):
    help = "清理未使用的举报附件上传凭证、上传任务和过期的频率计数。"

    def handle(self, *args, **options):
        removed = intake_purge()
        self.stdout.write(f"已清理 {removed} 个未使用的上传凭证。")
