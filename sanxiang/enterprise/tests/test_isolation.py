"""ADR 0150 isolation: a mine's account reaches its own pages and the public ones, nothing of
another mine, no staff page and no API operation; staff cannot use the mine's pages."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sanxiang.api.api import api
from sanxiang.enterprise.realm import OPEN_PREFIXES
from sanxiang.enterprise.services import consent_record, delivery_send
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .conftest import sign_in_mine


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern, entry.name or ""


def _concrete(pattern: str) -> str:
    path = re.sub(r"<(?:int:)?\w+>", "1", pattern)
    path = re.sub(r"<(?:str|slug|path|uuid):\w+>", "x", path)
    path = re.sub(r"[\^$]|\(\?P<\w+>[^)]*\)", "", path)
    return "/" + path.lstrip("/")


PATTERNS = sorted(set(_walk(get_resolver())))
#: The mine's own pages, and the sign-in pages of its realm.
OWN = [
    (p, n)
    for p, n in PATTERNS
    if p.startswith("enterprise/") and not p.startswith("enterprise/staff/")
]
SIGN_IN = {"login", "code", "register", "logout"}
#: Pages of a mine's account that take no id (their content is the account's own mine).
OWN_PAGES = [(p, n) for p, n in OWN if "<" not in p and n not in SIGN_IN]
#: Everything else: staff pages (including the agency's pages under /enterprise/staff/).
OTHERS = [
    (p, n)
    for p, n in PATTERNS
    if (p, n) not in OWN and not _concrete(p).startswith(OPEN_PREFIXES) and "\\" not in p
]
OPERATIONS = [
    (path, method)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
]


def test_the_walk_covers_the_site():
    assert len(OTHERS) > 150 and len(OWN) >= 10 and len(OPERATIONS) > 100


def _group(path: str) -> str:
    """A URL's app: its first path segment (two under /enterprise/ and /api/)."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2] if parts[0] in ("api", "enterprise") else parts[:1]) or "/"


def _grouped(items, key):
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(_group(key(item)), []).append(item)
    return sorted(groups.items())


# Parametrised by app (one test each, every pattern of the app inside): one database world
# per app instead of one per pattern keeps the walk within the suite's time budget.
PAGE_GROUPS = _grouped(OTHERS, lambda item: _concrete(item[0]))
API_GROUPS = _grouped(OPERATIONS, lambda item: item[0])


