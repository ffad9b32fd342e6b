"""The committed OpenAPI schema must match the code; refresh it with `make openapi`."""

import json
from pathlib import Path

from sanxiang.api.api import api

SNAPSHOT = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_openapi_schema_matches_snapshot():
    current = json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True, ensure_ascii=False))
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == committed, "API changed: review it, then run `make openapi` and commit"


def test_docs_page_uses_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "//unpkg" not in html
