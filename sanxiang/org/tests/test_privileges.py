"""Privileged account changes need a head's approval (ADR 0070), through API and pages."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings

from sanxiang.core.clientip import client_ip
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import PrivilegeRequest, Staff
from sanxiang.org.passwords import NotFromAccountNamesValidator
from sanxiang.org.roles import Role
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def people(province):
    return {
        "sysadmin": factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN]),
        "head": factories.staff(agency=province["provincial"], roles=[Role.HEAD]),
        "head_a": factories.staff(agency=province["a"], roles=[Role.HEAD]),
        "head_b": factories.staff(agency=province["b"], roles=[Role.HEAD]),
        "officer": factories.officer(agency=province["a"]),
    }


def _csrf_client(user) -> Client:
    client = sign_in(Client(enforce_csrf_checks=True), user)
    client.get("/account/")
    return client


def _send(client, method, path, body=None):
    return client.generic(
        method,
        path,
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


def test_self_grant_is_held_and_cannot_be_self_approved(people):
    admin = people["sysadmin"]
    client = _csrf_client(admin)
    response = _send(
        client, "PATCH", f"/api/org/staff/{admin.pk}", {"roles": ["system_admin", "head"]}
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["system_admin"]
    request = PrivilegeRequest.objects.get(pk=response.json()["pending_request_id"])
    assert request.roles == ["head"] and request.state == "pending"
    assert not Staff.objects.get(pk=admin.pk).has_role(Role.HEAD)
    refused = _send(
        client, "POST", f"/api/org/privilege-requests/{request.pk}/approve", {"opinion": "同意"}
    )
    assert refused.status_code == 403
    # a head of a sibling sub-bureau is not superior to the provincial bureau
    sibling = _send(
        _csrf_client(people["head_b"]),
        "POST",
        f"/api/org/privilege-requests/{request.pk}/approve",
        {"opinion": "同意"},
    )
    assert sibling.status_code in (403, 404)
    assert not Staff.objects.get(pk=admin.pk).has_role(Role.HEAD)
    approved = _send(
        _csrf_client(people["head"]),
        "POST",
        f"/api/org/privilege-requests/{request.pk}/approve",
        {"opinion": "同意"},
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert Staff.objects.get(pk=admin.pk).has_role(Role.HEAD)
    actions = list(
        LedgerEntry.objects.filter(action__startswith="staff.privilege").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "staff.privilege_request",
        "staff.privilege_apply",
        "staff.privilege_approve",
    ]
    assert admin.staff_notices.count() == 2  # asked, approved


def test_head_cannot_approve_a_grant_to_himself(people):
    client = _csrf_client(people["sysadmin"])
    response = _send(
        client, "PATCH", f"/api/org/staff/{people['head_a'].pk}", {"roles": ["head", "custodian"]}
    )
    request_id = response.json()["pending_request_id"]
    own = _send(
        _csrf_client(people["head_a"]),
        "POST",
        f"/api/org/privilege-requests/{request_id}/approve",
        {"opinion": "同意"},
    )
    assert own.status_code == 403


def test_created_account_gets_privileged_role_only_after_approval_in_the_pages(people, province):
    admin = sign_in(Client(), people["sysadmin"])
    response = admin.post(
        "/org/staff/new/",
        {
            "username": "newreviewer",
            "full_name": "新审核员",
            "agency": province["a"].pk,
            "roles": [Role.OFFICER, Role.LEGAL_REVIEWER],
            "password": "Quite-long-9876",
        },
        follow=True,
    )
    assert "须经负责人批准后生效" in response.content.decode()
    staff = Staff.objects.get(username="newreviewer")
    assert staff.role_codes == {Role.OFFICER}
    request = PrivilegeRequest.objects.get(staff=staff)
    listing = sign_in(Client(), people["head_a"]).get("/org/privileges/").content.decode()
    assert "新审核员" in listing and "批准" in listing
    head = sign_in(Client(), people["head_a"])
    head.post(f"/org/privileges/{request.pk}/decide/", {"decision": "approve"})
    staff = Staff.objects.get(pk=staff.pk)
    assert staff.role_codes == {Role.OFFICER, Role.LEGAL_REVIEWER}


def test_password_reset_of_a_head_waits_for_another_head(people):
    admin = sign_in(Client(), people["sysadmin"])
    target = people["head_a"]
    old_hash = target.password
    admin.post(
        f"/org/staff/{target.pk}/password/",
        {"password": "Brand-new-5511", "password_confirm": "Brand-new-5511"},
    )
    target.refresh_from_db()
    assert target.password == old_hash
    request = PrivilegeRequest.objects.get(staff=target, kind="password_reset")
    assert request.password_hash
    head = sign_in(Client(), people["head"])
    head.post(f"/org/privileges/{request.pk}/decide/", {"decision": "approve"})
    target.refresh_from_db()
    assert target.check_password("Brand-new-5511")
    request.refresh_from_db()
    assert request.password_hash == ""


def test_password_may_not_be_built_from_login_or_agency(people, province):
    validator = NotFromAccountNamesValidator()
    staff = people["officer"]
    staff.username = "zhangwei"
    with pytest.raises(ValidationError, match="登录名"):
        validator.validate("Zhangwei-2026!", staff)
    with pytest.raises(ValidationError, match="机构"):
        validator.validate(f"{province['a'].name}2026", staff)
    with pytest.raises(ValidationError, match="机构"):
        validator.validate("测试省局-9988xx", staff)  # a superior agency's name
    validator.validate("Unrelated-pass-2026", staff)


@override_settings(
    SANXIANG_LOGIN_SLOWDOWN_FREE=2,
    SANXIANG_LOGIN_SLOWDOWN_BASE_SECONDS=60,
    SANXIANG_LOGIN_FAILURE_LIMIT=50,
)
def test_spraying_one_login_from_many_addresses_is_slowed_not_locked(people):
    head = people["head"]
    for n in range(2):
        Client(REMOTE_ADDR=f"10.9.0.{n + 1}").post(
            "/login/", {"username": head.username, "password": "wrong-pass-000"}
        )
    # a third address now waits, and is told so in Chinese without a password check
    slowed = Client(REMOTE_ADDR="10.9.0.3").post(
        "/login/", {"username": head.username, "password": factories.PASSWORD}
    )
    assert slowed.status_code == 200
    assert "登录尝试过于频繁" in slowed.content.decode()
    # the same address spraying other logins is slowed as well
    for name in ("nobody1", "nobody2"):
        Client(REMOTE_ADDR="10.9.1.1").post("/login/", {"username": name, "password": "x-wrong-1"})
    other = Client(REMOTE_ADDR="10.9.1.1").post(
        "/login/", {"username": people["officer"].username, "password": factories.PASSWORD}
    )
    assert "登录尝试过于频繁" in other.content.decode()


@override_settings(SANXIANG_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_client_address_behind_a_trusted_proxy():
    from sanxiang.core import clientip

    clientip._trusted.cache_clear()
    factory = RequestFactory()
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9")
    assert client_ip(proxied) == "203.0.113.7"
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(spoofed) == "198.51.100.2"
    forged_left = factory.get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9"
    )
    assert client_ip(forged_left) == "198.51.100.9"
    clientip._trusted.cache_clear()


def test_second_factor_reset_of_a_head_waits_for_another_head(people):
    """Issue 12 item 3: resetting a privileged account's second factor (a lost phone) takes
    effect only on another head's approval; the administrator cannot approve it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sanxiang.demo.second_factor import enrol_demo_secret

    target = people["head_a"]
    enrol_demo_secret(target)
    admin = _csrf_client(people["sysadmin"])
    asked = _send(
        admin, "POST", f"/api/org/staff/{target.pk}/second-factor/reset", {"reason": "手机遗失"}
    )
    assert asked.status_code < 300, asked.content
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()  # not yet
    request = PrivilegeRequest.objects.get(staff=target, kind="second_factor_reset")
    assert (
        _send(
            admin, "POST", f"/api/org/privilege-requests/{request.pk}/approve", {"opinion": "同意"}
        ).status_code
        == 403
    )
    assert TOTPDevice.objects.filter(user=target).exists()
    head = sign_in(Client(), people["head"])
    head.post(f"/org/privileges/{request.pk}/decide/", {"decision": "approve"})
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert LedgerEntry.objects.filter(
        action="staff.privilege_request", object_id=str(request.pk)
    ).exists()
    assert LedgerEntry.objects.filter(
        action="staff.privilege_apply", object_id=str(target.pk)
    ).exists()
