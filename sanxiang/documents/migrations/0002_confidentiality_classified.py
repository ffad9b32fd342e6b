"""JL-ARC-2: a document's confidentiality level, and the registration of state-secret items by
reference (涉密件登记, ADR 0128). Existing documents are ordinary; each whose row still matches its
last ledger event is rebased with one system event (ledger/upgrade.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rebase(apps, schema_editor):
    from sanxiang.ledger.upgrade import rebase_new_columns

    rebase_new_columns(apps, "documents.Document", ("confidentiality",), "document.digest_rebase")


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
        ('org', '0003_privilege_requests'),
        ('ledger', '0003_register_covered_rows'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='confidentiality',
            field=models.CharField(choices=[('ordinary', '普通'), ('personal', '含个人信息'), ('trade_secret', '商业秘密'), ('state_secret', '国家秘密')], default='ordinary', max_length=20, verbose_name='密级'),
        ),
        migrations.CreateModel(
            name='ClassifiedRegistration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject_type', models.CharField(max_length=60, verbose_name='所属对象类型')),
                ('subject_id', models.CharField(max_length=64, verbose_name='所属对象ID')),
                ('item_kind', models.CharField(choices=[('document', '执法文书'), ('recording', '音像记录'), ('other', '其他材料')], max_length=20, verbose_name='材料类别')),
                ('type_code', models.CharField(blank=True, max_length=40, verbose_name='文书种类')),
                ('title', models.CharField(max_length=200, verbose_name='题名')),
                ('register_number', models.CharField(max_length=80, verbose_name='涉密件登记编号')),
                ('custodian_unit', models.CharField(max_length=200, verbose_name='保管单位')),
                ('location', models.CharField(max_length=200, verbose_name='存放位置')),
                ('digest_algorithm', models.CharField(choices=[('sm3', 'SM3'), ('sha256', 'SHA-256')], default='sm3', max_length=10, verbose_name='摘要算法')),
                ('digest', models.CharField(max_length=64, verbose_name='原件摘要值')),
                ('registered_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agency', verbose_name='登记机构')),
                ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
            ],
            options={
                'verbose_name': '涉密件登记',
                'verbose_name_plural': '涉密件登记',
                'ordering': ['registered_at', 'pk'],
                'indexes': [models.Index(fields=['subject_type', 'subject_id'], name='documents_c_subject_1dd231_idx')],
                'constraints': [models.UniqueConstraint(fields=('agency', 'register_number'), name='uniq_classified_register_number')],
            },
        ),
        migrations.RunPython(rebase, migrations.RunPython.noop),
    ]
