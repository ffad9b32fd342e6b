"""Background work of 投诉举报: the ClamAV scan and metadata stripping of a report's files."""

from __future__ import annotations

from django_tasks import task

from sanxiang.core.audit import audit_context


@task()
def scan_complaint_files(complaint_pk: int) -> int:
    """Scan and strip the quarantined files of one report; the number of files handled."""
    from .models import Complaint
    from .services import complaint_files_scan

    complaint = Complaint.objects.filter(pk=complaint_pk).first()
    if complaint is None:
        return 0
    with audit_context(channel="task"):
        return len(complaint_files_scan(complaint=complaint))
