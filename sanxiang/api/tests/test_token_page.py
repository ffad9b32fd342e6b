"""The token page and the management command: issue (shown once), list, revoke."""

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sanxiang.api.models import ApiToken, TokenKind
from sanxiang.testing import factories
from sanxiang.testing.auth import enrol, sign_in


def _client(user) -> Client:
    """Signed in with password and a second factor given just now (fresh for step-up)."""
    enrol(user)
    return sign_in(Client(enforce_csrf_checks=True), user)


def _csrf(client, url="/tokens/") -> str:
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_issue_shown_once_then_listed_and_revoked(province):
    officer = factories.officer(agency=province["a"])
    client = _client(officer)
    response = client.post(
        "/tokens/issue/",
        {
            "name": "统计系统对接",
            "scopes": ["registry:read", "cases:read"],
            "valid_days": "30",
            "csrfmiddlewaretoken": _csrf(client),
        },
    )
    assert response.status_code == 200
    raw = re.search(r"(sx_[\w-]{20,})", response.content.decode()).group(1)
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(staff=officer)
    assert token.scopes == ["cases:read", "registry:read"]
    listing = client.get("/tokens/").content.decode()
    assert "统计系统对接" in listing and raw not in listing
    row = listing.split("统计系统对接", 1)[1].split("</tr>", 1)[0]
    assert "煤矿与自然人名录：只读" in row and "registry:read" not in row
    bearer = Client(enforce_csrf_checks=True)
    assert bearer.get("/api/registry/mines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    response = client.post(
        f"/tokens/{token.pk}/revoke/", {"csrfmiddlewaretoken": _csrf(client)}, follow=True
    )
    assert "已吊销" in response.content.decode()
    assert bearer.get("/api/registry/mines", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_issuing_needs_a_fresh_second_factor(province):
    """A second factor given an hour ago is not fresh: the page sends him to the step-up form."""
    officer = factories.officer(agency=province["a"])
    enrol(officer)
    client = sign_in(Client(enforce_csrf_checks=True), officer, second_factor_at=time.time() - 3600)
    response = client.post(
        "/tokens/issue/",
        {
            "name": "过期确认",
            "scopes": ["registry:read"],
            "valid_days": "30",
            "csrfmiddlewaretoken": _csrf(client),
        },
    )
    assert response.status_code == 302
    assert "/second-factor/step-up/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_form_errors_are_chinese_and_nothing_is_issued(province):
    officer = factories.officer(agency=province["a"])
    client = _client(officer)
    response = client.post(
        "/tokens/issue/",
        {"name": "", "valid_days": str(10**25), "csrfmiddlewaretoken": _csrf(client)},
    )
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_others_tokens_are_hidden_but_an_administrator_revokes_them(province):
    officer = factories.officer(agency=province["a"])
    colleague = factories.officer(agency=province["a"])
    call_command(
        "api_token_issue",
        "--user",
        officer.username,
        "--name",
        "批处理",
        "--scope",
        "cases:read",
        stdout=io.StringIO(),
    )
    token = ApiToken.objects.get(staff=officer)
    assert _client(colleague).get(f"/tokens/{token.pk}/revoke/").status_code == 405
    colleague_client = _client(colleague)
    denied = colleague_client.post(
        f"/tokens/{token.pk}/revoke/", {"csrfmiddlewaretoken": _csrf(colleague_client)}
    )
    assert denied.status_code == 404
    administrator = factories.staff(agency=province["provincial"], roles=["system_admin"])
    admin_client = _client(administrator)
    assert "批处理" in admin_client.get("/tokens/").content.decode()
    admin_client.post(f"/tokens/{token.pk}/revoke/", {"csrfmiddlewaretoken": _csrf(admin_client)})
    token.refresh_from_db()
    assert token.revoked_by == administrator


def test_command_issues_device_tokens_for_custodians_only(province):
    officer = factories.officer(agency=province["a"])
    custodian = factories.custodian(agency=province["a"])
    device = factories.recording_device(agency=province["a"], keeper=officer)
    out = io.StringIO()
    call_command(
        "api_token_issue",
        "--device",
        device.serial_number,
        "--issuer",
        custodian.username,
        "--name",
        "一号采集站",
        stdout=out,
    )
    assert out.getvalue().startswith("sx_")
    assert ApiToken.objects.get().kind == TokenKind.DEVICE
    with pytest.raises(CommandError, match="音像记录管理员"):
        call_command(
            "api_token_issue",
            "--device",
            device.serial_number,
            "--issuer",
            officer.username,
            "--name",
            "自签",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="权限范围"):
        call_command("api_token_issue", "--user", officer.username, "--name", "空", stdout=out)
