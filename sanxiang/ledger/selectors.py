"""Reads of the ledger: an object's history, as its page shows it."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import LedgerEntry
from .services import object_type_of


def object_history(obj: models.Model) -> QuerySet[LedgerEntry]:
    """Who did what to ``obj`` and when, oldest first."""
    return LedgerEntry.objects.filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    ).order_by("seq")
