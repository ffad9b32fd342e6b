"""JL-USE-2 retrieval approval and JL-ARC-2 confidentiality: who may see, download, approve;
expiry; every view, stream, download and refusal in the ledger; alerts to custodians."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from sanxiang.evidence import access, services
from sanxiang.evidence.models import (
    AccessAlert,
    AlertKind,
    Confidentiality,
    RetrievalRequest,
    RetrievalStatus,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in
from sanxiang.testing.isolation import not_found_page

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


@pytest.fixture
def recording(people):
    return factories.recording(actor=people["officer"], activity="sealing_seizure")


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _actions(recording) -> list[str]:
    return list(
        LedgerEntry.objects.filter(object_type="evidence.recording", object_id=str(recording.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _request(people, recording, *, who="other_officer", scope="view", hours=2):
    now = timezone.now()
    return services.retrieval_request_create(
        actor=people[who],
        recording=recording,
        purpose="复核查封程序（执法监督）",
        scope=scope,
        valid_from=now - datetime.timedelta(minutes=1),
        valid_until=now + hours * H,
    )


def test_team_and_custodians_have_access_others_do_not(people, recording):
    assert access.access_for(people["officer"], recording).view
    assert access.access_for(people["custodian"], recording).basis == "custodian"
    for outsider in ("other_officer", "colleague", "head", "other_head"):
        decision = access.access_for(people[outsider], recording)
        assert not decision.view and not decision.download, outsider
        assert "《实施办法》四（四）2" in decision.reason


def test_acceptance_other_unit_refused_then_approved_until_expiry_then_refused(people, recording):
    """JL-USE-2 acceptance: refused → request → head approves → views → expires → refused."""
    outsider = _client(people["other_officer"])
    stream = f"/evidence/recordings/{recording.pk}/stream"
    # Another unit's record answers like a missing number (ADR 0065); the attempt is logged.
    refused = outsider.get(stream, headers={"Range": "bytes=0-99"})
    assert refused.status_code == 404
    missing = "/evidence/recordings/999999/stream"
    assert not_found_page(outsider.get(missing), missing) == not_found_page(refused, stream)

    retrieval = _request(people, recording, hours=2)
    assert outsider.get(stream).status_code == 404  # pending is not approved
    with pytest.raises(PermissionDenied):  # a head of another unit cannot approve
        services.retrieval_decide(actor=people["other_head"], retrieval=retrieval, approve=True)
    services.retrieval_decide(actor=people["head"], retrieval=retrieval, approve=True, note="同意")

    ok = outsider.get(stream, headers={"Range": "bytes=0-99"})
    assert ok.status_code == 206 and len(b"".join(ok.streaming_content)) == 100
    page = outsider.get(f"/evidence/recordings/{recording.pk}/")
    assert page.status_code == 200 and 'id="player"' in page.content.decode()
    assert outsider.get(f"/evidence/recordings/{recording.pk}/download").status_code == 403

    later = timezone.now() + 3 * H
    with mock.patch("django.utils.timezone.now", return_value=later):
        expired = outsider.get(stream, headers={"Range": "bytes=0-99"})
        assert expired.status_code == 404
    retrieval.refresh_from_db()
    assert retrieval.status == RetrievalStatus.APPROVED and not retrieval.is_active_at(later)

    assert _actions(recording) == [
        "recording.create",
        "recording.access_refused",  # before any request
        "recording.access_refused",  # request still pending
        "recording.stream",  # approved
        "recording.view",
        "recording.access_refused",  # download was not approved
        "recording.access_refused",  # expired
    ]
    steps = list(
        LedgerEntry.objects.filter(object_type="evidence.retrievalrequest")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert steps == ["retrieval.request", "retrieval.approve"]
    refusal = LedgerEntry.objects.filter(action="recording.access_refused").last()
    assert refusal.actor_id == people["other_officer"].pk


def test_custodian_may_approve_ordinary_but_only_a_head_secrets(people, recording):
    services.retrieval_decide(
        actor=people["custodian"], retrieval=_request(people, recording), approve=True
    )
    services.recording_set_confidentiality(
        actor=people["head"],
        recording=recording,
        level=Confidentiality.TRADE_SECRET,
        reason="涉及企业工艺",
    )
    retrieval = _request(people, recording)
    with pytest.raises(PermissionDenied):
        services.retrieval_decide(actor=people["custodian"], retrieval=retrieval, approve=True)
    services.retrieval_decide(actor=people["head"], retrieval=retrieval, approve=True)


def test_state_secrets_are_never_downloaded(people, recording):
    recording = services.recording_set_confidentiality(
        actor=people["head"], recording=recording, level=Confidentiality.STATE_SECRET, reason="定密"
    )
    # Asking tells nothing about the level; the approval narrows a download to viewing.
    retrieval = services.retrieval_decide(
        actor=people["head"], retrieval=_request(people, recording, scope="download"), approve=True
    )
    assert retrieval.scope == "view" and "在线查看" in retrieval.decision_note
    assert access.access_for(people["other_officer"], recording).view
    assert not access.access_for(people["other_officer"], recording).download
    assert not access.access_for(people["officer"], recording).download
    assert access.access_for(people["officer"], recording).view


def test_classifying_secrets_needs_a_head_and_a_reason(people, recording):
    with pytest.raises(ValidationError) as refused:
        services.recording_set_confidentiality(
            actor=people["custodian"], recording=recording, level="state_secret", reason=""
        )
    assert set(refused.value.message_dict) == {"level", "reason"}
    services.recording_set_confidentiality(
        actor=people["custodian"], recording=recording, level="personal", reason="含当事人面部"
    )


def test_requests_are_validated_all_at_once(people, recording):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.retrieval_request_create(
            actor=people["other_officer"],
            recording=recording,
            purpose=" ",
            scope="copy",
            valid_from=now,
            valid_until=now - H,
        )
    assert set(refused.value.message_dict) >= {"purpose", "scope", "valid_until"}
    with pytest.raises(ValidationError):
        services.retrieval_request_create(
            actor=people["other_officer"],
            recording=recording,
            purpose="查阅",
            scope="view",
            valid_from=now,
            valid_until=now + datetime.timedelta(days=365),
        )


def test_decisions_self_approval_double_decision_and_refusal_reason(people, recording):
    own = _request(people, recording, who="head")
    with pytest.raises(PermissionDenied):
        services.retrieval_decide(actor=people["head"], retrieval=own, approve=True)
    retrieval = _request(people, recording)
    with pytest.raises(ValidationError):
        services.retrieval_decide(actor=people["head"], retrieval=retrieval, approve=False)
    services.retrieval_decide(
        actor=people["head"], retrieval=retrieval, approve=False, note="事由不充分"
    )
    with pytest.raises(ValidationError):
        services.retrieval_decide(actor=people["head"], retrieval=retrieval, approve=True)
    assert not access.access_for(people["other_officer"], recording).view


def test_download_scope_allows_a_watermarked_download(people):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (400, 300), (20, 120, 200)).save(buffer, "JPEG")
    photo = factories.recording(
        actor=people["officer"],
        data=buffer.getvalue(),
        filename="现场照片.jpg",
        content_type="image/jpeg",
    )
    retrieval = _request(people, photo, scope="download")
    services.retrieval_decide(actor=people["custodian"], retrieval=retrieval, approve=True)
    response = _client(people["other_officer"]).get(f"/evidence/recordings/{photo.pk}/download")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.content != buffer.getvalue()  # a watermarked copy, not the original
    image = Image.open(BytesIO(response.content))
    assert image.size == (400, 300)
    original = Image.open(BytesIO(buffer.getvalue())).convert("RGB")
    assert original.getpixel((200, 290)) != image.convert("RGB").getpixel((200, 290))
    assert "recording.download" in _actions(photo)


def test_every_access_of_the_team_is_in_the_ledger_too(people, recording):
    client = _client(people["officer"])
    client.get(f"/evidence/recordings/{recording.pk}/")
    client.get(f"/evidence/recordings/{recording.pk}/stream", headers={"Range": "bytes=0-9"})
    client.get(f"/evidence/recordings/{recording.pk}/download")
    assert _actions(recording)[-3:] == ["recording.view", "recording.stream", "recording.download"]


def test_off_hours_access_alerts_the_custodian_once_an_hour(people, recording):
    sunday_night = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30))
    with mock.patch("django.utils.timezone.now", return_value=sunday_night):
        retrieval = _request(people, recording)
        services.retrieval_decide(actor=people["head"], retrieval=retrieval, approve=True)
        for _ in range(3):
            services.recording_access(
                actor=people["other_officer"], recording=recording, mode=access.STREAM
            )
    alerts = AccessAlert.objects.filter(kind=AlertKind.OFF_HOURS)
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.actor == people["other_officer"] and alert.agency == people["province"]["a"]
    services.alert_acknowledge(actor=people["custodian"], alert=alert, note="已核实，系加班复核")
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=people["other_head"], alert=alert, note="x")
    page = _client(people["custodian"]).get("/evidence/alerts/")
    assert "非工作时间调阅" in page.content.decode()


@override_settings(SANXIANG_EVIDENCE_BULK_THRESHOLD=3)
def test_bulk_access_alerts_the_custodian(people):
    recordings = [factories.recording(actor=people["officer"]) for _ in range(5)]
    office = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=office):
        for recording in recordings:
            services.retrieval_decide(
                actor=people["custodian"], retrieval=_request(people, recording), approve=True
            )
            services.recording_access(
                actor=people["other_officer"], recording=recording, mode=access.VIEW
            )
    assert list(AccessAlert.objects.values_list("kind", flat=True)) == [AlertKind.BULK]
    assert LedgerEntry.objects.filter(action="evidence.alert").count() == 1


def test_custody_assignment(people, recording):
    with pytest.raises(ValidationError):
        services.recording_assign_custodian(
            actor=people["head"], recording=recording, custodian=people["colleague"]
        )
    services.recording_assign_custodian(
        actor=people["head"], recording=recording, custodian=people["custodian"]
    )
    recording.refresh_from_db()
    assert recording.custodian == people["custodian"]
    assert "recording.custodian" in _actions(recording)
    with pytest.raises(PermissionDenied):
        services.recording_assign_custodian(
            actor=people["other_head"], recording=recording, custodian=people["custodian"]
        )


def test_secret_titles_are_masked_for_outsiders(people, recording):
    from sanxiang.evidence import selectors

    recording = services.recording_set_confidentiality(
        actor=people["head"], recording=recording, level="trade_secret", reason="商业秘密"
    )
    assert selectors.title_for(people["officer"], recording) == recording.title
    masked = selectors.title_for(people["colleague"], recording)
    assert recording.title not in masked and "商业秘密" in masked


def test_ui_request_and_decision_pages(people, recording):
    outsider = _client(people["other_officer"])
    now = timezone.localtime().replace(second=0, microsecond=0)
    response = outsider.post(
        "/evidence/retrievals/new/",
        {
            "recording": recording.pk,
            "purpose": "执法监督检查",
            "scope": "view",
            "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now + 4 * H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    retrieval = RetrievalRequest.objects.get(requested_id=recording.pk)
    assert retrieval.recording is None  # linked only by the decision
    head = _client(people["head"])
    listing = head.get("/evidence/retrievals/").content.decode()
    assert "待我审批" in listing and "执法监督检查" in listing
    response = head.post(
        f"/evidence/retrievals/{retrieval.pk}/decide/", {"decision": "approve", "note": "同意"}
    )
    assert response.status_code == 302
    assert outsider.get(f"/evidence/recordings/{recording.pk}/").status_code == 200
    assert _client(people["colleague"]).get(
        f"/evidence/retrievals/{retrieval.pk}/decide/"
    ).status_code in (403, 404)
