"""Re-registering digests when the columns a digest covers change (for data migrations).

A ledger digest covers a row's columns. When a migration adds a column to a covered model (or
takes one out of the digest), every existing row would read as "changed outside the services".
Each row whose live content still matches its last event's digest computed the old way gets
one rebase event (actor: the system) with the digest computed the new way. A row that does not
match is left alone, so ``ledger_verify`` keeps reporting it: the change is not laundered by
the upgrade. The ledger only grows; a migration reversing this appends and removes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max


def rebase_digests(
    apps: Any,
    *,
    model: str,
    action: str,
    old_excluded: Sequence[str],
    new_excluded: Sequence[str],
    details: dict[str, Any],
    secret: Sequence[str] = (),
) -> int:
    """Append ``action`` for every untouched row of ``model`` ("app_label.ModelName")."""
    from .services import ledger_append, object_digest

    Model = apps.get_model(model)
    object_type = Model._meta.label_lower
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    last_seqs = (
        LedgerEntry.objects.filter(object_type=object_type)
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
    rebased = 0
    for seq, object_id, digest in events:
        row = Model.objects.filter(pk=int(object_id)).first()
        if (
            row is None
            or object_digest(row, excluded=tuple(old_excluded), secret=tuple(secret)) != digest
        ):
            continue
        ledger_append(
            actor=None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            digest=object_digest(row, excluded=tuple(new_excluded), secret=tuple(secret)),
            details={**details, "previous_seq": seq},
        )
        rebased += 1
    return rebased
