"""Writes to evidence: devices, uploads and recordings, custody, retrieval approval, access, alerts.

Every function is one transaction that checks permission and scope, validates every field
(all errors at once, in Chinese), changes state and appends the ledger event. The byte
streaming of uploads lives in ``ingest.py``; it calls the upload services here for each state
change (creation, completion, rejection, termination).

Re-exported here so that callers import ``sanxiang.evidence.services``; the modules split by
workflow: ``devices``, ``recordings`` (metadata and derived files), ``uploads`` and ``access``
(retrieval approval, access records and alerts); ``common`` holds what they share.
"""

from .access import (
    MAX_RECORD_NUMBER,
    alert_acknowledge,
    recording_access,
    retrieval_decide,
    retrieval_request_create,
)
from .common import CUSTODY_ROLES, DEVICE_ROLES, LINKABLE_SUBJECTS, UPLOADER_ROLES
from .devices import DEVICE_FIELDS, device_register, device_update
from .recordings import (
    METADATA_FIELDS,
    derived_file_add,
    may_edit_recording,
    recording_assign_custodian,
    recording_create_from_stream,
    recording_set_confidentiality,
    recording_update,
    recording_validate_metadata,
    subject_resolve,
)
from .uploads import (
    sniff_problem,
    upload_complete,
    upload_create,
    upload_expire,
    upload_problems,
    upload_reject,
    upload_terminate,
)

__all__ = [
    "CUSTODY_ROLES",
    "DEVICE_FIELDS",
    "DEVICE_ROLES",
    "LINKABLE_SUBJECTS",
    "MAX_RECORD_NUMBER",
    "METADATA_FIELDS",
    "UPLOADER_ROLES",
    "alert_acknowledge",
    "derived_file_add",
    "device_register",
    "device_update",
    "may_edit_recording",
    "recording_access",
    "recording_assign_custodian",
    "recording_create_from_stream",
    "recording_set_confidentiality",
    "recording_update",
    "recording_validate_metadata",
    "retrieval_decide",
    "retrieval_request_create",
    "sniff_problem",
    "subject_resolve",
    "upload_complete",
    "upload_create",
    "upload_expire",
    "upload_problems",
    "upload_reject",
    "upload_terminate",
]
