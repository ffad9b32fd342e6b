"""Reads of the annual target assessment: the unit sees its own sheets; an agency above sees a
sheet only once it has been reported (ADR 0167; the one reading rule, registered in apps)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Staff

from ..models_notices import AssessmentLine, AssessmentSheet, AssessmentStatus


def sheet_list(*, user: Staff) -> QuerySet[AssessmentSheet]:
    rows = AssessmentSheet.objects.restrict(user).select_related("agency", "approved_by")
    if is_superuser(user):
        return rows
    return rows.filter(Q(agency_id=user.agency_id) | Q(status=AssessmentStatus.PUBLISHED))


def sheet_get(*, user: Staff, pk: int) -> AssessmentSheet:
    return sheet_list(user=user).get(pk=pk)


def line_list(*, user: Staff) -> QuerySet[AssessmentLine]:
    return AssessmentLine.objects.filter(sheet__in=sheet_list(user=user))
