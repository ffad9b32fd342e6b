"""Withdrawal within 3 working days with its reason and basis, a tombstone in place of the record
(GS-POST-2), and expiry at the end of the publicity period.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.org.models import Staff

from .. import rules
from ..models import (
    Publication,
    PublicEntry,
    WithdrawalReason,
)
from .common import S, _add, _begin, _record, _text, _today


def _withdrawal_details(
    publication: Publication,
    *,
    reason_kind: str | None,
    revoked_on: datetime.date | None,
    basis: str | None,
    errors: dict[str, list[str]],
) -> None:
    if reason_kind is not None:
        if reason_kind not in WithdrawalReason.values:
            _add(errors, "reason_kind", _("请选择撤下事由。"))
        else:
            publication.withdrawal_reason_kind = reason_kind
    elif not publication.withdrawal_reason_kind:
        _add(errors, "reason_kind", _("请选择撤下事由。"))
    if revoked_on is not None:
        if not isinstance(revoked_on, datetime.date) or revoked_on > _today():
            _add(errors, "revoked_on", _("日期不能晚于今天。"))
        elif revoked_on < publication.decided_on:
            _add(errors, "revoked_on", _("日期不能早于原决定日期。"))
        else:
            publication.revoked_on = revoked_on
    publication.revoked_on = publication.revoked_on or _today()
    if basis is not None:
        publication.withdrawal_basis = _text(basis)[:200]
    due = rules.withdrawal_due(publication.revoked_on)
    publication.withdrawal_due, publication.withdrawal_due_provisional = due.date, due.provisional


@transaction.atomic
def publication_withdrawal_request(
    *,
    actor: Staff,
    publication: Publication,
    reason_kind: str,
    reason: str,
    revoked_on: datetime.date | None = None,
    basis: str = "",
) -> Publication:
    """GS-POST-2: ask the head to take a published result down (3 working days from the day
    the decision was revoked, changed or found unlawful, ``rules.withdrawal_due``)."""
    publication, transition, reason = _begin(actor, publication, "request_withdrawal", reason)
    errors: dict[str, list[str]] = {}
    _withdrawal_details(
        publication, reason_kind=reason_kind, revoked_on=revoked_on, basis=basis, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    publication.withdrawal_reason = reason
    publication.withdrawal_requested_by, publication.withdrawal_requested_at = actor, timezone.now()
    return _record(
        actor,
        publication,
        transition,
        reason,
        reason_kind=publication.withdrawal_reason_kind,
        revoked_on=publication.revoked_on,
        withdrawal_due=publication.withdrawal_due,
    )


@transaction.atomic
def publication_withdrawal_reject(
    *, actor: Staff, publication: Publication, reason: str
) -> Publication:
    publication, transition, reason = _begin(actor, publication, "reject_withdrawal", reason)
    publication.withdrawal_due = None
    publication.withdrawal_due_provisional = False
    return _record(actor, publication, transition, reason)


@transaction.atomic
def publication_withdraw(
    *,
    actor: Staff,
    publication: Publication,
    reason: str,
    reason_kind: str | None = None,
    revoked_on: datetime.date | None = None,
    basis: str | None = None,
) -> Publication:
    """GS-POST-2: the head takes the result down. Search, feed and open data drop it in this
    transaction; its page becomes a tombstone (what, when, why, on whose approval)."""
    publication, transition, reason = _begin(actor, publication, "withdraw", reason)
    errors: dict[str, list[str]] = {}
    _withdrawal_details(
        publication, reason_kind=reason_kind, revoked_on=revoked_on, basis=basis, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    publication.withdrawal_reason = reason
    publication.withdrawn_by, publication.withdrawn_at = actor, now
    PublicEntry.objects.filter(publication=publication).delete()
    late = (
        publication.withdrawal_due is not None
        and timezone.localdate(now) > publication.withdrawal_due
    )
    return _record(
        actor,
        publication,
        transition,
        reason,
        reason_kind=publication.withdrawal_reason_kind,
        revoked_on=publication.revoked_on,
        basis=publication.withdrawal_basis,
        withdrawal_due=publication.withdrawal_due,
        late=late,
        was_public=publication.was_public,
    )


@transaction.atomic
def publication_expire(*, publication: Publication) -> Publication:
    """GS-POST-2: publicity ends at 公示截止期 (system)."""
    publication, transition, _reason = _begin(None, publication, "expire")
    publication.expired_at = timezone.now()
    PublicEntry.objects.filter(publication=publication).delete()
    return _record(None, publication, transition, publicity_until=publication.publicity_until)


def publications_expire_due(*, today: datetime.date | None = None) -> list[Publication]:
    """Every published result whose 公示截止期 has passed (run daily)."""
    today = today or _today()
    due = Publication.objects.filter(status=S.PUBLISHED, publicity_until__lt=today)
    return [publication_expire(publication=p) for p in due]
