"""Borrowing (借阅) a text record one has no ground to read: request, decision, grant (JL-USE-2).

One request model for every kind of text record (ADR 0123): documents now, archive units when
the archive registers its kind with :func:`register_borrowable`. A kind says how to find a
record from its id — the agency that holds it (whose heads and custodians decide) and the
label people know it by. The requester picks the record from what he may already see (its
title is in his agency scope, ADR 0065 ground 1); a record he cannot see is answered exactly as
a missing one. Approving or refusing is a head's or a custodian's step-up action, like a
recording's retrieval; nobody decides his own request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.periods import period_errors
from sanxiang.core.permissions import in_scope, require_role, require_scope
from sanxiang.core.readable import may_read
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from .models import BorrowRequest, BorrowScope, BorrowStatus, Document

APPROVER_ROLES = frozenset({Role.HEAD, Role.CUSTODIAN})
DOCUMENT = "documents.document"


@dataclass(frozen=True)
class Borrowable:
    """What a borrow request needs to know about the record it names."""

    agency: Agency
    label: str


# subject type -> function(subject id) -> Borrowable, or None when there is no such record.
_KINDS: dict[str, Callable[[str], Borrowable | None]] = {}


def register_borrowable(subject_type: str, resolver: Callable[[str], Borrowable | None]) -> None:
    """Let an app make its records borrowable, e.g. ``register_borrowable("archive.archiveunit",
    unit_borrowable)`` in the archive's ``AppConfig.ready``."""
    _KINDS[subject_type] = resolver


def borrowable_types() -> frozenset[str]:
    return frozenset(_KINDS)


def _document(subject_id: str) -> Borrowable | None:
    if not str(subject_id).isdigit():
        return None
    document = Document.objects.select_related("agency", "number").filter(pk=subject_id).first()
    if document is None:
        return None
    return Borrowable(agency=document.agency, label=str(document))


register_borrowable(DOCUMENT, _document)


def find(subject_type: str, subject_id: str) -> Borrowable | None:
    resolver = _KINDS.get(subject_type)
    return resolver(str(subject_id)) if resolver is not None else None


def max_days() -> int:
    return int(getattr(settings, "SANXIANG_MAX_BORROW_DAYS", 90))


def grant(
    user: Any, subject_type: str, subject_id: str, at: datetime.datetime | None = None
) -> BorrowRequest | None:
    """The approved request of ``user`` for this record whose period covers ``at`` (default
    now), downloads first; None when there is none (pending, refused and lapsed grant nothing)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    moment = at or timezone.now()
    return (
        BorrowRequest.objects.filter(
            subject_type=subject_type,
            subject_id=str(subject_id),
            requester_id=user.pk,
            status=BorrowStatus.APPROVED,
            valid_from__lte=moment,
            valid_until__gte=moment,
        )
        .order_by("-scope", "-valid_until")
        .first()
    )


def may_decide(user: Any, borrow: BorrowRequest) -> bool:
    return (
        borrow.status == BorrowStatus.PENDING
        and borrow.requester_id != user.pk
        and user.has_role(*APPROVER_ROLES)
        and in_scope(user, borrow.agency)
    )


@transaction.atomic
def borrow_request_create(
    *,
    actor: Staff,
    subject_type: str,
    subject_id: str,
    purpose: str,
    scope: str,
    valid_from: datetime.datetime | None,
    valid_until: datetime.datetime | None,
) -> BorrowRequest:
    """JL-USE-2: ask to read a record for a stated purpose, way and period."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    errors: dict[str, list[str]] = {}
    subject_id = str(subject_id or "").strip()
    record = None
    if subject_type in _KINDS and subject_id and may_read(actor, subject_type, subject_id):
        record = find(subject_type, subject_id)
    if record is None:
        errors["subject"] = [_("请选择要借阅的材料。")]
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("请说明借阅事由。")]
    if scope not in BorrowScope.values:
        errors["scope"] = [_("请选择借阅方式。")]
    if not valid_from:
        errors["valid_from"] = [_("请填写借阅起始时间。")]
    if not valid_until:
        errors["valid_until"] = [_("请填写借阅截止时间。")]
    errors |= period_errors(valid_from, valid_until, longest_days=max_days(), verb=_("借阅"))
    if errors:
        raise ValidationError(errors)
    borrow = BorrowRequest(
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=record.label[:200],
        agency=record.agency,
        requester=actor,
        purpose=purpose[:300],
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    clean_and_save(borrow)
    ledger_append(
        actor=actor,
        action="borrow.request",
        obj=borrow,
        details={
            "subject": f"{subject_type}:{subject_id}",
            "scope": scope,
            "valid_until": valid_until.isoformat(),
        },
    )
    return borrow


@transaction.atomic
def borrow_decide(
    *, actor: Staff, borrow: BorrowRequest, approve: bool, note: str = ""
) -> BorrowRequest:
    """JL-USE-2: a head or a custodian of the holding agency approves or refuses."""
    borrow = BorrowRequest.objects.select_for_update().select_related("agency").get(pk=borrow.pk)
    require_role(actor, APPROVER_ROLES, _("审批借阅申请"))
    require_scope(actor, borrow.agency)
    if borrow.requester_id == actor.pk:
        raise PermissionDenied(_("不能审批本人的借阅申请。"))
    if borrow.status != BorrowStatus.PENDING:
        raise ValidationError({"status": [_("该申请已审批，不能重复审批。")]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("不予批准时请说明理由。")]})
    borrow.status = BorrowStatus.APPROVED if approve else BorrowStatus.REFUSED
    borrow.decided_by = actor
    borrow.decided_at = timezone.now()
    borrow.decision_note = note[:300]
    borrow.save()
    ledger_append(
        actor=actor,
        action="borrow.approve" if approve else "borrow.refuse",
        obj=borrow,
        details={
            "subject": f"{borrow.subject_type}:{borrow.subject_id}",
            "requester_id": borrow.requester_id,
            "valid_until": borrow.valid_until.isoformat(),
        },
    )
    return borrow
