"""Writes of result publication: drafts, redaction, review, approval and release, revisions,
withdrawal, expiry. One transaction each; every state change is a ledger event.

GS-POST-1 / GS-REQ-3: drafts carry their due date from the calendar service. GS-REQ-2: the
editor confirms the redaction, a second person reviews, the head approves, and approval
publishes on the portal, in open data and in the feed at once (the search entry is written in
the same transaction). GS-POST-2: withdrawal within 3 working days with its reason, a
tombstone in place of the record; revisions keep every released version.

Re-exported here so that callers import ``sanxiang.publicity.services``; the modules split by
workflow: ``drafts``, ``editing`` (values and redaction), ``release`` (review, approval,
publication, revision) and ``withdrawal`` (withdrawal and expiry); ``common`` holds what they
share.
"""

from .common import S
from .drafts import (
    COERCIVE_CASE_MEASURES,
    COERCIVE_ONSITE_MEASURES,
    drafts_backfill,
    publication_draft_for_case,
    publication_draft_for_inspection,
    publication_draft_for_licensing,
    publication_draft_for_measure,
    publication_manual_create,
)
from .editing import publication_confirm, publication_edit, redaction_add, redaction_set
from .release import (
    public_entry_for,
    publication_approve,
    publication_return,
    publication_review,
    publication_revise,
)
from .withdrawal import (
    publication_expire,
    publication_withdraw,
    publication_withdrawal_reject,
    publication_withdrawal_request,
    publications_expire_due,
)

__all__ = [
    "COERCIVE_CASE_MEASURES",
    "COERCIVE_ONSITE_MEASURES",
    "S",
    "drafts_backfill",
    "public_entry_for",
    "publication_approve",
    "publication_confirm",
    "publication_draft_for_case",
    "publication_draft_for_inspection",
    "publication_draft_for_licensing",
    "publication_draft_for_measure",
    "publication_edit",
    "publication_expire",
    "publication_manual_create",
    "publication_return",
    "publication_review",
    "publication_revise",
    "publication_withdraw",
    "publication_withdrawal_reject",
    "publication_withdrawal_request",
    "publications_expire_due",
    "redaction_add",
    "redaction_set",
]
