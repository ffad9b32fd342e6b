"""Settings of the evidence app, each with a default and an environment variable.

A deployment may set them in its settings module or in the environment (the variable of the
same name); the setting wins. Sizes are in bytes, times in seconds or hours.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Largest single file accepted by the resumable upload (tus Tus-Max-Size): 64 GiB.
    "SANXIANG_EVIDENCE_MAX_SIZE": 64 * 1024**3,
    # An unfinished upload is dropped (partial file removed) this many hours after its creation.
    "SANXIANG_EVIDENCE_UPLOAD_HOURS": 7 * 24,
    # Seconds a PATCH waits for another request on the same upload to let go of it (then 423).
    "SANXIANG_EVIDENCE_LOCK_WAIT": 15,
    # Bulk access alert: more than this many distinct records opened by one person in an hour.
    "SANXIANG_EVIDENCE_BULK_THRESHOLD": 20,
    # Office hours (local time, 24h clock) on working days; access outside them raises an alert.
    "SANXIANG_EVIDENCE_OFFICE_START": 8,
    "SANXIANG_EVIDENCE_OFFICE_END": 19,
    # Longest retrieval period a custodian or head may grant, in days.
    "SANXIANG_EVIDENCE_MAX_RETRIEVAL_DAYS": 90,
    # ffmpeg for video thumbnails; empty or missing binary: no thumbnails, nothing else changes.
    "SANXIANG_FFMPEG": "ffmpeg",
    # Longest a playable copy (H.264) of a recording browsers cannot play may take to make.
    "SANXIANG_TRANSCODE_TIMEOUT": 6 * 3600,
    # A range request not starting at byte 0 is the continuation of a playback (not a new
    # one) if the same person started playing the same recording within these many seconds.
    "SANXIANG_EVIDENCE_PLAYBACK_WINDOW": 4 * 3600,
}


def setting(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return type(default)(raw) if not isinstance(default, str) else raw
