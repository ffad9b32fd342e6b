"""Permission checks that services share: roles and agency scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def is_superuser(actor: Any) -> bool:
    return bool(actor is not None and actor.is_active and actor.is_superuser)


def require_role(actor: Any, roles: frozenset[str] | set[str], action: str) -> None:
    """Raise PermissionDenied unless the actor holds one of ``roles`` (superusers always may)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    if is_superuser(actor) or actor.has_role(*roles):
        return
    raise PermissionDenied(_("您没有%(action)s的权限。") % {"action": action})


def in_scope(actor: Any, agency: Any) -> bool:
    """Whether ``agency`` is the actor's own agency or one below it."""
    if is_superuser(actor):
        return True
    own = getattr(actor, "agency", None)
    return bool(own is not None and agency is not None and agency.path.startswith(own.path))


def require_scope(actor: Any, agency: Any) -> None:
    if not in_scope(actor, agency):
        raise PermissionDenied(_("该机构不在您的管辖范围内。"))
