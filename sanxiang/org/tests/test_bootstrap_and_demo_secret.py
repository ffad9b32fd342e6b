"""A fresh installation gets its first head and administrator from a command (ADR 0070);
``check --deploy`` refuses while the published demo TOTP secret is in use (ADR 0071)."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP

from sanxiang.demo.identities import credit_code
from sanxiang.org.checks import demo_key_hex, no_demo_second_factor
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.org.second_factor import second_factor_enrol

ARGS = [
    "--agency-name=新省煤矿安全监察局",
    "--short-name=新",
    "--credit-code=11140000MB0000000X",
    "--head=firsthead",
    "--head-name=首任负责人",
    "--admin=firstadmin",
    "--admin-name=首任管理员",
]


@pytest.mark.django_db
def test_bootstrap_creates_first_head_and_admin_once(monkeypatch):
    monkeypatch.setenv("SANXIANG_BOOTSTRAP_HEAD_PASSWORD", "Strong-first-7788")
    monkeypatch.setenv("SANXIANG_BOOTSTRAP_ADMIN_PASSWORD", "Strong-admin-7788")
    ARGS[2] = "--credit-code=" + credit_code(random.Random(1), "140000", "11")
    call_command("bootstrap_accounts", *ARGS)
    assert Staff.objects.get(username="firsthead").role_codes == {Role.HEAD}
    assert Staff.objects.get(username="firstadmin").role_codes == {Role.SYSTEM_ADMIN}
    with pytest.raises(CommandError):
        call_command("bootstrap_accounts", *ARGS)


def test_deploy_check_fails_while_a_demo_secret_exists(province):
    from sanxiang.testing import factories

    assert no_demo_second_factor() == []
    head = factories.staff(agency=province["provincial"], roles=[Role.HEAD])
    key = demo_key_hex()
    second_factor_enrol(staff=head, key_hex=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}")
    errors = no_demo_second_factor()
    assert [e.id for e in errors] == ["sanxiang.E071"]
