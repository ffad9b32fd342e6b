"""Who may see the enforcement statistics, and which agency a request is about."""

from __future__ import annotations

from typing import Any

from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Agency
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role


def may_see_statistics(user: Any) -> bool:
    """Heads answer for the three systems (BZ-1) and superior agencies supervise their
    subordinates (the agency scope of the querysets); system administrators support them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_superuser(user) or user.has_role(Role.HEAD, *ORG_ADMIN_ROLES)


def statistics_agency(*, user: Any, agency_id: int | None) -> Agency | None:
    """The agency asked for if the user sees it, else his own (a superuser: the top agency)."""
    scope = Agency.objects.restrict(user).order_by("path")
    if agency_id is not None:
        agency = scope.filter(pk=agency_id).first()
        if agency is not None:
            return agency
    own = getattr(user, "agency", None)
    if own is not None:
        return own
    return scope.filter(parent__isnull=True).first()


def breadcrumbs(*, user: Any, agency: Agency) -> list[Agency]:
    """The agency's ancestors the user sees, top first, then the agency."""
    chain = []
    current = agency
    while current is not None:
        chain.append(current)
        current = current.parent
    visible = set(
        Agency.objects.restrict(user)
        .filter(pk__in=[a.pk for a in chain])
        .values_list("pk", flat=True)
    )
    return [a for a in reversed(chain) if a.pk in visible]
