"""Every API write endpoint answers bad input with 4xx and field messages, never a 500."""

from __future__ import annotations

import functools
import json
import re
from datetime import date

import pytest
from django.test import Client

from sanxiang.api.api import api
from sanxiang.catalog.services import catalog_version_create
from sanxiang.testing import factories

WRITE_METHODS = ("post", "put", "patch")
HOSTILE_VALUES = [
    None,
    "",
    "x" * 5000,
    -1,
    10**30,
    "'; DROP TABLE org_agency; --",
    "<script>alert(1)</script>",
    [],
    {"nested": True},
    "２０２６－１３－４５",
]


def write_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in WRITE_METHODS:
                yield path, method, operation, schema


OPERATIONS = list(write_operations())


class LazyIds(dict):
    """Ids of costlier objects (inspections, cases) made only when a path first needs them."""

    def __init__(self, ready: dict, later: dict):
        super().__init__(ready)
        self._later = later

    def __contains__(self, name):
        return super().__contains__(name) or name in self._later

    def __getitem__(self, name):
        if not super().__contains__(name):
            self.update(self._later[name]())
        return super().__getitem__(name)


@pytest.fixture
def world(province, monkeypatch):
    # Hostile input needs documents issued, not typeset (PDF rendering is tested elsewhere).
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    enforcement = functools.cache(lambda: factories.enforcement_world(province=province))
    admin = factories.superuser()
    sub_a = province["a"]
    officer = factories.officer(agency=sub_a)
    mine = factories.mine(agency=sub_a)
    person = factories.person(agency=sub_a)
    version = catalog_version_create(
        actor=admin, agency=sub_a, kind="remedy", effective_from=date.today(), title="接口测试"
    )
    recording = factories.recording(actor=officer)
    retrieval = factories.retrieval(recording=recording, requester=factories.officer(agency=sub_a))
    return {
        "admin": admin,
        "ids": LazyIds(
            {
                "agency_id": sub_a.pk,
                "staff_id": officer.pk,
                "certificate_id": officer.certificates.first().pk,
                "mine_id": mine.pk,
                "person_id": person.pk,
                "version_id": version.pk,
                "device_id": factories.recording_device(agency=sub_a).pk,
                "recording_id": recording.pk,
                "retrieval_id": retrieval.pk,
            },
            {
                **dict.fromkeys(factories.ENFORCEMENT_WORLD_IDS, enforcement),
                "review_id": lambda: factories.review_world(province=province),
                "publication_id": lambda: factories.publication_world(province=province),
            },
        ),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(path: str, ids: dict) -> str:
    def fill(match):
        name = match.group(1)
        assert name in ids, f"add an existing id for path parameter {name} to the fixture"
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", fill, path)


def _body_fields(operation: dict, schema: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    ref = content["schema"].get("$ref", "")
    component = (
        schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else content["schema"]
    )
    return list(component.get("properties", {}))


def _assert_problem(response, expect_errors: bool = True):
    assert 400 <= response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code and body["title"]
    if expect_errors:
        assert body["errors"], body
        for error in body["errors"]:
            assert error["field"] and error["message"]
            assert re.search(r"[\u4e00-\u9fff]", error["message"]), error
    assert b"<script>" not in response.content


def test_there_are_write_endpoints_to_check():
    assert len(OPERATIONS) >= 8


@pytest.mark.parametrize(
    ("path", "method", "operation", "schema"),
    OPERATIONS,
    ids=[f"{m.upper()} {p}" for p, m, _, _ in OPERATIONS],
)
def test_malformed_json_is_a_problem(world, path, method, operation, schema):
    client = _client(world["admin"])
    response = getattr(client, method)(
        _url(path, world["ids"]), data="{not json", content_type="application/json"
    )
    _assert_problem(response)


@pytest.mark.parametrize(
    ("path", "method", "operation", "schema"),
    OPERATIONS,
    ids=[f"{m.upper()} {p}" for p, m, _, _ in OPERATIONS],
)
def test_empty_or_wrong_shaped_body(world, path, method, operation, schema):
    client = _client(world["admin"])
    url = _url(path, world["ids"])
    for body in ([], "text", 12):
        response = getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json"
        )
        _assert_problem(response)
    if method == "post":
        response = client.post(url, data="{}", content_type="application/json")
        _assert_problem(response)


@pytest.mark.parametrize(
    ("path", "method", "operation", "schema"),
    OPERATIONS,
    ids=[f"{m.upper()} {p}" for p, m, _, _ in OPERATIONS],
)
def test_each_field_with_hostile_values(world, path, method, operation, schema):
    """Every field, one at a time, with values of the wrong type, size or content."""
    client = _client(world["admin"])
    url = _url(path, world["ids"])
    fields = _body_fields(operation, schema)
    assert fields
    for field in fields:
        for value in HOSTILE_VALUES:
            response = getattr(client, method)(
                url, data=json.dumps({field: value}), content_type="application/json"
            )
            assert response.status_code < 500, (field, value, response.content[:300])
            if response.status_code >= 400:
                _assert_problem(response, expect_errors=response.status_code == 422)


def test_anonymous_write_is_401(world):
    response = Client().post("/api/registry/mines", data="{}", content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_unknown_object_is_404_problem(world):
    client = _client(world["admin"])
    response = client.patch(
        "/api/registry/mines/999999", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["title"] == "对象不存在或无权查看。"


def test_invalid_credit_code_gets_field_message(world, province):
    client = _client(world["admin"])
    payload = {
        "name": "校验测试煤矿",
        "credit_code": "91350100M000100Y44",
        "division_code": "140100",
        "address": "测试地址",
        "mine_type": "underground",
        "status": "producing",
        "supervising_agency_id": province["a"].pk,
    }
    response = client.post("/api/registry/mines", data=payload, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {
        "field": "credit_code",
        "message": "统一社会信用代码校验位错误，请核对后重新输入。",
    } in errors
    payload["credit_code"] = "91350100M000100Y43"
    response = client.post("/api/registry/mines", data=payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == "91350100M000100Y43"
