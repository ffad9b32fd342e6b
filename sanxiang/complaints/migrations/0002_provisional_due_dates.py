"""ADR 0096 for complaints: the day a complaint was assigned and whether its verification due date is provisional
(counted over a year whose holidays are not loaded yet, recomputed when they are). Every row
still matching its last ledger event is rebased with one system event (ledger/upgrade.py)."""

from django.db import migrations, models


def rebase(apps, schema_editor):
    from sanxiang.ledger.upgrade import rebase_new_columns

    rebase_new_columns(apps, "complaints.Complaint", ("assigned_on", "verify_due_provisional"), "ledger.digest_rebase")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0001_initial'),
        ('ledger', '0003_register_covered_rows'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='assigned_on',
            field=models.DateField(blank=True, null=True, verbose_name='交办日期'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='verify_due_provisional',
            field=models.BooleanField(default=False, verbose_name='核查期限为暂定'),
        ),
        migrations.RunPython(rebase, migrations.RunPython.noop),
    ]
