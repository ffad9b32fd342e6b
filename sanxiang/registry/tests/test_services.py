"""Register services: validation, permissions, personal data, all-or-nothing writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.ledger.models import LedgerEntry
from sanxiang.registry import selectors, services
from sanxiang.registry.models import CoalMine, Person
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

MINE = {
    "name": "服务测试煤矿",
    "credit_code": "91350100M000100Y43",
    "division_code": "140100",
    "address": "测试地址",
    "mine_type": "underground",
    "status": "producing",
}


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


def test_mine_create_writes_ledger_event(officer, province):
    before = LedgerEntry.objects.count()
    mine = services.mine_create(actor=officer, supervising_agency=province["a"], **MINE)
    entry = LedgerEntry.objects.get(seq=before + 1)
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "mine.create",
        str(mine.pk),
        officer.pk,
    )


def test_all_field_errors_reported_together_and_nothing_saved(officer, province):
    bad = dict(MINE, credit_code="123", division_code="ab", mine_type="bogus", name="")
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.mine_create(actor=officer, supervising_agency=province["a"], **bad)
    assert {"credit_code", "division_code", "mine_type", "name"} <= set(exc.value.message_dict)
    assert not CoalMine.objects.filter(address="测试地址").exists()
    assert LedgerEntry.objects.count() == before


def test_duplicate_credit_code_is_a_field_error(officer, province):
    services.mine_create(actor=officer, supervising_agency=province["a"], **MINE)
    with pytest.raises(ValidationError) as exc:
        services.mine_create(
            actor=officer, supervising_agency=province["a"], **dict(MINE, name="另一煤矿")
        )
    assert "credit_code" in exc.value.message_dict


def test_roles_without_registry_rights_are_refused(province):
    custodian = factories.staff(agency=province["a"], roles=["custodian"])
    with pytest.raises(PermissionDenied):
        services.mine_create(actor=custodian, supervising_agency=province["a"], **MINE)


def test_id_number_is_masked_for_roles_without_personal_data_rights(officer, province):
    person = factories.person(agency=province["a"], id_number="11010519491231002X")
    editor = factories.staff(agency=province["a"], roles=["publicity_editor"])
    assert selectors.person_id_number_for(officer, person) == "11010519491231002X"
    assert selectors.person_id_number_for(editor, person) == "110105********002X"


def test_id_number_never_in_ledger(officer, province):
    person = services.person_create(
        actor=officer, agency=province["a"], name="隐私测试", id_number="11010519491231002X"
    )
    for body in LedgerEntry.objects.values_list("body", flat=True):
        assert "11010519491231002X" not in body
    assert "11010519491231002X" not in repr(person) and "11010519491231002X" not in str(person)


def test_person_update_validates_id_number(officer, province):
    person = factories.person(agency=province["a"])
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=officer, person=person, id_number="11010519491231003X")
    assert "id_number" in exc.value.message_dict
    assert Person.objects.get(pk=person.pk).id_number == person.id_number


def test_api_masks_id_number_for_roles_without_the_right(officer, province):
    from django.test import Client

    person = factories.person(agency=province["a"], id_number="11010519491231002X")
    editor = factories.staff(agency=province["a"], roles=["publicity_editor"])
    client = Client()
    sign_in(client, editor)
    listed = client.get("/api/registry/persons").json()["items"]
    assert [p["id_number"] for p in listed] == ["110105********002X"]
    assert (
        client.get(f"/api/registry/persons/{person.pk}").json()["id_number"] == "110105********002X"
    )
    sign_in(client, officer)
    assert (
        client.get(f"/api/registry/persons/{person.pk}").json()["id_number"] == "11010519491231002X"
    )
