"""ADR 0096 for licensing: whether an application's due dates are provisional
(counted over a year whose holidays are not loaded yet, recomputed when they are). Every row
still matching its last ledger event is rebased with one system event (ledger/upgrade.py)."""

from django.db import migrations, models


def rebase(apps, schema_editor):
    from sanxiang.ledger.upgrade import rebase_new_columns

    rebase_new_columns(apps, "licensing.Application", ("acceptance_due_provisional", "decision_due_provisional", "licence_due_provisional"), "ledger.digest_rebase")


class Migration(migrations.Migration):

    dependencies = [
        ('licensing', '0001_initial'),
        ('ledger', '0003_register_covered_rows'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='acceptance_due_provisional',
            field=models.BooleanField(default=False, verbose_name='受理决定期限为暂定'),
        ),
        migrations.AddField(
            model_name='application',
            name='decision_due_provisional',
            field=models.BooleanField(default=False, verbose_name='许可决定期限为暂定'),
        ),
        migrations.AddField(
            model_name='application',
            name='licence_due_provisional',
            field=models.BooleanField(default=False, verbose_name='发证期限为暂定'),
        ),
        migrations.RunPython(rebase, migrations.RunPython.noop),
    ]
