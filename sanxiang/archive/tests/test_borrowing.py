"""Reading a filed unit's volume on a ground, and borrowing it (JL-USE-2, JL-USE-3).

An officer outside the team is refused (logged), asks, gets a custodian's approval, reads a
watermarked copy until the period ends, and is refused again; each step is a ledger event.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sanxiang.archive import reading as unit_reading
from sanxiang.archive import services
from sanxiang.documents import borrowing
from sanxiang.documents.reading import DOWNLOAD, VIEW
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

from .test_filing import _units

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(team):
    (unit,) = _units(team, 1)
    services.unit_submit(actor=team["custodian"], unit=unit)
    return services.unit_approve(actor=team["head"], unit=unit)


def test_team_and_custodian_read_on_their_ground(team, filed):
    by_team = unit_reading.unit_volume_read(actor=team["officer"], unit=filed, mode=VIEW)
    by_custodian = unit_reading.unit_volume_read(actor=team["custodian"], unit=filed, mode=DOWNLOAD)
    assert by_team.allowed and by_team.grant.ground == f"team:inspection:{filed.inspection_id}"
    assert by_team.copy is None  # the original, streamed as stored
    assert by_custodian.allowed and by_custodian.grant.ground == "custodian"


def test_outsider_is_refused_borrows_reads_until_expiry_then_is_refused(team, filed, monkeypatch):
    outsider = factories.officer(agency=team["officer"].agency, full_name="周借阅")
    refused = unit_reading.unit_volume_read(actor=outsider, unit=filed, mode=VIEW)
    assert not refused.allowed and "借阅" in refused.grant.reason

    now = timezone.now()
    borrow = borrowing.borrow_request_create(
        actor=outsider,
        subject_type=unit_reading.UNIT,
        subject_id=str(filed.pk),
        purpose="案卷评查准备",
        scope="download",
        valid_from=now,
        valid_until=now + datetime.timedelta(hours=1),
    )
    assert borrow.subject_label.startswith(filed.archival_code)
    assert not unit_reading.unit_volume_read(actor=outsider, unit=filed, mode=VIEW).allowed
    borrowing.borrow_decide(actor=team["custodian"], borrow=borrow, approve=True)

    read = unit_reading.unit_volume_read(actor=outsider, unit=filed, mode=DOWNLOAD)
    assert read.allowed and read.grant.ground == f"borrow:{borrow.pk}"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(read.copy)).pages)
    assert "周借阅" in text and "案卷评查准备" in text  # on every page, named

    later = now + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not unit_reading.unit_volume_read(actor=outsider, unit=filed, mode=VIEW).allowed

    actions = list(
        LedgerEntry.objects.filter(
            action__in=[
                "archive.access_refused",
                "borrow.request",
                "borrow.approve",
                "archive.volume_download",
            ]
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "archive.access_refused",
        "borrow.request",
        "archive.access_refused",
        "borrow.approve",
        "archive.volume_download",
        "archive.access_refused",
    ]


def test_a_destroyed_unit_cannot_be_asked_for(team, filed):
    filed.status = "destroyed"
    filed.save(update_fields=["status"])
    assert borrowing.find(unit_reading.UNIT, str(filed.pk)) is None


def test_the_unit_page_offers_borrowing_and_the_volume_opens_once_approved(team, filed, client):
    from django.urls import reverse

    from sanxiang.documents.models import BorrowRequest
    from sanxiang.testing.auth import sign_in

    outsider = factories.officer(agency=team["officer"].agency, full_name="吴借阅")
    sign_in(client, outsider)
    volume = reverse("archive:unit_volume", args=[filed.pk])
    refused = client.get(volume)
    assert refused.status_code == 403 and "申请借阅" in refused.content.decode()
    now = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("archive:unit_borrow", args=[filed.pk]),
        {
            "purpose": "复核整改情况",
            "scope": "view",
            "valid_from": now.strftime("%Y-%m-%d %H:%M"),
            "valid_until": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    borrow = BorrowRequest.objects.get(requester=outsider)
    assert (borrow.subject_type, borrow.subject_id) == (unit_reading.UNIT, str(filed.pk))
    borrowing.borrow_decide(actor=team["custodian"], borrow=borrow, approve=True)
    opened = client.get(volume)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    last = LedgerEntry.objects.filter(action="archive.volume_view").latest("seq")
    assert json.loads(last.body)["details"]["ground"] == f"borrow:{borrow.pk}"
