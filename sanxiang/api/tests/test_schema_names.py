"""The OpenAPI document names each schema by its class name; two classes of the same name in two
apps silently share one component, so one of them documents the wrong body (issue 13, item 9).
These tests fail when two schema classes share a name, and when the body an operation documents
is not the body its endpoint accepts."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict

import pydantic
from ninja import Schema

from sanxiang.api.api import api


def _operations():
    """(method, path, operation) for every operation of the API."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"/api{prefix.rstrip('/')}{path}", operation


def _models_in(annotation) -> typing.Iterator[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _reachable_models() -> set[type[pydantic.BaseModel]]:
    """Every model an operation takes or returns, and every model nested in those."""
    pending: list[type[pydantic.BaseModel]] = []
    for _method, _path, operation in _operations():
        for params in operation.models:
            for field in params.model_fields.values():
                pending.extend(_models_in(field.annotation))
        for response in operation.response_models.values():
            pending.extend(_models_in(response))
    seen: set[type[pydantic.BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return seen


def _declared_schemas() -> set[type[Schema]]:
    """Every Schema subclass the project declares (used by an operation or not)."""
    found: set[type[Schema]] = set()
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("sanxiang.") and ".tests." not in cls.__module__:
            found.add(cls)
    return found


def test_no_two_schema_classes_share_a_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _reachable_models() | _declared_schemas():
        if not model.__module__.startswith("sanxiang."):
            continue
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"schema names must be unique across apps: {clashes}"


def _enums_in(annotation) -> typing.Iterator[type[enum.Enum]]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _enums_in(argument)


def test_no_two_enums_share_a_name():
    """Choices are documented as components named by class too: licensing's and the certificate
    applications' ``ApplicationStatus`` shared one, so the licensing list answered statuses its
    schema did not allow (found by the schemathesis pass, ADR 0078)."""
    by_name: dict[str, set[str]] = defaultdict(set)
    models = _reachable_models()
    for _method, _path, operation in _operations():
        models.update(operation.models)
    for model in models:
        for field in model.model_fields.values():
            for choices in _enums_in(field.annotation):
                by_name[choices.__name__].add(f"{choices.__module__}.{choices.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"enum names must be unique across apps: {clashes}"


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _documented_body(document: dict, method: str, path: str) -> dict:
    operation = document["paths"][path][method.lower()]
    content = operation["requestBody"]["content"]
    body = next(iter(content.values()))["schema"]
    return _resolve(body, document)


def _accepted_body(operation) -> type[pydantic.BaseModel] | None:
    for params in operation.models:
        if getattr(params, "__ninja_param_source__", "") == "body":
            (field,) = params.model_fields.values()
            return field.annotation
    return None


def test_every_documented_request_body_is_the_one_the_endpoint_accepts():
    document = api.get_openapi_schema()
    checked = 0
    for method, path, operation in _operations():
        accepted = _accepted_body(operation)
        if accepted is None:
            continue
        documented = _documented_body(document, method, path)
        fields = {f.alias or name: f for name, f in accepted.model_fields.items()}
        assert set(documented.get("properties", {})) == set(fields), (method, path)
        required = {name for name, f in fields.items() if f.is_required()}
        assert set(documented.get("required", [])) == required, (method, path)
        checked += 1
    assert checked > 50


def test_the_bodies_that_were_documented_wrong():
    document = api.get_openapi_schema()
    filing = _documented_body(document, "POST", "/api/cases/cases/{case_id}/approve-filing")
    assert set(filing["required"]) == {"expected_status", "opinion"}
    opinion = _documented_body(document, "POST", "/api/review/reviews/{review_id}/opinion")
    assert {"kind", "reasons", "proposed_change", "grounds"} <= set(opinion["properties"])
    assert "opinion" not in opinion["properties"]
    closing = _documented_body(document, "POST", "/api/cases/cases/{case_id}/close")
    assert set(closing["required"]) == {"expected_status", "summary"}
    approval = _documented_body(
        document, "POST", "/api/publicity/publications/{publication_id}/approve"
    )
    assert "expected_status" not in approval["properties"]
