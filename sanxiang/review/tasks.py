"""Background work of the review: keeping the due-date reminders and escalations current.

``manage.py review_alerts`` runs the same sweep from cron or a systemd timer every morning
(django-tasks has no scheduler of its own); the services enqueue a refresh of one review when
they commit a change to it.
"""

from __future__ import annotations

from django_tasks import task

from sanxiang.core.audit import audit_context


@task()
def review_alerts_task(review_id: int | None = None) -> dict:
    """SH-RESP-2, SH-SCOPE-1: raise and resolve the review alerts (one review, or all)."""
    from .alerts import alerts_refresh
    from .models import Review

    with audit_context(channel="task"):
        review = Review.objects.filter(pk=review_id).first() if review_id else None
        if review_id and review is None:
            return {"raised": 0, "resolved": 0}
        run = alerts_refresh(review=review)
    return {"raised": len(run.raised), "resolved": len(run.resolved)}
