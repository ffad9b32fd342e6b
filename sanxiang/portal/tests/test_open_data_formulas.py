"""ADR 0080 on the portal's own datasets: a formula-like agency name is neutralised in the
CSV and kept as written in the JSON."""

import csv
import io

import pytest
from django.test import Client

from sanxiang.testing import factories

HOSTILE = '=HYPERLINK("http://evil.example","执法主体")'


@pytest.mark.django_db
def test_agency_dataset_csv_is_safe_to_open_and_json_keeps_the_text(province):
    factories.agency(parent=province["provincial"], name=HOSTILE, short="危")
    client = Client()
    text = client.get("/public/data/agencies.csv").content.decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))]
    assert "'" + HOSTILE in names and HOSTILE not in names
    items = client.get("/public/data/agencies.json").json()["items"]
    assert HOSTILE in [item["name"] for item in items]
