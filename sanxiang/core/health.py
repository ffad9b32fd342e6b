"""Health, readiness and metrics for load balancers and Prometheus (ADR 0183).

* ``/healthz`` — the process answers; touches nothing else.
* ``/readyz`` — the database, the object store and the task queue answer; nothing else, so
  that a problem every node shares (a missing calendar, a fixity failure) never makes a load
  balancer drop all nodes at once: those are metrics and dashboard warnings instead.
* ``/metrics`` — Prometheus text format; from the addresses in ``SANXIANG_METRICS_ALLOWED``
  (loopback by default) or for a superuser, 404 for anyone else.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

# --- process-local counters (each gunicorn worker reports its own; Prometheus sums) ----------

_lock = threading.Lock()
_requests: dict[tuple[str, str], int] = {}
_latency_sum = 0.0
_latency_count = 0
_upload_bytes = 0
_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_latency_buckets = [0] * len(_BUCKETS)


def count_upload(written: int) -> None:
    global _upload_bytes
    with _lock:
        _upload_bytes += written


class MetricsMiddleware:
    """Counts requests by method and status class, and their latency."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        global _latency_sum, _latency_count
        key = (request.method or "", f"{response.status_code // 100}xx")
        with _lock:
            _requests[key] = _requests.get(key, 0) + 1
            _latency_sum += elapsed
            _latency_count += 1
            for i, bound in enumerate(_BUCKETS):
                if elapsed <= bound:
                    _latency_buckets[i] += 1
        return response


# --- checks -----------------------------------------------------------------------------------


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_store() -> None:
    if getattr(default_storage, "is_object_store", False):
        default_storage.client.head_bucket(Bucket=default_storage.bucket_name)
        return
    root = settings.MEDIA_ROOT
    if not (os.path.isdir(root) and os.access(root, os.W_OK)):
        raise OSError(f"storage folder not writable: {root}")


def _check_queue() -> None:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


CHECKS = {"database": _check_database, "object_store": _check_store, "task_queue": _check_queue}


@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means: do not send traffic here
            log.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "fail"
            ready = False
    body = {"status": "ready" if ready else "not-ready", "checks": results}
    return HttpResponse(
        json.dumps(body), status=200 if ready else 503, content_type="application/json"
    )


# --- metrics ----------------------------------------------------------------------------------


def _allowed(request) -> bool:
    allowed = getattr(settings, "SANXIANG_METRICS_ALLOWED", ["127.0.0.1", "::1"])
    if request.META.get("REMOTE_ADDR", "") in allowed:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def _gauges() -> list[tuple[str, str, float]]:
    from django.apps import apps

    from sanxiang.ledger.models import Checkpoint, LedgerEntry
    from sanxiang.ledger.services import tree_size

    gauges = [("sanxiang_ledger_entries", "Entries in the ledger.", tree_size())]
    latest = Checkpoint.objects.order_by("-tree_size", "-id").first()
    age = (timezone.now() - latest.created_at).total_seconds() if latest else -1
    gauges.append(("sanxiang_checkpoint_age_seconds", "Age of the last signed checkpoint.", age))
    depth = 0
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        depth = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    gauges.append(("sanxiang_task_queue_depth", "Tasks waiting to run.", depth))
    last_fixity = LedgerEntry.objects.filter(action="evidence.fixity").order_by("-seq").first()
    problems = 0
    if last_fixity is not None:
        problems = (json.loads(last_fixity.body).get("details") or {}).get("problems_total", 0)
    gauges.append(("sanxiang_fixity_problems", "Problems found by the last fixity run.", problems))
    next_year = timezone.localdate().year + 1
    known = 1
    if apps.is_installed("sanxiang.core"):
        from sanxiang.core.models import HolidayNotice
        from sanxiang.core.workdays import _package_knows

        known = int(
            _package_knows(next_year) or HolidayNotice.objects.filter(year=next_year).exists()
        )
    gauges.append(
        ("sanxiang_calendar_next_year_known", "The coming year's holidays are loaded (1/0).", known)
    )
    return gauges


@never_cache
@require_safe
def metrics(request):
    if not _allowed(request):
        raise Http404
    lines = []
    for name, help_text, value in _gauges():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value}"]
    with _lock:
        requests = dict(_requests)
        latency_sum, latency_count = _latency_sum, _latency_count
        buckets, uploaded = list(_latency_buckets), _upload_bytes
    lines += [
        "# HELP sanxiang_requests_total HTTP requests.",
        "# TYPE sanxiang_requests_total counter",
    ]
    for (method, status), count in sorted(requests.items()):
        lines.append(f'sanxiang_requests_total{{method="{method}",status="{status}"}} {count}')
    lines += [
        "# HELP sanxiang_request_seconds Request latency.",
        "# TYPE sanxiang_request_seconds histogram",
    ]
    for bound, count in zip(_BUCKETS, buckets, strict=True):
        lines.append(f'sanxiang_request_seconds_bucket{{le="{bound}"}} {count}')
    lines += [
        f'sanxiang_request_seconds_bucket{{le="+Inf"}} {latency_count}',
        f"sanxiang_request_seconds_sum {latency_sum:.6f}",
        f"sanxiang_request_seconds_count {latency_count}",
        "# HELP sanxiang_upload_bytes_total Bytes received by resumable uploads.",
        "# TYPE sanxiang_upload_bytes_total counter",
        f"sanxiang_upload_bytes_total {uploaded}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")


# --- structured logs --------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id. The message is the
    program's own text; request bodies, parameters and personal data are never logged."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attribute in ("request_id", "status_code"):
            value = getattr(record, attribute, None)
            if value is not None:
                entry[attribute] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
