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
from django.db.models import Max

OLD_EXCLUDED = ("last_login",)
NEW_EXCLUDED = ("last_login", "password")


def rebase_staff_digests(apps, schema_editor):
    from sanxiang.ledger.services import ledger_append, object_digest

    Staff = apps.get_model("org", "Staff")
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    last_seqs = (
        LedgerEntry.objects.filter(object_type="org.staff")
        .order_by()
        .values("object_id")
        .annotate(last=Max("seq"))
        .values_list("last", flat=True)
    )
    events = (
        LedgerEntry.objects.filter(seq__in=list(last_seqs))
        .exclude(object_digest="")
        .order_by("seq")
        .values_list("seq", "object_id", "object_digest")
    )
    for seq, object_id, digest in events:
        staff = Staff.objects.filter(pk=int(object_id)).first()
        if staff is None or object_digest(staff, excluded=OLD_EXCLUDED) != digest:
            continue
        ledger_append(
            actor=None,
            action="staff.digest_rebase",
            object_type="org.staff",
            object_id=object_id,
            digest=object_digest(staff, excluded=NEW_EXCLUDED),
            details={"excluded_fields": list(NEW_EXCLUDED), "previous_seq": seq},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("ledger", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(rebase_staff_digests, migrations.RunPython.noop)]
