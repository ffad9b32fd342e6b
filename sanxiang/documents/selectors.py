"""Reads for the borrowing pages, cut to what the user may see (ADR 0065, 0123)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanxiang.org.models import Staff

from .borrowing import APPROVER_ROLES
from .models import BorrowRequest, BorrowStatus, Document


def borrowable_documents(*, user: Staff) -> QuerySet[Document]:
    """The documents whose existence the user may see (the picker of the request form)."""
    return (
        Document.objects.restrict(user)
        .select_related("number", "agency")
        .order_by("-issued_at", "-pk")
    )


def borrow_list(*, user: Staff) -> QuerySet[BorrowRequest]:
    """Own requests (with the decision on them); approvers also those of their agency scope."""
    rows = BorrowRequest.objects.select_related("requester", "decided_by", "agency")
    own = Q(requester_id=user.pk)
    if user.has_role(*APPROVER_ROLES):
        return rows.filter(own | Q(pk__in=BorrowRequest.objects.restrict(user).values("pk")))
    return rows.filter(own)


def borrow_get(*, user: Staff, pk: int) -> BorrowRequest:
    return borrow_list(user=user).get(pk=pk)


def borrow_pending_for(*, user: Staff) -> list[BorrowRequest]:
    """Requests waiting for this user's decision (not his own)."""
    if not user.has_role(*APPROVER_ROLES):
        return []
    return list(
        BorrowRequest.objects.restrict(user)
        .filter(status=BorrowStatus.PENDING)
        .exclude(requester_id=user.pk)
        .select_related("requester__agency")
        .order_by("requested_at")
    )
