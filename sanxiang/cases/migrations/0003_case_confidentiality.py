"""JL-ARC-2: a case's confidentiality level. Existing cases against a natural person become
personal data (the default a new one gets); every case whose row still matches its last
ledger event is rebased with one system event, as evidence 0003 did (ledger/upgrade.py)."""

from django.db import migrations, models


def classify_existing(apps, schema_editor):
    from sanxiang.ledger.upgrade import rebase_new_columns

    Case = apps.get_model("cases", "Case")
    Case.objects.filter(party_kind="individual").update(confidentiality="personal")
    rebase_new_columns(apps, "cases.Case", ("confidentiality",), "case.digest_rebase")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_initial'),
        ('documents', '0002_confidentiality_classified'),
        ('ledger', '0003_register_covered_rows'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='confidentiality',
            field=models.CharField(choices=[('ordinary', '普通'), ('personal', '含个人信息'), ('trade_secret', '商业秘密'), ('state_secret', '国家秘密')], default='ordinary', max_length=20, verbose_name='密级'),
        ),
        migrations.RunPython(classify_existing, migrations.RunPython.noop),
    ]
