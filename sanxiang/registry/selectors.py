"""Reads of the register, always cut to the acting user's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import PERSONAL_DATA_ROLES

from .models import CoalMine, Person


def mine_list(
    *,
    user: Staff,
    q: str = "",
    status: str = "",
    agency_id: int | None = None,
    is_key: bool | None = None,
) -> QuerySet[CoalMine]:
    mines = CoalMine.objects.restrict(user).select_related("supervising_agency")
    if q:
        mines = mines.filter(
            Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(address__icontains=q)
        )
    if status:
        mines = mines.filter(status=status)
    if agency_id:
        mines = mines.filter(supervising_agency_id=agency_id)
    if is_key is not None:
        mines = mines.filter(is_key=is_key)
    return mines


def mine_get(*, user: Staff, pk: int, action: str = "view") -> CoalMine:
    return CoalMine.objects.restrict(user, action).select_related("supervising_agency").get(pk=pk)


def person_list(*, user: Staff, q: str = "") -> QuerySet[Person]:
    persons = Person.objects.restrict(user).select_related("agency", "employer")
    if q:
        persons = persons.filter(name__icontains=q)
    return persons


def person_get(*, user: Staff, pk: int, action: str = "view") -> Person:
    return Person.objects.restrict(user, action).select_related("agency", "employer").get(pk=pk)


def may_see_personal_data(user: Staff, person: Person) -> bool:
    """Officers, reviewers and heads of the person's agency (or above) see the full ID number."""
    if is_superuser(user):
        return True
    return user.has_role(*PERSONAL_DATA_ROLES) and in_scope(user, person.agency)


def person_id_number_for(user: Staff, person: Person) -> str:
    return person.id_number if may_see_personal_data(user, person) else person.masked_id_number
