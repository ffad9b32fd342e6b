"""Writes to the register of regulated parties: coal mines and natural persons."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.identifiers import validate_credit_code, validate_id_card
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import apply_changes, clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import REGISTRY_EDITOR_ROLES

from .models import CoalMine, Person

MINE_FIELDS = (
    "name",
    "credit_code",
    "division_code",
    "address",
    "mine_type",
    "status",
    "licence_number",
    "licence_valid_until",
    "capacity_10kt",
    "person_in_charge",
    "is_key",
)


def _division_code_errors(code: str) -> dict[str, list[str]]:
    if code and not (len(code) == 6 and code.isdigit() and code[:2] != "00"):
        return {"division_code": [_("行政区划代码应为6位数字（GB/T 2260）。")]}
    return {}


@transaction.atomic
def mine_create(*, actor: Staff, supervising_agency: Agency, **fields: Any) -> CoalMine:
    require_role(actor, REGISTRY_EDITOR_ROLES, _("登记煤矿"))
    require_scope(actor, supervising_agency)
    mine = CoalMine(supervising_agency=supervising_agency)
    apply_changes(mine, fields, MINE_FIELDS)
    clean_and_save(
        mine,
        normalisers={"credit_code": validate_credit_code},
        extra_errors=_division_code_errors(mine.division_code),
    )
    ledger_append(actor=actor, action="mine.create", obj=mine)
    return mine


@transaction.atomic
def mine_update(
    *, actor: Staff, mine: CoalMine, supervising_agency: Agency | None = None, **changes: Any
) -> CoalMine:
    require_role(actor, REGISTRY_EDITOR_ROLES, _("修改煤矿信息"))
    require_scope(actor, mine.supervising_agency)
    mine = CoalMine.objects.select_for_update().get(pk=mine.pk)
    changed = apply_changes(mine, changes, MINE_FIELDS)
    if supervising_agency is not None and supervising_agency.pk != mine.supervising_agency_id:
        require_scope(actor, supervising_agency)
        mine.supervising_agency = supervising_agency
        changed.append("supervising_agency")
    clean_and_save(
        mine,
        normalisers={"credit_code": validate_credit_code},
        extra_errors=_division_code_errors(mine.division_code),
    )
    if changed:
        ledger_append(actor=actor, action="mine.update", obj=mine, details={"fields": changed})
    return mine


@transaction.atomic
def mine_licence_record(
    *, actor: Staff, mine: CoalMine, number: str, valid_until: datetime.date | None
) -> CoalMine:
    """The mine's safety-licence line, as the licensing window issues, extends, suspends or
    revokes its licence (``licensing.services``; a suspended or revoked licence is recorded as
    ending the day before)."""
    require_scope(actor, mine.supervising_agency)
    mine = CoalMine.objects.select_for_update().get(pk=mine.pk)
    if (mine.licence_number, mine.licence_valid_until) == (number, valid_until):
        return mine
    mine.licence_number, mine.licence_valid_until = number, valid_until
    mine.save(update_fields=["licence_number", "licence_valid_until"])
    ledger_append(
        actor=actor,
        action="mine.licence",
        obj=mine,
        details={"licence_number": number, "valid_until": valid_until},
    )
    return mine


PERSON_FIELDS = ("name", "id_number", "phone", "address", "employer", "job_title")


def _employer_errors(actor: Staff, employer: CoalMine | None) -> dict[str, list[str]]:
    if (
        employer is not None
        and not CoalMine.objects.restrict(actor).filter(pk=employer.pk).exists()
    ):
        return {"employer": [_("所选煤矿不存在或不在您的管辖范围内。")]}
    return {}


@transaction.atomic
def person_create(*, actor: Staff, agency: Agency, **fields: Any) -> Person:
    require_role(actor, REGISTRY_EDITOR_ROLES, _("登记自然人"))
    require_scope(actor, agency)
    person = Person(agency=agency)
    apply_changes(person, fields, PERSON_FIELDS)
    clean_and_save(
        person,
        normalisers={"id_number": validate_id_card},
        extra_errors=_employer_errors(actor, person.employer),
    )
    # The ID number is personal data: the ledger keeps only the object's digest.
    ledger_append(actor=actor, action="person.create", obj=person)
    return person


@transaction.atomic
def person_update(*, actor: Staff, person: Person, **changes: Any) -> Person:
    require_role(actor, REGISTRY_EDITOR_ROLES, _("修改自然人信息"))
    require_scope(actor, person.agency)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = apply_changes(person, changes, PERSON_FIELDS)
    clean_and_save(
        person,
        normalisers={"id_number": validate_id_card},
        extra_errors=_employer_errors(actor, person.employer),
    )
    if changed:
        ledger_append(actor=actor, action="person.update", obj=person, details={"fields": changed})
    return person