@pytest.mark.parametrize(("group", "patterns"), PAGE_GROUPS, ids=[g for g, _ in PAGE_GROUPS])
def test_a_mine_reaches_no_staff_page(two_mines, group, patterns):
    """Every URL pattern outside the mine's own pages and the public site, GET and POST."""
    client = sign_in_mine(Client(), two_mines["account_a"])
    for pattern, _name in patterns:
        path = _concrete(pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if path.startswith("/api/"):  # the API's own URLs (schema, docs, routers)
                assert response.status_code == 403, (pattern, method, response.status_code)
                continue
            assert response.status_code == 302, (pattern, method, response.status_code)
            assert response["Location"] == "/enterprise/", pattern


@pytest.mark.parametrize(("group", "operations"), API_GROUPS, ids=[g for g, _ in API_GROUPS])
def test_a_mine_gets_no_api_operation(two_mines, group, operations):
    """Every operation of the OpenAPI schema answers 403 problem and writes nothing."""
    client = sign_in_mine(Client(), two_mines["account_a"])
    before = LedgerEntry.objects.count()
    for path, method in operations:
        response = client.generic(
            method.upper(),
            re.sub(r"\{\w+\}", "1", path),
            data=json.dumps({}),
            content_type="application/json",
        )
        assert response.status_code == 403, (method, path, response.status_code)
        assert response["Content-Type"].startswith("application/problem+json")
    assert LedgerEntry.objects.count() == before


def test_a_mines_session_with_a_bearer_token_header_gets_nothing(two_mines):
    client = sign_in_mine(Client(), two_mines["account_a"])
    response = client.get("/api/registry/mines", HTTP_AUTHORIZATION="Bearer sx_guess")
    assert response.status_code == 403


def test_staff_cannot_use_the_mines_pages(province):
    """Every page of the mine's realm, asked by a signed-in officer: the mine's sign-in page."""
    client = sign_in(Client(), factories.officer(agency=province["a"]))
    for pattern, name in OWN:
        response = client.get(_concrete(pattern))
        if name in SIGN_IN - {"logout"}:
            # the realm's sign-in pages are open to anyone and show no data
            assert response.status_code in (200, 302), pattern
            continue
        assert response.status_code in (302, 405), (pattern, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/enterprise/login/"), pattern
    assert client.get("/").status_code == 200  # still signed in as staff


def test_own_pages_show_only_the_own_mine(ordered):
    """Each page without an id, signed in as A, shows A's mine and never B's; each page with
    an id, given B's objects, is a 404 for A."""
    _pages_without_id(ordered)
    _another_mines_objects_are_not_found(ordered)


def _pages_without_id(ordered):
    a, b = ordered["a"], ordered["b"]
    client = sign_in_mine(Client(), a["account"])
    assert len(OWN_PAGES) >= 5
    for pattern, _name in OWN_PAGES:
        response = client.get(_concrete(pattern))
        assert response.status_code == 200, pattern
        page = response.content.decode()
        assert b["mine"].name not in page and b["mine"].credit_code not in page, pattern
        assert b["measure"].document.number.text not in page, pattern
    orders = client.get("/enterprise/orders/").content.decode()
    assert a["measure"].document.number.text in orders


def _another_mines_objects_are_not_found(ordered):
    """Every page of the mine's realm with an id, given B's objects, is a 404 for A."""
    from sanxiang.enterprise.services import rectification_report_submit

    a, b = ordered["a"], ordered["b"]
    officer = ordered["crew"][0]
    consent_record(
        actor=officer,
        mine=b["mine"],
        signed_on=b["inspection"].inspected_on,
        signatory="矿长 王某",
        file=b"%PDF-1.4 consent",
        file_name="同意书.pdf",
    )
    delivery = delivery_send(actor=officer, document=b["measure"].document, mine=b["mine"])
    report = rectification_report_submit(
        account=b["account"],
        measure=b["measure"],
        content="已完成培训。",
        files=[("培训签到表.jpg", b"\xff\xd8\xff photo")],
    )
    application, notice = _licensing_application_of(b)
    ids = {
        "licensing/<int:pk>/": application.pk,
        "licensing/documents/<int:pk>/": notice.pk,
        "orders/<int:pk>/": b["measure"].pk,
        "orders/<int:pk>/document.pdf": b["measure"].pk,
        "report-files/<int:pk>/": report.files.get().pk,
        "served/<int:pk>/": delivery.pk,
        "served/<int:pk>/document.pdf": delivery.pk,
    }
    with_ids = [p for p, _ in OWN if "<" in p]
    assert sorted(p.removeprefix("enterprise/") for p in with_ids) == sorted(ids)
    client_a = sign_in_mine(Client(), a["account"])
    client_b = sign_in_mine(Client(), b["account"])
    for pattern, pk in ids.items():
        url = "/enterprise/" + re.sub(r"<int:pk>", str(pk), pattern)
        assert client_a.get(url).status_code == 404, url
        assert client_a.post(url).status_code in (404, 405), url
        assert client_b.get(url).status_code == 200, url
    # the opening by B was recorded; A's attempts left nothing
    delivery.refresh_from_db()
    assert delivery.opened_by == b["account"]


def _licensing_application_of(mine_world):
    """An online application of the mine with a correction notice on it (licensing section)."""
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalogs
    from sanxiang.licensing import services as licensing
    from sanxiang.org.models import Agency

    provincial = Agency.objects.get(pk=mine_world["mine"].supervising_agency.parent_id)
    load_sample_catalogs(
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        kinds=(CatalogKind.POWER_LIST,),
        **factories.catalog_team(agency=provincial),
    )
    item = next(i for i in licensing.licensing_items(agency=mine_world["mine"].supervising_agency))
    application = licensing.submit_application(
        mine=mine_world["mine"],
        item=item,
        materials=[licensing.Material(item.material_list[0], "a.pdf", b"%PDF-1.4 a")],
        submitted_by=mine_world["account"],
    )
    application = licensing.correction_notice(
        actor=factories.superuser(), application=application, missing=item.material_list[1:2]
    )
    return application, application.steps.exclude(document=None).get().document
