"""Permission-restricted querysets: every list and detail is cut to what the user may see.

Modelled on NetBox's ``RestrictedQuerySet.restrict(user, action)``. A model states how it
hangs off the agency tree with ``scope_path_lookup`` (for example ``"agency__path"`` or
``"supervising_agency__path"``); a user sees rows whose agency is his own or one below
it. Superusers see everything. Anonymous users see nothing: the public portal has its own
public selectors that only ever return published data.
"""

from __future__ import annotations

from typing import Any

from django.db import models

VIEW = "view"
CHANGE = "change"


def user_scope_path(user: Any) -> str | None:
    """The agency-tree path a user may see under, or None when he may see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    agency = getattr(user, "agency", None)
    return agency.path if agency is not None else None


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> RestrictedQuerySet:
        if action not in (VIEW, CHANGE):
            raise ValueError(f"unknown action {action!r}")
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        path = user_scope_path(user)
        if path is None:
            return self.none()
        lookup = getattr(self.model, "scope_path_lookup", None)
        if lookup is None:
            raise TypeError(f"{self.model.__name__} declares no scope_path_lookup")
        return self.filter(**{f"{lookup}__startswith": path})


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass
