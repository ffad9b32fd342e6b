"""The complaints' stored verification due dates, for the recompute when a year's arrangement
is loaded (``core.deadline_recompute``, ADR 0096)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.deadline_recompute import StoredDeadline, pending

from . import rules
from .models import Complaint
from .workflow import ComplaintStatus


def stored_deadlines(since):
    # Rows assigned before the assignment day was stored cannot be counted again: they keep
    # their date (and were never marked provisional).
    complaints = Complaint.objects.filter(
        pending("verify_due", "verify_due_provisional", since),
        status=ComplaintStatus.VERIFYING,
        assigned_on__isnull=False,
    ).select_related("assigned_to")
    for complaint in complaints:
        yield StoredDeadline(
            obj=complaint,
            date_field="verify_due",
            flag_field="verify_due_provisional",
            label=_("举报核查期限"),
            compute=lambda c=complaint: rules.verify_due(
                c.category, involves_deaths=c.involves_deaths, assigned_on=c.assigned_on
            )[0],
            owners=[complaint.assigned_to],
            link=reverse("complaints:detail", args=[complaint.pk]),
        )
