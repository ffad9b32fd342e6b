"""The on-site measures' stored rectification due dates, for the recompute when a year's
arrangement is loaded (``core.deadline_recompute``, ADR 0096)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, pending
from sanxiang.core.workdays import add_days

from .models import OnsiteMeasure


def stored_deadlines(since):
    measures = OnsiteMeasure.objects.filter(
        pending("due_on", "due_provisional", since), days__isnull=False, verification=""
    ).select_related("inspection", "created_by")
    for measure in measures:
        yield StoredDeadline(
            obj=measure,
            date_field="due_on",
            flag_field="due_provisional",
            label=_("整改期限"),
            compute=lambda m=measure: add_days(m.inspection.inspected_on, m.days, for_party=True),
            for_party=True,
            owners=[measure.created_by],
            link=reverse("inspections:inspection_detail", args=[measure.inspection_id]),
        )
