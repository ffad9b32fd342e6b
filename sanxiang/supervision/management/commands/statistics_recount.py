"""Rebuild the statistics count rows from the records (ADR 0172): after a restore, a bulk load
that bypassed the services, or the first deployment of the count rows."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sanxiang.supervision.statistics.counts import recount_all


class Command(BaseCommand):
    help = "Rebuild the enforcement statistics count rows from the records."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = recount_all()
        self.stdout.write(f"{written} count rows")
