"""The evidence API: scope-restricted metadata, device register, retrieval approval by token."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="测试", scopes=["evidence:write"])
    return {"Authorization": f"Bearer {raw}"}


def test_recordings_are_cut_to_scope_and_team(people):
    mine = factories.recording(actor=people["officer"], title="本单位记录")
    client = Client()
    own = client.get("/api/evidence/recordings", headers=_bearer(people["colleague"])).json()
    assert [r["id"] for r in own["items"]] == [mine.pk]
    assert own["items"][0]["officer_ids"] == [people["officer"].pk]
    other = client.get("/api/evidence/recordings", headers=_bearer(people["other_officer"]))
    assert other.json()["items"] == []
    missing = client.get(
        f"/api/evidence/recordings/{mine.pk}", headers=_bearer(people["other_officer"])
    )
    assert missing.status_code == 404


def test_patch_metadata_and_errors_in_chinese(people, province):
    recording = factories.recording(actor=people["officer"])
    headers = _bearer(people["officer"])
    client = Client()
    response = client.patch(
        f"/api/evidence/recordings/{recording.pk}",
        data={
            "activity": "sampling",
            "officers": [people["colleague"].username],
            "location": "井口",
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["officer_ids"] == [people["colleague"].pk]
    response = client.patch(
        f"/api/evidence/recordings/{recording.pk}",
        data={"officers": ["nobody"], "subject": "cases.unknown:1"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"officers", "subject"}


def test_retrieval_through_the_api(people):
    recording = factories.recording(actor=people["officer"])
    client = Client()
    now = timezone.now()
    created = client.post(
        "/api/evidence/retrievals",
        data={
            "recording_id": recording.pk,
            "purpose": "上级执法监督",
            "scope": "download",
            "valid_from": now.isoformat(),
            "valid_until": (now + datetime.timedelta(days=2)).isoformat(),
        },
        content_type="application/json",
        headers=_bearer(people["other_officer"]),
    )
    assert created.status_code == 201, created.content
    retrieval_id = created.json()["id"]
    by_token = client.post(
        f"/api/evidence/retrievals/{retrieval_id}/decision",
        data={"decision": "approve", "note": "同意"},
        content_type="application/json",
        headers=_bearer(people["custodian"]),
    )
    assert by_token.status_code == 403  # approvals are never done with a token (ADR 0075)
    other_head = sign_in(Client(), people["other_head"])  # with a fresh second factor
    custodian = sign_in(Client(), people["custodian"])
    refused = other_head.post(
        f"/api/evidence/retrievals/{retrieval_id}/decision",
        data={"decision": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 404  # not in his scope: he cannot even see it
    decided = custodian.post(
        f"/api/evidence/retrievals/{retrieval_id}/decision",
        data={"decision": "approve", "note": "同意"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["active"] is True
    mine = client.get("/api/evidence/retrievals", headers=_bearer(people["other_officer"]))
    assert [r["status"] for r in mine.json()["items"]] == ["approved"]
    unknown = client.post(
        "/api/evidence/retrievals",
        data={
            "recording_id": 99999999,
            "purpose": "x",
            "scope": "view",
            "valid_from": now.isoformat(),
            "valid_until": (now + datetime.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
        headers=_bearer(people["other_officer"]),
    )
    # ADR 0065: a number that does not exist gets the same answer as one that does.
    assert unknown.status_code == 201 and unknown.json()["status"] == "pending"
    beyond = client.post(
        "/api/evidence/retrievals",
        data={
            "recording_id": 10**25,
            "purpose": "x",
            "scope": "view",
            "valid_from": now.isoformat(),
            "valid_until": (now + datetime.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
        headers=_bearer(people["other_officer"]),
    )
    assert beyond.status_code == 422


def test_device_register_through_the_api(people, province):
    response = Client().post(
        "/api/evidence/devices",
        data={
            "serial_number": "DSJ-API-1",
            "model_name": "矿用本安型执法记录仪",
            "agency_id": province["a"].pk,
            "explosion_proof": True,
            "mine_safety_certificate": "MAF2026001",
            "mine_safety_valid_until": "2030-12-31",
        },
        content_type="application/json",
        headers=_bearer(people["custodian"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["underground_ready"] is True


def test_tus_endpoints_are_not_in_the_openapi_schema():
    from sanxiang.api.api import api

    assert not any("/tus" in path for path in api.get_openapi_schema()["paths"])
