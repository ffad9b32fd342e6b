"""The holds panel of the unit page (ADR 0130), so the page needs one line to show it."""

from django import template

from sanxiang.core.permissions import in_scope, is_superuser

from ..holds import HOLD_KEEPERS, active_holds

register = template.Library()


@register.inclusion_tag("archive/unit_holds.html", takes_context=True)
def unit_holds(context, unit):
    user = context["request"].user
    keeper = in_scope(user, unit.agency) and (is_superuser(user) or user.has_role(*HOLD_KEEPERS))
    return {
        "unit": unit,
        "holds": list(active_holds(unit)) if unit.status in ("filed", "destroyed") else [],
        "keeper": keeper and unit.status == "filed",
        "tombstone": getattr(unit, "tombstone", None) if unit.status == "destroyed" else None,
    }
