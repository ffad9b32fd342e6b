"""Rectification reports (整改报告, ADR 0150): the mine reports on its own order with evidence;
the officers see the report on the inspection page; another mine's order is a 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.enterprise import services
from sanxiang.enterprise.models import RectificationReport
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing.auth import sign_in

from .conftest import sign_in_mine


def test_report_reaches_the_officers_inspection_page(ordered):
    a = ordered["a"]
    client = sign_in_mine(Client(), a["account"])
    url = f"/enterprise/orders/{a['measure'].pk}/"
    page = client.get(url).content.decode()
    assert a["measure"].due_on.strftime("%Y-%m-%d") in page
    response = client.post(
        url,
        {
            "content": "已组织全员安全培训，建立培训档案。",
            "files": [
                SimpleUploadedFile("培训签到表.jpg", b"\xff\xd8\xff signed"),
                SimpleUploadedFile("培训档案.pdf", b"%PDF-1.4 files"),
            ],
        },
    )
    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert report.account == a["account"] and report.files.count() == 2
    entry = LedgerEntry.objects.get(action="rectification_report.submit")
    assert '"enterprise.rectificationfile"' in entry.body  # the files are listed in the event
    officer = sign_in(Client(), ordered["crew"][0])
    inspection_page = officer.get(f"/inspections/{a['inspection'].pk}/").content.decode()
    assert "已组织全员安全培训" in inspection_page and "培训签到表.jpg" in inspection_page
    file_url = f"/enterprise/staff/report-files/{report.files.first().pk}/"
    assert file_url in inspection_page
    assert officer.get(file_url).status_code == 200


def test_another_mines_order_is_not_found_and_bad_reports_are_refused(ordered):
    _another_mines_order_is_not_found(ordered)
    _empty_report_is_refused_field_by_field(ordered)


def _another_mines_order_is_not_found(ordered):
    a, b = ordered["a"], ordered["b"]
    client = sign_in_mine(Client(), a["account"])
    url = f"/enterprise/orders/{b['measure'].pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"content": "冒名提交"}).status_code == 404
    assert not RectificationReport.objects.exists()
    with pytest.raises(PermissionDenied):
        services.rectification_report_submit(
            account=a["account"], measure=b["measure"], content="冒名提交"
        )


def _empty_report_is_refused_field_by_field(ordered):
    a = ordered["a"]
    client = sign_in_mine(Client(), a["account"])
    response = client.post(f"/enterprise/orders/{a['measure'].pk}/", {"content": "  "})
    assert response.status_code == 400
    assert not RectificationReport.objects.exists()
    with pytest.raises(ValidationError) as bad:
        services.rectification_report_submit(
            account=a["account"], measure=a["measure"], content="好", files=[("空.jpg", b"")]
        )
    assert "files" in bad.value.message_dict
    assert not RectificationReport.objects.exists()
