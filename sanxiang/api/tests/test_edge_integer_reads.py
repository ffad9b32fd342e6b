"""Reads with the largest integers the edge lets through (ADR 0076): ±(2**53 − 1) in every
integer query parameter of every GET operation answers below 500.

``/api/supervision/training/records?year=-9007199254740991`` was a 500 (a date built from the
year), found by the schemathesis pass (ADR 0078); the hostile-input test sends only values
beyond the bounds, which the edge refuses before any handler runs."""

from __future__ import annotations

import re

from django.test import Client

from sanxiang.api.api import api
from sanxiang.core.text import INT_MAX, INT_MIN
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _integer_queries():
    for path, methods in api.get_openapi_schema()["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        names = []
        for param in operation.get("parameters", []):
            schema = param["schema"]
            kinds = {option.get("type") for option in schema.get("anyOf", [schema])}
            if param["in"] == "query" and "integer" in kinds:
                names.append(param["name"])
        if names:
            yield path, names


def test_reads_with_integers_at_the_edge_bounds(db):
    client = Client()
    sign_in(client, factories.superuser())
    failures = []
    for path, names in _integer_queries():
        url = re.sub(r"\{\w+\}", "1", path)
        for name in names:
            for value in (INT_MIN, INT_MAX):
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append((path, name, value, response.status_code))
    assert not failures


def test_training_records_refuse_a_year_beyond_the_calendar(db):
    client = Client()
    sign_in(client, factories.superuser())
    response = client.get("/api/supervision/training/records", {"year": INT_MIN})
    assert response.status_code == 422
    assert any(error["field"].endswith("year") for error in response.json()["errors"])
