"""Background work of evidence: thumbnails, the periodic fixity check, expiring stale uploads.

``manage.py evidence_fixity`` and ``manage.py evidence_expire_uploads`` run the same work from
cron or a systemd timer (django-tasks has no scheduler of its own).
"""

from __future__ import annotations

import logging

from django_tasks import task

from sanxiang.core.audit import audit_context

from . import derivatives, fixity

log = logging.getLogger(__name__)


@task()
def make_thumbnail(recording_pk: int) -> int | None:
    """A thumbnail for a new photo or video (ffmpeg where installed); None when not possible."""
    with audit_context(channel="task"):
        derived = derivatives.thumbnail_create(recording_pk=recording_pk)
    return derived.pk if derived else None


@task()
def fixity_check_task() -> dict:
    """JL-USE-3: re-hash every stored original; the run and its findings go into the ledger."""
    with audit_context(channel="task"):
        report = fixity.fixity_check()
    if not report.ok:
        log.error(report.text())
    return {"checked": report.checked, "problems": [p.as_dict() for p in report.problems]}


@task()
def expire_uploads_task() -> int:
    from .ingest import expire_stale_uploads

    with audit_context(channel="task"):
        return expire_stale_uploads()
