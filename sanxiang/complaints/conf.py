"""Limits of the public intake; each can be changed in settings (``SANXIANG_COMPLAINT_*``)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # proof of work (ALTCHA): the largest number a browser may have to try; seconds valid
    "SANXIANG_COMPLAINT_POW_MAX": 100_000,
    "SANXIANG_COMPLAINT_POW_SECONDS": 1200,
    # requests from one client address per hour: every POST, reports filed, upload grants
    "SANXIANG_COMPLAINT_POSTS_PER_HOUR": 30,
    "SANXIANG_COMPLAINT_REPORTS_PER_HOUR": 5,
    "SANXIANG_COMPLAINT_GRANTS_PER_HOUR": 10,
    # files: per file, per report (count and bytes), per client address per day (bytes)
    "SANXIANG_COMPLAINT_FILE_MAX": 50 * 1024 * 1024,
    "SANXIANG_COMPLAINT_FILES_PER_REPORT": 6,
    "SANXIANG_COMPLAINT_BYTES_PER_REPORT": 150 * 1024 * 1024,
    "SANXIANG_COMPLAINT_BYTES_PER_ADDRESS_DAY": 300 * 1024 * 1024,
    "SANXIANG_COMPLAINT_GRANT_SECONDS": 3600,
}

# What the public may send: photos and videos (a subset of evidence's accepted types).
PUBLIC_TYPES = ("image/jpeg", "image/png", "video/mp4", "video/quicktime")


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
