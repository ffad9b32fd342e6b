"""Reads of 督办 and 问责, cut to scope; the heads' dashboard panels (BZ-1)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from ..models_notices import AccountabilityRecord, NoticeStatus, SupervisionNotice
from . import targets


def notice_list(*, user: Staff, status: str = "") -> QuerySet[SupervisionNotice]:
    rows = SupervisionNotice.objects.restrict(user).select_related(
        "agency", "issuing_agency", "issued_by", "replied_by"
    )
    return rows.filter(status=status) if status else rows


def notice_get(*, user: Staff, pk: int) -> SupervisionNotice:
    return notice_list(user=user).get(pk=pk)


def notices_for_head(*, user: Staff) -> QuerySet[SupervisionNotice]:
    """A head's open work: notices his agency or those below must answer, and replies to the
    notices his agency issued that wait for him to close them."""
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        return SupervisionNotice.objects.none()
    rows = notice_list(user=user)
    if is_superuser(user) or user.agency is None:
        return rows.exclude(status=NoticeStatus.CLOSED).order_by("due_on", "pk")
    return rows.filter(
        Q(status=NoticeStatus.OPEN)
        | Q(status=NoticeStatus.REPLIED, issuing_agency__path__startswith=user.agency.path)
    ).order_by("due_on", "pk")


def overdue_items(*, user: Staff, today: datetime.date | None = None) -> list:
    """Overdue records in the head's agency and below, of every kind that can be overdue."""
    today = today or timezone.localdate()
    out = []
    for object_type, target in targets.target_types().items():
        rows = [r for r in target.candidates(user, today)[:50] if target.overdue(r, today)]
        out.extend((object_type, target, r) for r in rows)
    return out


def accountability_list(*, user: Staff) -> QuerySet[AccountabilityRecord]:
    return AccountabilityRecord.objects.restrict(user).select_related("agency", "person", "notice")


def accountability_get(*, user: Staff, pk: int) -> AccountabilityRecord:
    return accountability_list(user=user).get(pk=pk)
