"""ADR 0065 acceptance: a retrieval request opens no side door across agencies.

An officer of sub-bureau B asks for a (secret) recording of sub-bureau A by number, through
the API with a CSRF-enforcing session from the real login. While the request is pending,
refused or expired he reads nothing of it anywhere — evidence API and pages, lists and
searches, ledger entries and proofs — and the answer equals the one for a number that does not
exist; only an approval, and only within its period, shows the record. The same masking rule
serves the pages and the API.
"""

from __future__ import annotations

import datetime
import json
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.evidence import services
from sanxiang.evidence.models import RetrievalRequest
from sanxiang.ledger import services as ledger_services
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import second_factor_form, sign_in
from sanxiang.testing.isolation import not_found_page

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
MISSING = 99_999_999

TITLE = "甲矿回采工作面瓦斯超限处置录像"
FILENAME = "甲矿瓦斯超限.mp4"
LOCATION = "甲矿-350水平回风巷"


@pytest.fixture
def world(people):
    recording = factories.recording(
        actor=people["officer"], filename=FILENAME, activity="sealing_seizure"
    )
    recording = services.recording_update(
        actor=people["officer"], recording=recording, title=TITLE, location=LOCATION
    )
    recording = services.recording_set_confidentiality(
        actor=people["head"], recording=recording, level="trade_secret", reason="涉及企业工艺"
    )
    services.recording_assign_custodian(
        actor=people["head"], recording=recording, custodian=people["custodian"]
    )
    ledger_services.checkpoint_sign()
    return {**people, "recording": recording}


