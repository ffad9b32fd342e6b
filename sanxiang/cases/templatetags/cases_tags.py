"""The dashboard panel of inspections and cases: what waits for the user, and the alerts."""

from django import template

from sanxiang.core.permissions import is_superuser
from sanxiang.inspections import selectors as inspection_selectors
from sanxiang.org.roles import Role

from .. import selectors
from ..branches import branch_reminders, case_limit_reminders
from ..models import ProposalKind
from ..next_step import next_step

register = template.Library()


@register.inclusion_tag("cases/_dashboard.html", takes_context=True)
def cases_dashboard(context):
    """SH-SCOPE-1 alerts (emergency measures awaiting their review), my cases and follow-ups."""
    user = context["request"].user
    if not (is_superuser(user) or user.has_role(Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER)):
        return {"show": False}
    from sanxiang.review import selectors as review_selectors

    rows = selectors.my_cases(user=user)
    to_submit = {
        item.case.pk: item.proposal.pk
        for item in review_selectors.submittable(user=user)
        if item.proposal.kind != ProposalKind.EMERGENCY_MEASURE
    }
    in_review, returned = review_selectors.reviews_under_way([r.case for r in rows])
    waiting = []
    for row in rows:
        step = next_step(
            user, row.case, to_submit=to_submit, in_review=in_review, returned=returned
        )
        if step is not None:
            waiting.append({"row": row, "step": step})
    return {
        "show": True,
        "alerts": list(selectors.post_review_alerts(user=user)[:10]),
        "waiting": waiting[:10],
        "overdue": [d for r in rows for d in r.deadlines if d.overdue],
        "follow_ups": list(inspection_selectors.follow_ups_due(user=user)[:5]),
        "limit_reminders": case_limit_reminders([r.case for r in rows])[:10],
        "branch_reminders": branch_reminders([r.case for r in rows])[:10],
    }
