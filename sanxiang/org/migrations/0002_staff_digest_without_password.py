"""Staff digests no longer cover ``password`` (ADR 0004): re-register each untouched staff row.

Until now a staff row's ledger digest covered every column but ``last_login``. Rows recorded
that way would all read as "changed outside the services" once ``password`` leaves the digest,
so each staff row whose live content still has its last event's old-style digest gets one
``staff.digest_rebase`` event (actor: the system) carrying the new-style digest. A row that
does *not* match its old digest is left alone, so ``ledger_verify`` keeps reporting it: the
change is not laundered by the upgrade. The ledger only grows; reversing this migration
appends nothing and removes nothing.
"""

from django.db import migrations

OLD_EXCLUDED = ("last_login",)
NEW_EXCLUDED = ("last_login", "password")


def rebase_staff_digests(apps, schema_editor):
    from sanxiang.ledger.rebase import rebase_digests

    rebase_digests(
        apps,
        model="org.Staff",
        action="staff.digest_rebase",
        old_excluded=OLD_EXCLUDED,
        new_excluded=NEW_EXCLUDED,
        details={"excluded_fields": list(NEW_EXCLUDED)},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("ledger", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(rebase_staff_digests, migrations.RunPython.noop)]
