"""A date in the API is ``YYYY-MM-DD`` and nothing else (ADR 0076): pydantic's lax mode would
read ``0`` as 1 January 1970, which the schemathesis pass rightly reports as a schema-violating
request accepted."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "1700000000", "2026-1-7", "20261207", "2026-12-07x"])
def test_a_date_that_is_not_iso_is_a_field_error(value):
    response = Client().get("/api/publicity/results", {"date_to": value})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date_to", "message": "日期格式应为 YYYY-MM-DD。"}
    ]


@pytest.mark.django_db
def test_an_iso_date_is_accepted():
    response = Client().get("/api/publicity/results", {"date_to": "2026-12-07"})
    assert response.status_code == 200
