"""/healthz, /readyz, /metrics and JSON logs (ADR 0183)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from sanxiang.core import health
from sanxiang.ledger.services import checkpoint_sign
from sanxiang.testing import factories

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_readyz_checks_database_store_and_queue_only(monkeypatch):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "object_store": "ok", "task_queue": "ok"},
    }

    def down():
        raise OSError("store unreachable")

    monkeypatch.setitem(health.CHECKS, "object_store", down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["object_store"] == "fail"


def test_metrics_for_prometheus_from_loopback_only(province):
    factories.officer(agency=province["a"])
    checkpoint_sign()
    Client().get("/healthz")
    body = Client().get("/metrics").content.decode()
    for name in (
        "sanxiang_ledger_entries",
        "sanxiang_checkpoint_age_seconds",
        "sanxiang_task_queue_depth",
        "sanxiang_fixity_problems",
        "sanxiang_calendar_next_year_known",
        "sanxiang_requests_total{",
        "sanxiang_request_seconds_bucket{",
        "sanxiang_upload_bytes_total",
    ):
        assert name in body, name
    entries = next(line for line in body.splitlines() if line.startswith("sanxiang_ledger_entries"))
    assert int(float(entries.split()[1])) > 0
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404


def test_json_log_lines():
    record = logging.LogRecord(
        "sanxiang.x", logging.WARNING, __file__, 1, "上传 %s", ("完成",), None
    )
    record.request_id = "r-1"
    line = json.loads(health.JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "上传 完成"
    assert line["request_id"] == "r-1" and line["logger"] == "sanxiang.x"
