"""Background work of the catalog: publishing approved versions when their effective date comes."""

from __future__ import annotations

from django_tasks import task

from sanxiang.core.audit import audit_context


@task()
def publish_due_catalogs() -> int:
    """Publish every approved catalog version whose effective date has arrived."""
    from .services import catalog_publish_due

    with audit_context(channel="task"):
        return len(catalog_publish_due())
