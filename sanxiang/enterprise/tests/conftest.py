"""Fixtures of 企业端's tests: mines with accounts, an order to rectify, a consent on file."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.enterprise import services
from sanxiang.enterprise.models import AccountStatus, EnterpriseAccount
from sanxiang.enterprise.realm import SESSION_HASH_KEY, SESSION_KEY, _session_hash
from sanxiang.testing import factories

MINE_PASSWORD = "Kuang-Qiye-2026"


def mine_account(*, mine, login: str | None = None) -> EnterpriseAccount:
    """An active account of ``mine`` opened by a superuser (a command's channel: no step-up)."""
    return services.account_create(
        actor=factories.superuser(),
        mine=mine,
        login=login or f"mine{mine.pk}",
        full_name="安全科长 李某",
        password=MINE_PASSWORD,
    )


def sign_in_mine(client: Client, account: EnterpriseAccount) -> Client:
    """A mine's session as the enterprise sign-in makes it (the page is tested on its own)."""
    session = client.session
    session[SESSION_KEY] = account.pk
    session[SESSION_HASH_KEY] = _session_hash(account)
    session.save()
    assert account.status == AccountStatus.ACTIVE
    return client


@pytest.fixture
def two_mines(province):
    a, b = factories.mine(agency=province["a"]), factories.mine(agency=province["a"])
    return {"a": a, "b": b, "account_a": mine_account(mine=a), "account_b": mine_account(mine=b)}


@pytest.fixture
def ordered(province, monkeypatch):
    """Mines A and B each with an account and an order to rectify within 10 days."""
    from sanxiang.inspections import services as inspections

    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    boss = factories.head(agency=sub)
    world = {"crew": crew, "head": boss, "sub": sub}
    for key in ("a", "b"):
        mine = factories.mine(agency=sub)
        visit = factories.inspection(
            plan=factories.inspection_plan(officers=crew, mine=mine, head=boss)
        )
        measure = inspections.onsite_measure_take(
            actor=crew[0],
            inspection=visit,
            kind="rectify_within_limit",
            finding=factories.finding(inspection=visit),
            content="限期完成从业人员安全培训并建立培训档案。",
            days=10,
        )
        world[key] = {
            "mine": mine,
            "inspection": visit,
            "measure": measure,
            "account": mine_account(mine=mine),
        }
    return world
