"""Expire unfinished uploads past their time and remove their partial files."""

from django.core.management.base import BaseCommand

from sanxiang.core.audit import audit_context
from sanxiang.evidence.ingest import expire_stale_uploads


class Command(BaseCommand):
    help = "清理超过期限仍未完成的上传任务（删除其临时文件，状态记为已过期并记入账本）。"

    def handle(self, *args, **options):
        with audit_context(channel="command"):
            count = expire_stale_uploads()
        self.stdout.write(f"已清理 {count} 个过期上传任务。")
