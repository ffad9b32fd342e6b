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
from sanxiang.org.privileges import privilege_request_open
from sanxiang.testing import factories
from sanxiang.testing import front_door_worlds as worlds
from sanxiang.testing.auth import sign_in

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
]  # overflow, NUL and bidi text: the edge test below sends them to every fitting field
HUGE = 10**25  # beyond 64 bits: gave 191 server errors on 27 endpoints before the edge bounds
CONTROL_TEXTS = ["空\x00字符", "照片\u202egpj.exe", "响\x07铃", "\u2066隔离"]


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
    disposal = functools.cache(lambda: factories.disposal_world(province=province))

    def after_catalogs(make):
        """A world that needs the enforcement catalogs the enforcement world publishes."""
        return lambda: (enforcement(), make(province=province))[1]

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
                **dict.fromkeys(
                    ("appeal_id", "transfer_id"),
                    functools.cache(
                        lambda: factories.appeal_world(case_id=enforcement()["case_id"])
                    ),
                ),
                "report_id": lambda: factories.error_report_world(province=province),
                "unit_id": lambda: factories.archive_world(province=province),
                **dict.fromkeys(("appraisal_id", "hold_id"), disposal),
                **dict.fromkeys(
                    (
                        "campaign_id",
                        "evaluation_file_id",
                        "evaluation_finding_id",
                        "evaluation_rectification_id",
                    ),
                    functools.cache(lambda: factories.evaluation_world(province=province)),
                ),
                "borrow_id": lambda: {
                    "borrow_id": factories.borrow_request(
                        requester=factories.officer(agency=sub_a)
                    ).pk
                },
                **dict.fromkeys(
                    ("application_id", "sheet_id"),
                    lambda: factories.supervision_world(province=province),
                ),
                "notice_id": lambda: factories.supervision_world(
                    province=province, case_id=enforcement()["case_id"]
                ),
                **dict.fromkeys(
                    ("complaint_id", "file_id"),
                    functools.cache(lambda: worlds.complaint_world(province=province)),
                ),
                **dict.fromkeys(
                    ("licensing_application_id", "licence_id", "consultation_id"),
                    functools.cache(after_catalogs(worlds.licensing_world)),
                ),
                "branch_id": after_catalogs(worlds.branch_world),
                "action": lambda: {"action": "accept"},
                "privilege_request_id": lambda: {
                    "privilege_request_id": privilege_request_open(
                        actor=admin, staff=officer, kind="grant", roles=["head"]
                    ).pk
                },
            },
        ),
    }


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _url(path: str, ids: dict) -> str:
    def fill(match):
        name = match.group(1)
        if name == "application_id" and path.startswith("/api/licensing/"):
            name = "licensing_application_id"  # "application_id" is also a 年审 form's
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
    # An operation without a body never parses it: its answer is still a problem (the row's
    # state or the user's role), though not one about fields.
    _assert_problem(response, expect_errors="requestBody" in operation)


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
        _assert_problem(response, expect_errors="requestBody" in operation)
    if method == "post":
        response = client.post(url, data="{}", content_type="application/json")
        _assert_problem(response, expect_errors="requestBody" in operation)


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
    if "requestBody" not in operation:
        pytest.skip("the operation takes no body (its path ids are checked by the other tests)")
    assert fields
    for field in fields:
        for value in HOSTILE_VALUES:
            response = getattr(client, method)(
                url, data=json.dumps({field: value}), content_type="application/json"
            )
            assert response.status_code < 500, (field, value, response.content[:300])
            if response.status_code >= 400:
                _assert_problem(response, expect_errors=response.status_code == 422)


def _int_and_text_fields(operation: dict, schema: dict) -> tuple[list[str], list[str]]:
    """Body fields holding integers (or lists of them) and free text, from the documented schema."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return [], []
    ref = content["schema"].get("$ref", "")
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else {}
    ints, texts = [], []
    for name, prop in component.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        kinds = {o.get("type") for o in options} | {
            o.get("items", {}).get("type") for o in options if o.get("type") == "array"
        }
        if "integer" in kinds:
            ints.append(name)
        if any(
            o.get("type") == "string" and "format" not in o and "enum" not in o for o in options
        ):
            texts.append(name)
    return ints, texts


def _errors_for(response, field: str) -> list[str]:
    return [
        e["message"]
        for e in response.json().get("errors", [])
        if e["field"] == field or e["field"].startswith(field + ".")
    ]


@pytest.mark.parametrize(
    ("path", "method", "operation", "schema"),
    OPERATIONS,
    ids=[f"{m.upper()} {p}" for p, m, _, _ in OPERATIONS],
)
def test_overflowing_integers_and_control_characters_are_refused_at_the_edge(
    db, path, method, operation, schema
):
    """10**25 in any integer field (alone or in a list), NUL or a bidi override in any text
    field: 422 naming that field in Chinese, before any service or database sees it (so no
    objects are needed: the path ids need not exist)."""
    client = _client(factories.superuser())
    url = re.sub(r"\{\w+\}", "1", path)
    ints, texts = _int_and_text_fields(operation, schema)
    for field in ints:
        for value in (HUGE, -HUGE, [HUGE]):
            response = getattr(client, method)(
                url, data=json.dumps({field: value}), content_type="application/json"
            )
            _assert_problem(response)
            messages = _errors_for(response, field)
            assert messages and all(re.search(r"[\u4e00-\u9fff]", m) for m in messages), (
                field,
                value,
                response.json(),
            )
    for field in texts:
        for value in CONTROL_TEXTS:
            response = getattr(client, method)(
                url, data=json.dumps({field: value}), content_type="application/json"
            )
            _assert_problem(response)
            assert _errors_for(response, field), (field, value, response.json())


GET_OPERATIONS = [
    (path, operation)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for verb, operation in methods.items()
    if verb == "get"
]


@pytest.mark.parametrize(("path", "operation"), GET_OPERATIONS, ids=[p for p, _ in GET_OPERATIONS])
def test_reads_with_overflowing_page_ids_and_control_characters(db, path, operation):
    """``?page=999…9``, ids beyond 64 bits in the path, NUL in a search term: 4xx, never 500."""
    client = _client(factories.superuser())
    huge = "9" * 40
    params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    if "{" in path:
        response = client.get(re.sub(r"\{\w+\}", huge, path))
        assert 400 <= response.status_code < 500, response.content[:300]
        _assert_problem(response, expect_errors=response.status_code == 422)
    url = re.sub(r"\{\w+\}", "1", path)
    for name, param in params.items():
        kinds = {o.get("type") for o in param["schema"].get("anyOf", [param["schema"]])}
        values = [huge, "-" + huge] if "integer" in kinds else ["空\x00字符", "照片\u202egpj.exe"]
        if not kinds & {"integer", "string"}:
            continue
        for value in values:
            response = client.get(url, {name: value})
            assert 400 <= response.status_code < 500, (name, value, response.content[:300])
            _assert_problem(response)
            assert _errors_for(response, name), response.json()


def test_calendar_page_with_an_overflowing_year(db):
    client = _client(factories.superuser())
    for query in ({"year": "9" * 40, "month": "1"}, {"year": "2026", "month": "9" * 40}):
        response = client.get("/calendar/", query)
        assert response.status_code == 200


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
