"""Writes of the legal review: submission and resubmission, assignment, receipt, checklist,
hearing the party or investigating, the head's extension, the written opinion, disagreement and
the heads' collective decision.

One service per row of ``workflow.py``. Each checks the row and who may take it, validates every
field (all errors at once, nothing saved on error), changes state, appends the ledger event and
enqueues follow-up work (the alerts of the review) on commit. A passed review reaches the case
only through ``cases.gate.review_clearance_record``. No superuser shortcut: the reviewer acts as
a legal reviewer, the case side as the case's officers or its agency's heads, collective
decisions by heads (SH-RESP-4, SH-RESP-5: every act is someone's).

Re-exported here so that callers import ``sanxiang.review.services``; the modules split by
workflow: ``submission`` (送审), ``office`` (the review office's steps) and ``opinion``;
``common`` holds what they share, the disagreement procedure (``disagreement.py``) included.
"""

from .common import is_case_side
from .office import (
    checklist_fields,
    checklist_save,
    inquiry_record,
    review_assign,
    review_extend,
    review_receive,
    review_return_incomplete,
)
from .opinion import opinion_issue
from .submission import (
    DECLARATION,
    OWN_DOCUMENTS,
    is_stale,
    latest_case_report,
    materials_of,
    review_resubmit,
    review_submit,
    review_withdraw,
)

__all__ = [
    "DECLARATION",
    "OWN_DOCUMENTS",
    "checklist_fields",
    "checklist_save",
    "inquiry_record",
    "is_case_side",
    "is_stale",
    "latest_case_report",
    "materials_of",
    "opinion_issue",
    "review_assign",
    "review_extend",
    "review_receive",
    "review_resubmit",
    "review_return_incomplete",
    "review_submit",
    "review_withdraw",
]
