"""Bearer tokens: a valid token authenticates, a revoked, expired or unknown one does not."""

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.api.models import ApiToken
from sanxiang.api.tokens import api_token_create
from sanxiang.testing import factories


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


def _get(raw: str):
    return Client().get("/api/registry/mines", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_token_authenticates(officer):
    token, raw = api_token_create(actor=officer, name="对接终端")
    assert _get(raw).status_code == 200
    assert raw not in token.key_digest


def test_unknown_token_is_refused(officer):
    assert _get("sx_not-a-token").status_code == 401


def test_revoked_token_is_refused(officer):
    token, raw = api_token_create(actor=officer, name="对接终端")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert _get(raw).status_code == 401


def test_expired_token_is_refused(officer):
    _token, raw = api_token_create(actor=officer, name="对接终端", valid_days=-1)
    assert _get(raw).status_code == 401


def test_token_of_deactivated_staff_is_refused(officer):
    _token, raw = api_token_create(actor=officer, name="对接终端")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert _get(raw).status_code == 401
