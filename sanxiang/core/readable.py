"""Who may read which record, asked by object type: one registry for every reader (ADR 0065).

A record is readable by a user exactly when the selector of the app that owns it returns it
for that user. Code that holds only a reference to a record — ``(object_type, object_id)`` as
in a ledger entry — asks here instead of guessing a scope of its own:

* an app whose selector differs from the plain agency scope registers it, in its
  ``AppConfig.ready``, with :func:`register_readable` (recordings: scope, team or an approved
  retrieval; legal advisers: own agencies plus the shared pool; published catalogs of the
  superior agencies; …);
* any other model with a ``scope_path_lookup`` follows the agency scope (``restrict``), which
  is what its app's selectors apply;
* a model with neither is readable by superusers only (fail closed).

``object_type`` is ``app_label.modelname`` in lower case, as the ledger writes it.

This answers for a record's *metadata*. Its *content* — a recording played, a document's PDF
opened — needs a ground besides (ADR 0065 grounds 2–5 and 13–15): the grounds of the record's
subject live in ``core/grounds.py``, recordings decide in ``evidence/access.py``, documents in
``documents/access.py`` (ADR 0123).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .permissions import is_superuser

Rule = Callable[[Any], QuerySet]

_RULES: dict[str, Rule] = {}


def register_readable(object_type: str, rule: Rule) -> None:
    """``rule(user)`` returns every row of ``object_type`` that ``user`` may read."""
    _RULES[object_type] = rule


def registered_types() -> frozenset[str]:
    return frozenset(_RULES)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def readable_queryset(user: Any, object_type: str) -> QuerySet | None:
    """The rows of ``object_type`` that ``user`` may read, or None when no rule covers the type
    (then only superusers may read it)."""
    rule = _RULES.get(object_type)
    if rule is not None:
        return rule(user)
    model = _model(object_type)
    if model is None or getattr(model, "scope_path_lookup", None) is None:
        return None
    manager = model._default_manager
    if not hasattr(manager, "restrict"):
        return None
    return manager.restrict(user)


def may_read(user: Any, object_type: str, object_id: str) -> bool:
    """Whether ``user`` may read the record ``object_type:object_id`` (a record that no longer
    exists is readable by superusers only)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_superuser(user):
        return True
    rows = readable_queryset(user, object_type)
    if rows is None or not object_id:
        return False
    try:
        return rows.filter(pk=object_id).exists()
    except (ValueError, TypeError, ValidationError):
        return False


def in_agency_scope(user: Any, agency_id: int | None) -> bool:
    """Whether ``agency_id`` is the user's own agency or one below it (superusers: always)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_superuser(user):
        return True
    own = getattr(user, "agency", None)
    if own is None or agency_id is None:
        return False
    agency_model = type(own)
    return agency_model.objects.filter(pk=agency_id, path__startswith=own.path).exists()
