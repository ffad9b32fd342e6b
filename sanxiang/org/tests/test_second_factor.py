"""Second factor at sign-in and step-up (ADR 0071): a head with only a password reaches no
staff page and no API write; weighty actions need a fresh code; tokens cannot carry them."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from sanxiang.core import stepup
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import PrivilegeRequest
from sanxiang.org.roles import Role
from sanxiang.testing import factories
from sanxiang.testing.auth import enrol, key_from_base32, sign_in, sign_in_password_only, totp_code

OPEN_PREFIXES = (
    "/public/",
    "/transparency/",
    "/static/",
    "/i18n/",
    "/account/",
    "/login/",
    "/logout/",
)


@pytest.fixture
def head(province):
    return factories.staff(agency=province["provincial"], roles=[Role.HEAD], username="head_a")


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def _concrete(pattern: str) -> str:
    path = re.sub(r"<(?:int:)?\w+>", "1", pattern)
    path = re.sub(r"<(?:str|slug|path|uuid):\w+>", "x", path)
    path = re.sub(r"[\^$]|\(\?P<\w+>[^)]*\)", "", path)
    return "/" + path.lstrip("/")


def test_head_with_only_a_password_reaches_no_staff_page(head):
    """Every URL pattern outside the public site and the sign-in pages sends him to the code."""
    enrol(head)
    client = sign_in_password_only(Client(), head)
    checked = 0
    for pattern in _walk(get_resolver()):
        path = _concrete(pattern)
        if path.startswith(OPEN_PREFIXES) or path.startswith("/api/") or "\\" in path:
            continue
        response = client.get(path)
        checked += 1
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith("/account/second-factor/"), path
    assert checked > 50


def test_head_with_only_a_password_makes_no_api_write(head):
    """Every write operation of the API schema answers 403 before it runs."""
    enrol(head)
    client = sign_in_password_only(Client(enforce_csrf_checks=True), head)
    client.get("/account/second-factor/")  # sets the CSRF cookie like a browser
    token = client.cookies["csrftoken"].value
    from sanxiang.api.api import api

    spec = api.get_openapi_schema()
    writes = 0
    before = LedgerEntry.objects.count()
    for path, operations in spec["paths"].items():
        for method in operations:
            if method not in ("post", "put", "patch", "delete"):
                continue
            concrete = re.sub(r"\{\w+\}", "1", path)
            response = client.generic(
                method.upper(),
                concrete,
                data=json.dumps({}),
                content_type="application/json",
                HTTP_X_CSRFTOKEN=token,
            )
            writes += 1
            assert response.status_code == 403, (method, concrete, response.status_code)
    assert writes > 20
    assert LedgerEntry.objects.count() == before


def test_sign_in_asks_for_the_code_then_lets_him_in(head):
    enrol(head)
    client = Client()
    response = client.post("/login/", {"username": "head_a", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/second-factor/")
    assert client.get("/").status_code == 302
    wrong = client.post("/account/second-factor/", {"code": "000000", "next": "/"})
    assert "动态口令不正确" in wrong.content.decode()
    throttled = client.post("/account/second-factor/", {"code": totp_code(), "next": "/"})
    assert "输错次数过多" in throttled.content.decode()  # django-otp: 1 s after one failure
    time.sleep(1.1)
    ok = client.post(
        "/account/second-factor/", {"code": totp_code(at=time.time() + 30), "next": "/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200


def test_first_sign_in_enrols_and_shows_recovery_codes(head):
    client = Client()
    response = client.post("/login/", {"username": "head_a", "password": factories.PASSWORD})
    assert response["Location"].startswith("/account/second-factor/enrol/")
    page = client.get(response["Location"])
    secret = re.search(r'id="enrol-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    qr = client.get("/account/second-factor/enrol/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    key_hex = key_from_base32(secret)
    done = client.post("/account/second-factor/enrol/", {"code": totp_code(key_hex), "next": "/"})
    assert done.status_code == 302
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert LedgerEntry.objects.filter(action="staff.second_factor_enrol").exists()
    # a recovery code works once in place of the TOTP code
    client.logout()
    client.post("/login/", {"username": "head_a", "password": factories.PASSWORD})
    assert client.post("/account/second-factor/", {"code": codes[0]}).status_code == 302
    client.logout()
    client.post("/login/", {"username": "head_a", "password": factories.PASSWORD})
    again = client.post("/account/second-factor/", {"code": codes[0]})
    assert again.status_code == 400
    assert LedgerEntry.objects.filter(action="staff.recovery_code_use").count() == 1


def test_officer_without_device_signs_in_with_password(province):
    officer = factories.officer(agency=province["a"], username="officer_a")
    client = Client()
    client.post("/login/", {"username": "officer_a", "password": factories.PASSWORD})
    assert client.get("/").status_code == 200
    assert not stepup.second_factor_required(officer)
    enrol(officer)  # once he chose to enrol, his sign-in asks for the code too
    assert stepup.second_factor_required(officer)


@override_settings(SANXIANG_STEP_UP_MINUTES=5)
def test_stale_second_factor_needs_step_up_for_approval(province, head):
    """A privilege approval with a second factor older than the step-up window is refused
    (API: 403 problem; page: sent to the step-up form) and nothing is written."""
    admin = factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])
    officer = factories.officer(agency=province["a"])
    admin_client = sign_in(Client(enforce_csrf_checks=True), admin)
    _patch(admin_client, officer, [Role.OFFICER, Role.CUSTODIAN])
    request = PrivilegeRequest.objects.get(staff=officer)
    stale = sign_in(Client(), head, second_factor_at=time.time() - 6 * 60)
    response = stale.post(
        f"/api/org/privilege-requests/{request.pk}/approve",
        data=json.dumps({"opinion": "同意"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "动态口令" in response.json()["title"]
    page = stale.post(f"/org/privileges/{request.pk}/decide/", {"decision": "approve"})
    assert page.status_code == 302 and page["Location"].startswith(
        "/account/second-factor/step-up/"
    )
    request.refresh_from_db()
    assert request.state == "pending" and not officer.has_role(Role.CUSTODIAN)
    # the code again, then the approval goes through
    stale.post(
        "/account/second-factor/step-up/",
        {"code": totp_code(at=time.time() + 30), "next": "/org/privileges/"},
    )
    assert (
        stale.post(
            f"/api/org/privilege-requests/{request.pk}/approve",
            data=json.dumps({"opinion": "同意"}),
            content_type="application/json",
        ).status_code
        == 200
    )


def test_bearer_token_request_cannot_carry_a_step_up_action():
    """A request whose audit context has no session second factor (a token) is refused."""
    from sanxiang.core.audit import audit_context

    with audit_context(channel="api"), pytest.raises(stepup.StepUpRequired):
        stepup.check_ledger_action("case.decide")
    with audit_context(channel="api", second_factor_at=time.time()):
        stepup.check_ledger_action("case.decide")
    with audit_context(channel="command"):
        stepup.check_ledger_action("case.decide")
    with audit_context(channel="api"):
        stepup.check_ledger_action("case.investigate")  # not on the list


def test_adr_lists_exactly_the_step_up_actions():
    from pathlib import Path

    adr = Path(__file__).resolve().parents[3] / "docs/decisions/0071-second-factor-and-step-up.md"
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", adr.read_text(), re.MULTILINE))
    assert listed == set(stepup.STEP_UP_ACTIONS)


def test_every_head_only_transition_is_on_the_list():
    """Head-only transitions of every workflow table write a ledger action on the list."""
    import importlib

    prefixes = {
        "cases": ["case"],
        "catalog": ["catalog"],
        "publicity": ["publication", "report"],
        "review": ["review"],
        "inspections": ["inspection_plan", "enforcement_plan"],
        "archive": ["archive"],
    }
    missing = []
    for app, names in prefixes.items():
        module = importlib.import_module(f"sanxiang.{app}.workflow")
        for table in ("TRANSITIONS", "IN_STATE_ACTIONS", "REPORT_TRANSITIONS"):
            for transition in getattr(module, table, ()):
                if set(transition.roles or ()) != {Role.HEAD}:
                    continue
                candidates = {f"{n}.{transition.action}" for n in names}
                if transition.action == "extend":
                    candidates.add("review.extension")
                if not candidates & stepup.STEP_UP_ACTIONS:
                    missing.append(f"{app}:{transition.action}")
    assert not missing, missing


def _patch(client, staff, roles):
    client.get("/account/")
    return client.patch(
        f"/api/org/staff/{staff.pk}",
        data=json.dumps({"roles": roles}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
