"""An officer of sub-bureau A can neither see nor change sub-bureau B's data, by UI or API."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.registry.models import CoalMine
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def two_units(province):
    officer_a = factories.officer(agency=province["a"], username="officer_a")
    officer_b = factories.officer(agency=province["b"], username="officer_b")
    mine_b = factories.mine(agency=province["b"], name="乙分局保密煤矿")
    person_b = factories.person(agency=province["b"], name="乙分局当事人")
    client = Client()
    sign_in(client, officer_a)
    return {
        "client": client,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "mine_b": mine_b,
        "person_b": person_b,
        "b": province["b"],
    }


def _assert_hidden(response, *secrets: str):
    assert response.status_code in (403, 404), response.status_code
    for secret in secrets:
        assert secret not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/registry/mines/{mine}/",
        "/registry/mines/{mine}/edit/",
        "/registry/persons/{person}/",
        "/registry/persons/{person}/edit/",
        "/org/staff/{staff}/",
        "/org/staff/{staff}/edit/",
        "/org/agencies/{agency}/",
        "/org/agencies/{agency}/edit/",
    ],
)
def test_ui_detail_and_edit_pages_are_404(two_units, url):
    u = two_units
    path = url.format(
        mine=u["mine_b"].pk, person=u["person_b"].pk, staff=u["officer_b"].pk, agency=u["b"].pk
    )
    _assert_hidden(u["client"].get(path), "乙分局保密煤矿", "乙分局当事人")
    _assert_hidden(u["client"].post(path, {"name": "篡改"}), "乙分局保密煤矿")


def test_ui_lists_do_not_leak(two_units):
    client = two_units["client"]
    for path in ("/registry/mines/", "/registry/persons/", "/org/staff/", "/org/agencies/"):
        body = client.get(path + "?q=乙").content.decode()
        assert "乙分局保密煤矿" not in body
        assert "乙分局当事人" not in body
        assert two_units["officer_b"].full_name not in body


def test_ui_change_is_refused_and_nothing_changes(two_units):
    mine = two_units["mine_b"]
    two_units["client"].post(f"/registry/mines/{mine.pk}/edit/", {"name": "被改名"})
    assert CoalMine.objects.get(pk=mine.pk).name == "乙分局保密煤矿"


@pytest.mark.parametrize(
    "path",
    [
        "/api/registry/mines/{mine}",
        "/api/registry/persons/{person}",
        "/api/org/staff/{staff}",
        "/api/org/agencies/{agency}",
        "/api/org/certificates/{certificate}",
    ],
)
def test_api_detail_is_404_without_leak(two_units, path):
    u = two_units
    url = path.format(
        mine=u["mine_b"].pk,
        person=u["person_b"].pk,
        staff=u["officer_b"].pk,
        agency=u["b"].pk,
        certificate=u["officer_b"].certificates.first().pk,
    )
    response = u["client"].get(url)
    _assert_hidden(response, "乙分局保密煤矿", "乙分局当事人", u["officer_b"].full_name)
    if "/certificates/" not in url:
        patch = u["client"].patch(url, data={}, content_type="application/json")
        _assert_hidden(patch, "乙分局保密煤矿")
    assert CoalMine.objects.get(pk=u["mine_b"].pk).name == "乙分局保密煤矿"


def test_api_lists_do_not_leak(two_units):
    client = two_units["client"]
    for path in (
        "/api/registry/mines",
        "/api/registry/persons",
        "/api/org/staff",
        "/api/org/agencies",
        "/api/org/certificates",
    ):
        response = client.get(path, {"q": "乙"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "乙分局保密煤矿" not in body and "乙分局当事人" not in body
        assert two_units["officer_b"].full_name not in body


def test_api_cannot_create_in_other_unit(two_units):
    payload = {
        "name": "越权登记煤矿",
        "credit_code": "91350100M000100Y43",
        "division_code": "140100",
        "address": "测试地址",
        "mine_type": "underground",
        "status": "producing",
        "supervising_agency_id": two_units["b"].pk,
    }
    response = two_units["client"].post(
        "/api/registry/mines", data=payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "supervising_agency_id"
    assert not CoalMine.objects.filter(name="越权登记煤矿").exists()


def test_superior_agency_sees_subordinates(province, two_units):
    head = factories.staff(agency=province["provincial"], roles=["head"])
    client = Client()
    sign_in(client, head)
    assert client.get(f"/api/registry/mines/{two_units['mine_b'].pk}").status_code == 200
    assert client.get(f"/registry/mines/{two_units['mine_b'].pk}/").status_code == 200
