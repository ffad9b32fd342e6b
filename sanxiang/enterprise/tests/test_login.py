"""Sign-in of a mine's account (ADR 0150) under the staff rules (ADR 0073): its own page,
django-axes lock-out, the slow-down, the password policy, the optional second factor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from sanxiang.enterprise import services
from sanxiang.enterprise.models import EnterpriseAccount
from sanxiang.enterprise.realm import SESSION_KEY
from sanxiang.testing import factories
from sanxiang.testing.auth import TOTP_KEY_HEX, sign_in, totp_code

from .conftest import MINE_PASSWORD


def _login(client, login, password, **extra):
    return client.post("/enterprise/login/", {"login": login, "password": password}, **extra)


@override_settings(SANXIANG_LOGIN_SLOWDOWN_FREE=100)
def test_lockout_after_five_failures(two_mines):
    account = two_mines["account_a"]
    client = Client()
    for _ in range(4):
        response = _login(client, account.login, "wrong-password-1")
        assert response.status_code == 400
        assert "登录名或密码不正确" in response.content.decode()
    response = _login(client, account.login, "wrong-password-1")
    assert response.status_code == 403 and "锁定" in response.content.decode()
    # locked: even the right password is refused now
    response = _login(client, account.login, MINE_PASSWORD)
    assert response.status_code == 403 and SESSION_KEY not in client.session
    # the lock is per login and address: another address signs in
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, account.login, MINE_PASSWORD).status_code == 302
    # and the staff realm's logins are not counted together with the mine's
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username=f"企业:{account.login}").exists()


@override_settings(SANXIANG_LOGIN_SLOWDOWN_FREE=3, SANXIANG_LOGIN_SLOWDOWN_BASE_SECONDS=60)
def test_slow_down_after_a_few_failures(two_mines):
    account = two_mines["account_a"]
    client = Client()
    for _ in range(3):
        _login(client, account.login, "wrong-password-1")
    response = _login(client, account.login, MINE_PASSWORD)
    assert response.status_code == 400 and "秒后再试" in response.content.decode()


def test_sign_in_at_its_own_page_and_not_at_the_staffs(two_mines):
    account = two_mines["account_a"]
    staff_page = Client().post("/login/", {"username": account.login, "password": MINE_PASSWORD})
    assert staff_page.status_code == 200  # the staff sign-in does not know mines' accounts
    client = Client()
    response = _login(client, account.login, MINE_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/enterprise/"
    assert client.session[SESSION_KEY] == account.pk
    assert "_auth_user_id" not in client.session
    home = client.get("/enterprise/").content.decode()
    assert account.mine.name in home and "整改指令" in home
    assert client.get("/").status_code == 302


def test_staff_sign_in_and_mine_sign_in_exclude_each_other(two_mines, province):
    officer = factories.officer(agency=province["a"])
    client = sign_in(Client(), officer)
    assert client.get("/").status_code == 200
    _login(client, two_mines["account_a"].login, MINE_PASSWORD)
    assert "_auth_user_id" not in client.session  # the staff sign-in ended
    assert client.get("/").status_code == 302
    client.post("/login/", {"username": officer.username, "password": factories.PASSWORD})
    assert SESSION_KEY not in client.session
    assert client.get("/enterprise/").status_code == 302


@pytest.mark.parametrize(
    "password", ["short1!", "1234567890123", "password1234", "xx-minea1-2026x", "1aeniM-2026x"]
)
def test_password_policy(two_mines, password):
    """Django's validators and the staff's own (ADR 0073): too short, all digits, common, the
    login name (also reversed)."""
    with pytest.raises(ValidationError) as refused:
        services.account_create(
            actor=factories.superuser(),
            mine=two_mines["a"],
            login="minea1",
            full_name="张某",
            password=password,
        )
    assert refused.value.message_dict["password"]
    assert not EnterpriseAccount.objects.filter(login="minea1").exists()


def test_password_may_not_contain_the_mines_name(two_mines):
    mine = two_mines["a"]
    with pytest.raises(ValidationError) as refused:
        services.account_register(
            credit_code=mine.credit_code,
            login="selfreg",
            full_name="张某",
            password=f"{mine.name}2026!!",
        )
    assert refused.value.message_dict["password"]


def test_self_registration_waits_for_verification(two_mines, province):
    mine = two_mines["a"]
    client = Client()
    response = client.post(
        "/enterprise/register/",
        {
            "credit_code": mine.credit_code,
            "login": "selfreg",
            "full_name": "张某",
            "position": "安全员",
            "phone": "13800000000",
            "password": "Strong-Pass-2026",
        },
    )
    assert response.status_code == 302
    account = EnterpriseAccount.objects.get(login="selfreg")
    assert account.status == "pending" and account.self_registered
    assert "待监管机构核验" in _login(Client(), "selfreg", "Strong-Pass-2026").content.decode()
    officer = factories.officer(agency=province["a"])
    staff = sign_in(Client(), officer)
    assert "张某" in staff.get("/enterprise/staff/").content.decode()
    staff.post(f"/enterprise/staff/accounts/{account.pk}/verify/", {"decision": "approve"})
    account.refresh_from_db()
    assert account.status == "active"
    assert _login(Client(), "selfreg", "Strong-Pass-2026").status_code == 302
    staff.post(f"/enterprise/staff/accounts/{account.pk}/disable/", {"note": "已离职"})
    assert "已停用" in _login(Client(), "selfreg", "Strong-Pass-2026").content.decode()


def test_disabling_ends_the_session(two_mines, province):
    account = two_mines["account_a"]
    client = Client()
    _login(client, account.login, MINE_PASSWORD)
    assert client.get("/enterprise/").status_code == 200
    services.account_disable(actor=factories.superuser(), account=account, note="已离职")
    assert client.get("/enterprise/").status_code == 302


def test_optional_second_factor(two_mines):
    account = two_mines["account_a"]
    services.second_factor_enrol(account=account, key_hex=TOTP_KEY_HEX, code=totp_code())
    client = Client()
    response = _login(client, account.login, MINE_PASSWORD)
    assert response["Location"].startswith("/enterprise/login/code/")
    assert client.get("/enterprise/").status_code == 302
    assert client.post("/enterprise/login/code/", {"code": "000000"}).status_code == 400
    import time

    ok = client.post("/enterprise/login/code/", {"code": totp_code(at=time.time() + 30)})
    assert ok.status_code == 302
    assert client.get("/enterprise/").status_code == 200


def test_an_unknown_login_costs_one_password_check_like_a_known_one(two_mines):
    """Equal work whether or not the login exists: the answer time must not tell which
    mines' login names exist."""
    from unittest import mock

    from django.contrib.auth.hashers import get_hasher

    hasher = type(get_hasher())
    account = two_mines["account_a"]
    with mock.patch.object(hasher, "verify", autospec=True, side_effect=hasher.verify) as spy:
        unknown = _login(Client(), "no-such-mine-login", "wrong-password-1")
        checks_unknown = spy.call_count
        known = _login(Client(REMOTE_ADDR="10.0.0.8"), account.login, "wrong-password-1")
        checks_known = spy.call_count - checks_unknown
    assert unknown.status_code == known.status_code == 400
    assert unknown.content.decode().count("登录名或密码不正确") == 1
    assert checks_unknown == checks_known == 1
