"""The publication's stored due dates, for the recompute when a year's arrangement is loaded
(``core.deadline_recompute``, ADR 0096)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, pending

from . import rules
from .models import Publication


def stored_deadlines(since):
    # A first publication runs from its decision date; a revision's period ran from the day
    # of the change, which is not stored, so revisions keep their provisional date.
    for publication in Publication.objects.filter(
        pending("due_on", "due_provisional", since), revision=1, live_version__isnull=True
    ).select_related("created_by"):
        yield StoredDeadline(
            obj=publication,
            date_field="due_on",
            flag_field="due_provisional",
            label=_("公示期限"),
            compute=lambda p=publication: rules.publication_due(p.category, p.decided_on),
            owners=[publication.created_by],
            link=reverse("publicity:detail", args=[publication.pk]),
        )
    for publication in Publication.objects.filter(
        pending("withdrawal_due", "withdrawal_due_provisional", since),
        revoked_on__isnull=False,
        withdrawn_at__isnull=True,
    ).select_related("created_by"):
        yield StoredDeadline(
            obj=publication,
            date_field="withdrawal_due",
            flag_field="withdrawal_due_provisional",
            label=_("撤下期限"),
            compute=lambda d=publication.revoked_on: rules.withdrawal_due(d),
            owners=[publication.created_by],
            link=reverse("publicity:detail", args=[publication.pk]),
        )
