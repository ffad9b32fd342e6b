"""API tokens end to end: issue, write without cookies, scopes, revoke, expire, password change.

Every request goes through ``Client(enforce_csrf_checks=True)`` — what a real integrator's
HTTP client meets — and carries no cookie at all, only ``Authorization: Bearer …``.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from sanxiang.api.api import api
from sanxiang.api.auth import SESSION_ONLY_OPERATIONS
from sanxiang.api.models import ApiToken, RevokeReason
from sanxiang.api.tokens import (
    ROUTER_LABELS,
    api_token_create,
    api_token_create_for_device,
    api_token_revoke,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


def _mine_payload(province, name="令牌测试煤矿", credit_code="91350100M000100Y43"):
    return {
        "name": name,
        "credit_code": credit_code,
        "division_code": "140100",
        "address": "测试地址",
        "mine_type": "underground",
        "status": "producing",
        "supervising_agency_id": province["a"].pk,
    }


def _bearer_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _post(raw: str, url: str, body: dict):
    client = _bearer_client()
    response = client.post(
        url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert not client.cookies, "a bearer request must not need or get a cookie"
    return response


def _get(raw: str, url: str = "/api/registry/mines"):
    return _bearer_client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_lifecycle_issue_write_without_cookies_revoke(officer, province):
    token, raw = api_token_create(actor=officer, name="对接终端", scopes=["registry:write"])
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()
    assert raw not in token.key_digest and len(token.key_digest) == 64
    assert LedgerEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()

    response = _post(raw, "/api/registry/mines", _mine_payload(province))
    assert response.status_code == 201, response.content.decode()
    assert response.json()["name"] == "令牌测试煤矿"
    assert _get(raw).status_code == 200  # write includes read

    api_token_revoke(actor=officer, token=token)
    refused = _post(raw, "/api/registry/mines", _mine_payload(province, name="吊销后"))
    assert refused.status_code == 401
    assert refused.json()["title"] == "未登录或令牌无效。"
    entry = LedgerEntry.objects.get(action="api_token.revoke", object_id=str(token.pk))
    assert entry.actor_id == officer.pk
    report = verify_ledger()  # issue, use (last_used_at stamp) and revoke leave no break
    assert report.ok, report.text()


def test_bearer_write_is_not_stopped_by_the_csrf_check(officer):
    """The reported hole: POST /api/inspections/plans with only a bearer token gave 403 CSRF."""
    _token, raw = api_token_create(actor=officer, name="对接终端", scopes=["inspections:write"])
    response = _post(raw, "/api/inspections/plans", {})
    assert response.status_code == 422, response.content.decode()
    assert "CSRF" not in response.content.decode()


def test_session_writes_still_need_the_csrf_token(officer, province):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(
        "/api/registry/mines", data=_mine_payload(province), content_type="application/json"
    )
    assert response.status_code == 403


def test_expired_token_is_refused(officer, province):
    token, raw = api_token_create(actor=officer, name="对接终端", scopes=["registry:read"])
    assert _get(raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _get(raw).status_code == 401


def test_password_change_ends_personal_tokens_only(officer, province):
    custodian = factories.custodian(agency=province["a"])
    device = factories.recording_device(agency=province["a"], keeper=officer)
    personal, raw = api_token_create(actor=officer, name="个人", scopes=["registry:read"])
    device_token, _device_raw = api_token_create_for_device(
        actor=custodian, device=device, name="一号采集站"
    )
    assert _get(raw).status_code == 200
    officer.set_password("Neues-Passwort-2026")
    officer.save()
    assert _get(raw).status_code == 401
    personal.refresh_from_db()
    device_token.refresh_from_db()
    assert personal.revoke_reason == RevokeReason.PASSWORD_CHANGE
    assert device_token.revoked_at is None
    assert LedgerEntry.objects.filter(
        action="api_token.revoke", object_id=str(personal.pk)
    ).exists()
    report = verify_ledger()
    assert report.ok, report.text()


def test_rehash_at_login_is_not_a_password_change(officer):
    _token, raw = api_token_create(actor=officer, name="个人", scopes=["registry:read"])
    # What AbstractBaseUser.check_password's setter does when a hasher is upgraded at login.
    officer.set_password("Gleiches-Passwort-2026")
    officer._password = None
    officer.save(update_fields=["password"])
    assert _get(raw).status_code == 200


def test_deactivation_and_lockout_end_personal_tokens(officer):
    _token, raw = api_token_create(actor=officer, name="个人", scopes=["registry:read"])
    AccessAttempt.objects.create(
        username=officer.username,
        ip_address="203.0.113.9",
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    assert _get(raw).status_code == 401
    AccessAttempt.objects.all().delete()
    assert _get(raw).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert _get(raw).status_code == 401


def test_scopes_are_per_router_and_per_read_or_write(officer, province):
    _token, raw = api_token_create(actor=officer, name="只读", scopes=["registry:read"])
    assert _get(raw).status_code == 200
    response = _post(raw, "/api/registry/mines", _mine_payload(province))
    assert response.status_code == 403
    assert "权限范围" in response.json()["title"]
    assert _get(raw, "/api/org/agencies").status_code == 403


def test_scope_vocabulary_names_every_router():
    # A scope is the path segment after /api/ (``required_scope``): /archive/disposal/ is archive.
    routers = {
        prefix.strip("/").split("/")[0] for prefix, _router in api._routers if prefix.strip("/")
    }
    assert routers == set(ROUTER_LABELS)


def test_issuing_refuses_bad_input(officer):
    from django.core.exceptions import ValidationError

    for kwargs in (
        {"name": "", "scopes": ["registry:read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["cases:admin"]},
        {"name": "x", "scopes": ["cases:read"], "valid_days": 10**25},
        {"name": "x", "scopes": ["cases:read"], "valid_days": 0},
    ):
        with pytest.raises(ValidationError) as caught:
            api_token_create(actor=officer, **kwargs)
        assert all(m for ms in caught.value.message_dict.values() for m in ms)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(("method", "path"), sorted(SESSION_ONLY_OPERATIONS))
def test_approval_and_signing_refuse_bearer_tokens(province, method, path):
    admin = factories.superuser()
    scopes = [f"{area}:write" for area in ROUTER_LABELS]
    _token, raw = api_token_create(actor=admin, name="全权", scopes=scopes)
    url = path.replace("{", "").replace("}", "")  # ids are never looked up: refused before
    url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
    response = getattr(_bearer_client(), method.lower())(
        url, data={}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403, response.content.decode()
    assert response["Content-Type"].startswith("application/problem+json")
    assert "不能使用接口令牌" in response.json()["title"]


def test_device_token_uploads_only_and_only_for_its_device(province, officer):
    custodian = factories.custodian(agency=province["a"])
    device = factories.recording_device(agency=province["a"], keeper=officer)
    token, raw = api_token_create_for_device(actor=custodian, device=device, name="一号采集站")
    assert token.scopes == ["upload"]
    assert _get(raw).status_code == 403  # no API scope at all
    with pytest.raises(Exception, match="音像记录管理员"):
        api_token_create_for_device(actor=officer, device=device, name="自签")


def test_only_holder_or_administrator_revokes(officer, province):
    from django.core.exceptions import PermissionDenied

    token, _raw = api_token_create(actor=officer, name="个人", scopes=["registry:read"])
    colleague = factories.officer(agency=province["a"])
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=colleague, token=token)
    administrator = factories.staff(agency=province["a"], roles=["system_admin"])
    api_token_revoke(actor=administrator, token=token)
    token.refresh_from_db()
    assert token.revoke_reason == RevokeReason.BY_ADMIN and token.revoked_by == administrator


@pytest.mark.django_db(transaction=True)
def test_bearer_write_over_real_http(live_server):
    """A plain HTTP client with no cookie jar at all, against a running server."""
    import json
    import urllib.request

    agency = factories.agency(name="真实请求测试局", short="真")
    officer = factories.officer(agency=agency)
    _token, raw = api_token_create(actor=officer, name="对接终端", scopes=["registry:write"])
    body = json.dumps(
        {
            "name": "真实请求煤矿",
            "credit_code": "91350100M000100Y43",
            "division_code": "140100",
            "address": "测试地址",
            "mine_type": "underground",
            "status": "producing",
            "supervising_agency_id": agency.pk,
        }
    ).encode()
    request = urllib.request.Request(
        live_server.url + "/api/registry/mines",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        assert json.loads(response.read())["name"] == "真实请求煤矿"
        assert "csrftoken" not in (response.headers.get("Set-Cookie") or "")
