"""The statistics count rows per month instead of per day (ADR 0243).

The daily rows already in the table are added up into their months here, so an installation
needs no ``statistics_recount`` for this change (the migration reads only this table)."""

from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import TruncMonth


def days_into_months(apps, schema_editor):
    StatisticsCount = apps.get_model("supervision", "StatisticsCount")
    rows = list(
        StatisticsCount.objects.order_by()
        .annotate(first=TruncMonth("month"))
        .values("indicator", "agency_id", "first")
        .annotate(total=Sum("value"))
    )
    StatisticsCount.objects.all().delete()
    StatisticsCount.objects.bulk_create(
        (
            StatisticsCount(
                indicator=row["indicator"],
                agency_id=row["agency_id"],
                month=row["first"],
                value=row["total"],
            )
            for row in rows
            if row["total"]
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_statistics_counts"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="statisticscount",
            name="statistics_count_unique",
        ),
        migrations.RemoveIndex(
            model_name="statisticscount",
            name="supervision_indicat_b95335_idx",
        ),
        migrations.RenameField(
            model_name="statisticscount",
            old_name="day",
            new_name="month",
        ),
        migrations.AlterField(
            model_name="statisticscount",
            name="month",
            field=models.DateField(help_text="该月第一天", verbose_name="月份"),
        ),
        migrations.AddConstraint(
            model_name="statisticscount",
            constraint=models.UniqueConstraint(
                fields=("indicator", "agency", "month"), name="statistics_count_month_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="statisticscount",
            index=models.Index(
                fields=["month", "indicator", "agency"], name="statistics_count_month_idx"
            ),
        ),
        # last: on PostgreSQL no ALTER TABLE may follow the rows' deferred foreign-key checks
        migrations.RunPython(days_into_months, migrations.RunPython.noop),
    ]