def _login(user) -> Client:
    """The real login form, then a client that enforces CSRF like a browser's session."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    response = client.post(
        "/login/",
        {
            "username": user.username,
            "password": factories.PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return second_factor_form(client, user)  # heads and custodians give their code too


def _post_json(client: Client, path: str, payload: dict):
    return client.post(
        path,
        json.dumps(payload),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )


def _ask(client: Client, number: int, hours: int = 2, now: datetime.datetime | None = None):
    now = now or timezone.now()
    return _post_json(
        client,
        "/api/evidence/retrievals",
        {
            "recording_id": number,
            "purpose": "执法监督复核",
            "scope": "download",
            "valid_from": (now - datetime.timedelta(minutes=1)).isoformat(),
            "valid_until": (now + hours * H).isoformat(),
        },
    )


def _marks(world, decided: bool = False) -> list[str]:
    """What of the record must not reach the other agency: its words and its people's names
    (who decided his request the requester is told, with the reason)."""
    marks = [
        TITLE,
        FILENAME,
        LOCATION,
        world["officer"].full_name,
        world["custodian"].full_name,
        world["recording"].sha256,
    ]
    return marks if decided else [*marks, world["head"].full_name]


def _assert_sees_nothing(client: Client, world, decided: bool = False) -> None:
    recording = world["recording"]
    pk, marks = recording.pk, _marks(world, decided)
    pages = {
        "/api/evidence/recordings": 200,
        "/api/evidence/recordings?q=瓦斯": 200,
        "/api/evidence/retrievals": 200,
        "/evidence/": 200,
        "/evidence/?q=瓦斯": 200,
        "/evidence/retrievals/": 200,
        "/transparency/": 200,
        "/transparency/checkpoints.json": 200,
    }
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        text = response.content.decode()
        for mark in marks:
            assert mark not in text, (path, mark)
    listing = client.get("/api/evidence/recordings").json()
    assert pk not in [r["id"] for r in listing["items"]]
    # Detail, player, stream and download answer as for a number that does not exist.
    for suffix in ("/", "/stream", "/download", "/edit/", "/custodian/"):
        path, missing = (
            f"/evidence/recordings/{pk}{suffix}",
            f"/evidence/recordings/{MISSING}{suffix}",
        )
        assert not_found_page(client.get(path), path) == not_found_page(
            client.get(missing), missing
        ), path
    api_missing = client.get(f"/api/evidence/recordings/{MISSING}")
    api_other = client.get(f"/api/evidence/recordings/{pk}")
    assert (api_other.status_code, api_other.json()) == (404, api_missing.json())
    # The ledger: no entry about the record, its custody or its ingest is readable; the
    # proofs are public but carry the leaf hash only.
    about = LedgerEntry.objects.filter(object_type="evidence.recording", object_id=str(pk))
    assert about.count() >= 4
    checkpoint = ledger_services.checkpoint_sign()
    for entry in about:
        response = client.get(f"/api/ledger/entries/{entry.seq}")
        assert response.status_code == 404
        assert "没有序号为" in response.json()["title"]
        if entry.seq <= checkpoint.tree_size:
            proof = client.get(f"/api/ledger/proofs/inclusion?seq={entry.seq}").json()
            assert "entry" not in proof and proof["leaf_hash"] == bytes(entry.leaf_hash).hex()
    mine_a = LedgerEntry.objects.filter(agency_id=world["province"]["a"].pk).first()
    assert client.get(f"/api/ledger/entries/{mine_a.seq}").status_code == 404


def _assert_sees_it(client: Client, world) -> None:
    pk = world["recording"].pk
    detail = client.get(f"/api/evidence/recordings/{pk}")
    assert detail.status_code == 200 and detail.json()["title"] == TITLE
    assert pk in [r["id"] for r in client.get("/api/evidence/recordings").json()["items"]]
    assert TITLE in client.get(f"/evidence/recordings/{pk}/").content.decode()
    entry = LedgerEntry.objects.filter(object_type="evidence.recording", object_id=str(pk)).first()
    assert client.get(f"/api/ledger/entries/{entry.seq}").status_code == 200


def test_pending_refused_and_expired_requests_grant_nothing_approval_within_its_period(world):
    outsider = _login(world["other_officer"])
    _assert_sees_nothing(outsider, world)

    # Asking for the record and for a number that does not exist: the same answer.
    now = timezone.now()
    asked, nothing = (
        _ask(outsider, world["recording"].pk, now=now),
        _ask(outsider, MISSING, now=now),
    )
    assert asked.status_code == nothing.status_code == 201, asked.content

    def neutral(body: dict) -> dict:
        return {k: v for k, v in body.items() if k not in ("id", "recording_id")}

    assert neutral(asked.json()) == neutral(nothing.json())
    assert asked.json()["status"] == "pending" and not asked.json()["active"]
    for text in (asked.content.decode(), nothing.content.decode()):
        assert all(mark not in text for mark in _marks(world))
    rows = RetrievalRequest.objects.filter(pk__in=[asked.json()["id"], nothing.json()["id"]])
    assert [r.recording_id for r in rows] == [None, None]
    events = LedgerEntry.objects.filter(
        object_type="evidence.retrievalrequest",
        object_id__in=[str(asked.json()["id"]), str(nothing.json()["id"])],
    )
    bodies = [json.loads(e.body) for e in events]
    assert [sorted(b["details"]) for b in bodies] == [["recording_id", "scope"]] * 2
    # Both requests are the requester's to read, with the number he typed and nothing else.
    listing = outsider.get("/evidence/retrievals/").content.decode()
    assert world["recording"].number in listing and f"YX{MISSING:08d}" in listing

    _assert_sees_nothing(outsider, world)  # pending

    refused = RetrievalRequest.objects.get(pk=asked.json()["id"])
    services.retrieval_decide(actor=world["head"], retrieval=refused, approve=False, note="无据")
    _assert_sees_nothing(outsider, world, decided=True)  # refused

    retrieval = RetrievalRequest.objects.get(pk=_ask(outsider, world["recording"].pk).json()["id"])
    approved = services.retrieval_decide(actor=world["head"], retrieval=retrieval, approve=True)
    _assert_sees_it(outsider, world)  # approved, within its period

    later = approved.valid_until + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        _assert_sees_nothing(outsider, world, decided=True)  # expired


def test_the_other_agencys_head_sees_nothing_and_cannot_decide(world):
    head_b = _login(world["other_head"])
    _assert_sees_nothing(head_b, world)
    requester = _login(world["other_officer"])
    request_id = _ask(requester, world["recording"].pk).json()["id"]
    # Not in B's approval queue, and deciding answers like a request that does not exist.
    assert "待我审批" not in head_b.get("/evidence/retrievals/").content.decode()
    decided = _post_json(
        head_b, f"/api/evidence/retrievals/{request_id}/decision", {"decision": "approve"}
    )
    missing = _post_json(
        head_b, "/api/evidence/retrievals/99999999/decision", {"decision": "approve"}
    )
    assert decided.status_code == missing.status_code == 404
    assert RetrievalRequest.objects.get(pk=request_id).status == "pending"


def test_api_and_pages_mask_secret_titles_alike(world):
    """JL-ARC-2: a colleague in scope without access reads the same masked title and file name
    in the API as on the list and detail pages; the team reads the real ones in both; a search
    does not find the record by the words of its masked title."""
    recording = world["recording"]
    masked = f"（商业秘密）{recording.number}"
    for who, expected_title, expected_file in (
        ("colleague", masked, masked),
        ("officer", TITLE, FILENAME),
    ):
        client = Client()
        sign_in(client, world[who])
        detail = client.get(f"/api/evidence/recordings/{recording.pk}").json()
        assert (detail["title"], detail["original_name"]) == (expected_title, expected_file)
        items = client.get("/api/evidence/recordings").json()["items"]
        assert [r["title"] for r in items if r["id"] == recording.pk] == [expected_title]
        page = client.get(f"/evidence/recordings/{recording.pk}/").content.decode()
        listing = client.get("/evidence/").content.decode()
        for html in (page, listing):
            assert expected_title in html
        assert expected_file in page
        hidden = {TITLE, FILENAME} - {expected_title, expected_file}
        assert not any(h in page or h in listing for h in hidden), who
        found = client.get("/api/evidence/recordings?q=瓦斯").json()["items"]
        assert (recording.pk in [r["id"] for r in found]) == (who == "officer")
        assert (TITLE in client.get("/evidence/?q=瓦斯").content.decode()) == (who == "officer")
        # The location is not masked: searching by it finds the record for both.
        by_place = client.get("/api/evidence/recordings?q=回风巷").json()["items"]
        assert recording.pk in [r["id"] for r in by_place]
