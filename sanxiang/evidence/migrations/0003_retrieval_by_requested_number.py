"""A retrieval request names the record number asked for; the link to the recording is made by
the decision (ADR 0065), so a request looks the same whether or not the number exists.

Existing requests keep their link and get ``requested_id`` = their recording. Their ledger
digests covered every column, so each request whose live row still matches its last event's
digest (computed without the new column) gets one ``retrieval.digest_rebase`` event (actor: the
system) with the digest that covers it, as ``org/0002`` did for staff. A row that does not match
is left alone, so ``ledger_verify`` keeps reporting it. The ledger only grows: reversing this
migration appends and removes nothing.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

NEW_COLUMN = ("requested_id",)


def fill_requested_id(apps, schema_editor):
    RetrievalRequest = apps.get_model("evidence", "RetrievalRequest")
    RetrievalRequest.objects.update(requested_id=F("recording_id"))


def rebase_digests(apps, schema_editor):
    from sanxiang.ledger.rebase import rebase_digests as rebase

    rebase(
        apps,
        model="evidence.RetrievalRequest",
        action="retrieval.digest_rebase",
        old_excluded=NEW_COLUMN,
        new_excluded=(),
        details={"added_fields": list(NEW_COLUMN)},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_statutory_requirements"),
        ("ledger", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="retrievalrequest",
            name="requested_id",
            field=models.BigIntegerField(null=True, verbose_name="申请调阅的记录号"),
        ),
        migrations.AlterField(
            model_name="retrievalrequest",
            name="recording",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="retrievals",
                to="evidence.recording",
                verbose_name="音像记录",
            ),
        ),
        migrations.RunPython(fill_requested_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="retrievalrequest",
            name="requested_id",
            field=models.BigIntegerField(db_index=True, verbose_name="申请调阅的记录号"),
        ),
        migrations.RunPython(rebase_digests, migrations.RunPython.noop),
    ]
