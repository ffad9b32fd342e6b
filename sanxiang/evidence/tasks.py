"""Background work of evidence: thumbnails, playable copies of videos browsers cannot play, the
periodic fixity check, expiring stale uploads.

``manage.py evidence_fixity`` and ``manage.py evidence_expire_uploads`` run the same work from
cron or a systemd timer (django-tasks has no scheduler of its own).
"""

from __future__ import annotations

import logging

from django_tasks import task

from sanxiang.core.audit import audit_context
from sanxiang.core.taskrun import task_effect

from . import derivatives, fixity

log = logging.getLogger(__name__)


@task()
def make_thumbnail(recording_pk: int) -> int | None:
    """A thumbnail for a new photo or video (ffmpeg where installed); None when not possible.
    Idempotent: a recording that has its thumbnail gets none again."""
    with audit_context(channel="task"):
        derived = derivatives.thumbnail_create(recording_pk=recording_pk)
    return derived.pk if derived else None


@task()
def make_playable_copy(recording_pk: int) -> int | None:
    """An H.264 copy of a video browsers cannot play (H.265 …); None when none is needed."""
    with audit_context(channel="task"):
        derived = derivatives.playable_copy_create(recording_pk=recording_pk)
    return derived.pk if derived else None


@task()
def fixity_check_task() -> dict:
    """JL-USE-3: re-hash every stored original; the run and its findings go into the ledger.

    The re-hashing holds no transaction (it may take hours; the worker's lease keeps it from
    being started twice); the ledger event commits with the task's done-mark, so a run whose
    event committed is not repeated after a lost worker (ADR 0082)."""
    with audit_context(channel="task"):
        report = fixity.fixity_report()
        result = {"checked": report.checked, "problems": [p.as_dict() for p in report.problems]}
        with task_effect(task_path=fixity_check_task.module_path, return_value=result):
            fixity.fixity_record(report)
    if not report.ok:
        log.error(report.text())
    return result


@task()
def expire_uploads_task() -> int:
    """Idempotent: only uploads still open and past their expiry are expired."""
    from .ingest import expire_stale_uploads

    with audit_context(channel="task"):
        return expire_stale_uploads()
