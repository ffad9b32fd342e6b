"""Writes of 投诉举报: one service per row of ``workflow.TRANSITIONS`` and per in-state action.

Re-exported here so that callers import ``sanxiang.complaints.services``; the modules split by
workflow: ``intake`` (public form, phone/letter registration, abuse protection), ``handling``
(the staff steps), ``files`` (quarantine, ClamAV scan, metadata stripping, adoption).
"""

from .files import complaint_file_adopt, complaint_files_scan, strip_metadata
from .handling import (
    complaint_assign,
    complaint_convert_inspection,
    complaint_decline,
    complaint_escalate,
    complaint_link_case,
    complaint_reply,
    complaint_reward_record,
    complaint_take,
    complaint_transfer,
    complaint_verify,
)
from .intake import (
    IntakeRefused,
    complaint_register,
    complaint_submit,
    complaint_submit_by_mine,
    grant_issue,
    pow_challenge,
    pow_spend,
    query_code_check,
    throttle_hit,
)

__all__ = [
    "IntakeRefused",
    "complaint_assign",
    "complaint_convert_inspection",
    "complaint_decline",
    "complaint_escalate",
    "complaint_file_adopt",
    "complaint_files_scan",
    "complaint_link_case",
    "complaint_register",
    "complaint_reply",
    "complaint_reward_record",
    "complaint_submit",
    "complaint_submit_by_mine",
    "complaint_take",
    "complaint_transfer",
    "complaint_verify",
    "grant_issue",
    "pow_challenge",
    "pow_spend",
    "query_code_check",
    "strip_metadata",
    "throttle_hit",
]
