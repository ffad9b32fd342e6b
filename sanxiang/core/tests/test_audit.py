"""The audit context attributes every ledger event, in requests, API calls and commands (SH-RESP-4/5)."""

import json

from django.test import Client

from sanxiang.core.audit import audit_context
from sanxiang.ledger.models import LedgerEntry
from sanxiang.registry import services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

MINE = {
    "name": "审计测试煤矿",
    "credit_code": "91350100M000100Y43",
    "division_code": "140100",
    "address": "测试地址",
    "mine_type": "underground",
    "status": "producing",
}


def _last_context():
    entry = LedgerEntry.objects.order_by("-seq").first()
    return entry, json.loads(entry.body)["context"]


def test_command_context_is_recorded(province):
    officer = factories.officer(agency=province["a"])
    with audit_context(actor=officer, channel="command", request_id="cmd-import-2026-0001"):
        services.mine_create(actor=officer, supervising_agency=province["a"], **MINE)
    entry, context = _last_context()
    assert entry.actor_id == officer.pk and entry.agency_id == province["a"].pk
    assert context == {
        "actor_roles": ["officer"],  # read from the table when appended (ADR 0060)
        "channel": "command",
        "request_id": "cmd-import-2026-0001",
        "remote_addr": "",
    }


def test_web_request_id_reaches_the_ledger(province):
    officer = factories.officer(agency=province["a"])
    client = Client()
    sign_in(client, officer)
    data = dict(MINE, supervising_agency=province["a"].pk)
    response = client.post("/registry/mines/new/", data, HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-0123456789"
    entry, context = _last_context()
    assert entry.action == "mine.create"
    assert context["channel"] == "web" and context["request_id"] == "req-0123456789"
    assert context["remote_addr"] == "127.0.0.1"


def test_api_channel_is_recorded(province):
    officer = factories.officer(agency=province["a"])
    client = Client()
    sign_in(client, officer)
    payload = dict(MINE, supervising_agency_id=province["a"].pk)
    response = client.post("/api/registry/mines", payload, content_type="application/json")
    assert response.status_code == 201
    _, context = _last_context()
    assert context["channel"] == "api"


def test_malformed_request_id_is_replaced(province):
    officer = factories.officer(agency=province["a"])
    client = Client()
    sign_in(client, officer)
    response = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32
