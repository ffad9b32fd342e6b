"""Publish approved catalog versions whose effective date has come (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from sanxiang.catalog.services import catalog_publish_due
from sanxiang.core.audit import audit_context


class Command(BaseCommand):
    help = "公布已到生效日期的已批准目录版本"

    def handle(self, *args, **options):
        with audit_context(channel="command"):
            published = catalog_publish_due()
        for version in published:
            self.stdout.write(f"已公布：{version}（{version.effective_from:%Y-%m-%d} 起施行）")
        self.stdout.write(self.style.SUCCESS(f"共公布 {len(published)} 个版本。"))
