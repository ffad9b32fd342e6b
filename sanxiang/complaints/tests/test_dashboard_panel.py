"""The officer a report is assigned to finds it on his home page under 我负责核查的举报, with its
verification deadline (issue 13, item 6; issue 15); the intake officer who assigned it does not."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.complaints import services
from sanxiang.testing.auth import sign_in

from .test_staff import online


def _verifications(user) -> str:
    html = sign_in(Client(), user).get("/").content.decode()
    start = html.find("我负责核查的举报")
    return "" if start < 0 else html[start : html.find("</ul>", start)]


@pytest.mark.django_db
def test_assigned_report_reaches_the_verifier_with_its_deadline(team):
    complaint = online(team)
    complaint = services.complaint_take(actor=team["officer"], complaint=complaint)
    assert _verifications(team["partner"]) == ""
    complaint = services.complaint_assign(
        actor=team["officer"],
        complaint=complaint,
        officer=team["partner"],
        on=timezone.localdate() - datetime.timedelta(days=30),
    )
    panel = _verifications(team["partner"])
    assert complaint.number in panel and f"/complaints/{complaint.pk}/" in panel
    assert complaint.verify_due.isoformat() in panel and "已逾期" in panel
    assert _verifications(team["officer"]) == ""
