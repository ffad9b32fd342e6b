"""Heads' dashboard: the 5% legal-reviewer ratio (SH-ORG-3) at its boundary, expired certificates."""

import pytest
from django.test import Client

from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _dashboard(user) -> str:
    client = Client()
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def unit(province):
    head = factories.staff(agency=province["a"], roles=["head"])
    factories.staff(agency=province["a"], roles=["legal_reviewer"])
    return {"head": head, "agency": province["a"]}


def test_exactly_five_percent_is_compliant(unit):
    for _ in range(20):
        factories.officer(agency=unit["agency"], certified=False)
    html = _dashboard(unit["head"])
    assert "法制审核人员 1 人，执法人员 20 人" in html
    assert "低于5%的要求" not in html


def test_below_five_percent_warns(unit):
    for _ in range(21):
        factories.officer(agency=unit["agency"], certified=False)
    html = _dashboard(unit["head"])
    assert "执法人员 21 人" in html
    assert "低于5%的要求" in html


def test_officer_sees_own_certificate(unit):
    officer = factories.officer(agency=unit["agency"])
    html = _dashboard(officer)
    assert officer.certificates.get().number in html
    assert "有效" in html


def test_officer_without_certificate_is_warned(unit):
    officer = factories.officer(agency=unit["agency"], certified=False)
    assert "您没有登记执法证" in _dashboard(officer)
