"""The dashboard panel of inspections and cases: what waits for the user, and the alerts."""

from django import template

from sanxiang.core.permissions import is_superuser
from sanxiang.inspections import selectors as inspection_selectors
from sanxiang.org.roles import Role

from .. import selectors

register = template.Library()


@register.inclusion_tag("cases/_dashboard.html", takes_context=True)
def cases_dashboard(context):
    """SH-SCOPE-1 alerts (emergency measures awaiting their review), my cases and follow-ups."""
    user = context["request"].user
    if not (is_superuser(user) or user.has_role(Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER)):
        return {"show": False}
    rows = selectors.my_cases(user=user)
    return {
        "show": True,
        "alerts": list(selectors.post_review_alerts(user=user)[:10]),
        "waiting": [r for r in rows if r.next_steps][:10],
        "overdue": [d for r in rows for d in r.deadlines if d.overdue],
        "follow_ups": list(inspection_selectors.follow_ups_due(user=user)[:5]),
    }
