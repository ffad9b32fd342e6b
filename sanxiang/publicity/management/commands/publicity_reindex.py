"""Rebuild the portal's search table from the released versions (derived data, ADR 0050)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sanxiang.publicity.models import Publication, PublicEntry
from sanxiang.publicity.services.release import _index
from sanxiang.publicity.workflow import FINAL


class Command(BaseCommand):
    help = "按现行公示版本重建结果公示检索表"

    def handle(self, *args, **options):
        with transaction.atomic():
            PublicEntry.objects.all().delete()
            live = (
                Publication.objects.filter(live_version__isnull=False)
                .exclude(status__in=FINAL)
                .select_related("agency", "live_version")
            )
            count = 0
            for publication in live.iterator(chunk_size=500):
                _index(publication, publication.live_version)
                count += 1
        self.stdout.write(self.style.SUCCESS(f"已重建 {count} 条检索条目。"))
