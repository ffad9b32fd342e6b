"""Review, approval and release: a second person reviews, the head approves, and approval
publishes on the portal, in open data and in the feed at once, with its search entry; revisions
keep every released version (GS-REQ-2, GS-POST-2).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Agency, Staff

from .. import redaction, rules, search
from ..fields import (
    KIND_FIELD,
    OUTCOME_FIELD,
    layout,
)
from ..models import (
    Publication,
    PublicationVersion,
    PublicEntry,
)
from .common import _begin, _digest, _record, _text, _today


@transaction.atomic
def publication_review(*, actor: Staff, publication: Publication, opinion: str = "") -> Publication:
    """GS-REQ-2 (审查): a second person checks the public version; never the one who confirmed."""
    publication, transition, _reason = _begin(actor, publication, "review")
    if publication.confirmed_by_id == actor.pk and not is_superuser(actor):
        raise PermissionDenied(_("确认区分处理的人员不能审查自己确认的公示。"))
    publication.reviewed_by, publication.reviewed_at = actor, timezone.now()
    with in_legal_language():  # recorded as the opinion
        publication.review_opinion = (_text(opinion) or _("同意公开。"))[:500]
    return _record(actor, publication, transition, opinion=publication.review_opinion)


@transaction.atomic
def publication_return(*, actor: Staff, publication: Publication, reason: str) -> Publication:
    publication, transition, reason = _begin(actor, publication, "return", reason)
    publication.status_reason = reason
    publication.confirmed_by = publication.confirmed_at = None
    publication.reviewed_by = publication.reviewed_at = None
    return _record(actor, publication, transition, reason)


def _agency_ids(agency: Agency) -> list[int]:
    return [int(part) for part in agency.path.strip("/").split("/") if part.isdigit()]


def _amount(value) -> Decimal | None:
    """The fine in 万元 as a number, for sorting and summing on the portal (None if not one)."""
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None
    return amount if amount is not None and amount.is_finite() and amount >= 0 else None


def _index(publication: Publication, version: PublicationVersion) -> PublicEntry:
    """Write the search entry of the live version (public values only)."""
    PublicEntry.objects.filter(publication=publication).delete()
    entry = public_entry_for(publication, version)
    entry.save(force_insert=True)
    return entry


def public_entry_for(publication: Publication, version: PublicationVersion) -> PublicEntry:
    """The search entry (unsaved) that the live ``version`` of ``publication`` makes: derived
    data, which ``ledger_verify`` rebuilds this way to check the table (ADR 0060)."""
    values = version.public_fields
    decision_date = publication.decided_on
    if values.get("decision_date"):
        decision_date = datetime.date.fromisoformat(values["decision_date"])
    texts = [
        values.get(item.key, "")
        for item in layout(publication.category)
        if item.search and values.get(item.key)
    ]
    return PublicEntry(
        id=search.sort_key(decision_date, publication.pk),
        publication=publication,
        version=version,
        agency=publication.agency,
        category=publication.category,
        region=publication.region,
        mine=publication.mine,
        decision_date=decision_date,
        published_at=version.published_at,
        party_name=values.get("party_name", "")[:200],
        document_number=values.get("decision_number", "")[:200],
        kind_text=values.get(KIND_FIELD[publication.category], "")[:500],
        outcome=values.get(OUTCOME_FIELD[publication.category], "")[:300],
        fine_amount=_amount(values.get("fine_amount")),
        document_key=search.document_key(values.get("decision_number", ""))[:200] or None,
        terms=search.document_tokens(
            texts,
            search.filter_tokens(
                category=publication.category,
                agency_ids=_agency_ids(publication.agency),
                region=publication.region,
            ),
        ),
    )


def _publish(actor: Staff | None, publication: Publication) -> Publication:
    publication, transition, _reason = _begin(actor, publication, "publish")
    now = timezone.now()
    view = redaction.public_view(publication)
    previous = publication.live_version
    if previous is not None:
        previous.superseded_at = now
        previous.save()
    version = PublicationVersion.objects.create(
        publication=publication,
        number=publication.revision,
        public_fields=view.values,
        withheld=view.withheld,
        digest=_digest(view.values),
        change_note=publication.change_note,
        approved_by=publication.approved_by,
        published_at=now,
    )
    publication.live_version = version
    publication.first_published_at = publication.first_published_at or now
    until = view.values.get("publicity_until") or publication.fields.get("publicity_until")
    publication.publicity_until = datetime.date.fromisoformat(until) if until else None
    _index(publication, version)
    from ..corrections import error_reports_mark_corrected

    corrected = error_reports_mark_corrected(publication) if previous is not None else 0
    return _record(
        actor,
        publication,
        transition,
        version=version.number,
        **({"corrects_reports": corrected} if corrected else {}),
        public_digest=version.digest,
        on_time=timezone.localdate(now) <= publication.due_on,
        due_on=publication.due_on,
        publicity_until=publication.publicity_until,
    )


@transaction.atomic
def publication_approve(
    *, actor: Staff, publication: Publication, opinion: str = ""
) -> Publication:
    """GS-REQ-2: the head approves; the result is published at once (portal, open data, feed)."""
    publication, transition, _reason = _begin(actor, publication, "approve")
    publication.approved_by, publication.approved_at = actor, timezone.now()
    with in_legal_language():  # recorded as the opinion
        publication.approval_opinion = (_text(opinion) or _("同意公开。"))[:500]
    _record(actor, publication, transition, opinion=publication.approval_opinion)
    return _publish(actor, publication)


@transaction.atomic
def publication_revise(*, actor: Staff, publication: Publication, reason: str) -> Publication:
    """GS-POST-2: start a new version of a published result; the released one stays visible
    until the new one is approved. Due 20 working days after the change (GS-REQ-3)."""
    publication, transition, reason = _begin(actor, publication, "revise", reason)
    previous = publication.revision
    publication.revision = previous + 1
    publication.change_note = reason
    publication.status_reason = ""
    for field_name in (
        "confirmed_by",
        "confirmed_at",
        "reviewed_by",
        "reviewed_at",
        "approved_by",
        "approved_at",
    ):
        setattr(publication, field_name, None)
    due = rules.revision_due(_today())
    publication.due_on, publication.due_provisional = due.date, due.provisional
    for mark in publication.redactions.filter(revision=previous):
        mark.pk = None
        mark.revision = publication.revision
        mark.save()
    return _record(actor, publication, transition, reason, due_on=publication.due_on)
