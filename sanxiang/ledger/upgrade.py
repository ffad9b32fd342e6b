"""Bring a database written before the table walk under it (migration ``ledger 0003``, ADR 0060).

Before ADR 0060 some covered tables had no events (catalog items, roles, links, rows loaded by
data migrations such as the statutory recording requirements), events listed no child rows,
and the staff digest left the password out. Once, at the upgrade:

* a row of an ``OWN_EVENTS`` table without any event gets a ``ledger.register`` event with
  its digest;
* a staff row whose content still has its last event's old digest (no password) gets a
  ``ledger.digest_rebase`` event with the new digest (password as keyed MAC); a row that does
  not match stays reported — the upgrade launders no change made before it;
* each parent object whose last event lists no child rows gets a ``ledger.register`` event
  that lists them, carrying the parent's *last recorded* digest (not a fresh one), so a
  parent changed before the upgrade stays reported.

Rows registered here were not checked before (nothing walked their tables); the events say
so (``details.registered_at_upgrade``). On a fresh database only the rows the data
migrations load are registered.
"""

from __future__ import annotations

from django.apps import apps as live_apps
from django.db.models import Max

from . import coverage
from .rebase import rebase_digests
from .services import ledger_append, object_digest

OLD_STAFF_EXCLUDED = ("last_login", "password")


def _digest(model, row) -> str:
    real = live_apps.get_model(model._meta.label_lower)
    return object_digest(
        row,
        excluded=getattr(real, "ledger_excluded_fields", ()),
        secret=getattr(real, "ledger_secret_fields", ()),
    )


def _listing(apps, label: str, pk) -> dict[str, dict[str, str]]:
    listing: dict[str, dict[str, str]] = {}
    for child in coverage.children_of(label):
        model = apps.get_model(child.label)
        if child.via:
            parents = [int(p) for p in listing.get(child.via, {})]
            rows = list(model._base_manager.filter(**{f"{child.fk}__in": parents}))
        else:
            rows = list(model._base_manager.filter(**{child.fk: pk}))
        listing[child.label] = {
            str(r.pk): _digest(model, r) for r in sorted(rows, key=lambda r: r.pk)
        }
    return listing


def register_existing(apps, schema_editor) -> None:
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    for label in sorted(coverage.OWN_EVENTS):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        last = dict(
            LedgerEntry.objects.filter(object_type=label)
            .order_by()
            .values("object_id")
            .annotate(last=Max("seq"))
            .values_list("object_id", "last")
        )
        carrier = bool(coverage.children_of(label))
        for row in model._base_manager.order_by("pk"):
            oid = str(row.pk)
            seq = last.get(oid)
            details: dict = {"registered_at_upgrade": True}
            if seq is None:
                if carrier:
                    details["rows"] = _listing(apps, label, row.pk)
                ledger_append(
                    actor=None,
                    action="ledger.register",
                    object_type=label,
                    object_id=oid,
                    digest=_digest(model, row),
                    details=details,
                )
                continue
            entry = LedgerEntry.objects.get(seq=seq)
            digest = entry.object_digest
            old_style = label == "org.staff" and digest
            if old_style and object_digest(row, excluded=OLD_STAFF_EXCLUDED, secret=()) == digest:
                digest = _digest(model, row)
                ledger_append(
                    actor=None,
                    action="ledger.digest_rebase",
                    object_type=label,
                    object_id=oid,
                    digest=digest,
                    details={"previous_seq": seq, "secret_fields": ["password"]},
                )
            if carrier and '"rows":' not in entry.body and digest:
                details["rows"] = _listing(apps, label, row.pk)
                ledger_append(
                    actor=None,
                    action="ledger.register",
                    object_type=label,
                    object_id=oid,
                    digest=digest,
                    details=details,
                )


def rebase_new_columns(apps, label: str, new_columns: tuple[str, ...], action: str) -> int:
    """After a migration adds ``new_columns`` to the covered table ``label``: each row whose live
    content, without the new columns, still has its last event's digest gets one ``action``
    event with the digest that covers them (``rebase.rebase_digests``), computed with the
    model's own exclusions and keyed fields.

    Used by ``documents 0002`` and ``cases 0003`` (the confidentiality level, JL-ARC-2).
    Returns how many rows were rebased.
    """
    real = live_apps.get_model(label)
    excluded = tuple(getattr(real, "ledger_excluded_fields", ()))
    return rebase_digests(
        apps,
        model=label,
        action=action,
        old_excluded=excluded + new_columns,
        new_excluded=excluded,
        secret=tuple(getattr(real, "ledger_secret_fields", ())),
        details={"added_fields": list(new_columns)},
    )
