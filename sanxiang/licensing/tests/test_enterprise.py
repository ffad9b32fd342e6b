"""GS-MID-3 in the mine's account (ADR 0146, 0147): apply online with one material missing, the
correction notice, the correction materials, the progress and the documents; another mine
sees none of it; the complaints section files and lists the mine's own complaints."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.complaints.models import Complaint
from sanxiang.enterprise.tests.conftest import mine_account, sign_in_mine
from sanxiang.licensing import services
from sanxiang.licensing.models import Application
from sanxiang.licensing.workflow import ApplicationStatus
from sanxiang.testing import factories

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _files(names: list[str], all_names: list[str]) -> dict:
    return {
        f"material_{all_names.index(n)}": SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf")
        for n in names
    }


def test_a_mine_applies_completes_and_follows_its_application(window, province, monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    mine, item, officer = window["mine"], window["item"], window["officer"]
    account = mine_account(mine=mine)
    client = sign_in_mine(Client(), account)
    home = client.get("/enterprise/").content.decode()
    assert "行政许可申请" in home and "/enterprise/licensing/" in home
    assert item.name in client.get("/enterprise/licensing/apply/").content.decode()
    form = client.get(f"/enterprise/licensing/apply/?item={item.pk}").content.decode()
    assert all(name in form for name in item.material_list)

    # nothing uploaded: a field error in words, nothing saved
    response = client.post("/enterprise/licensing/apply/", {"item": item.pk})
    assert response.status_code == 400 and "请至少提交一份申请材料" in response.content.decode()
    assert not Application.objects.exists()

    response = client.post(
        "/enterprise/licensing/apply/",
        {"item": item.pk, **_files(item.material_list[:-1], item.material_list)},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.submitted_by_id == str(account.pk) and application.mine == mine
    page = client.get(response["Location"]).content.decode()
    assert "查询码" in page and application.number in page and "提交申请" in page

    services.correction_notice(
        actor=officer, application=application, missing=[item.material_list[-1]]
    )
    page = client.get(f"/enterprise/licensing/{application.pk}/").content.decode()
    assert "提交补正材料" in page and "一次性告知补正" in page
    notice = application.steps.exclude(document=None).get().document
    pdf = client.get(f"/enterprise/licensing/documents/{notice.pk}/")
    assert pdf.status_code == 200

    response = client.post(
        f"/enterprise/licensing/{application.pk}/",
        _files(item.material_list[-1:], item.material_list),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.complete_on == datetime.date.today() or application.complete_on
    listing = client.get("/enterprise/licensing/").content.decode()
    assert application.number in listing and "受理或不予受理" in listing

    # another mine's account: not found, nothing of this mine on its pages
    other = sign_in_mine(Client(), mine_account(mine=factories.mine(agency=province["a"])))
    assert other.get(f"/enterprise/licensing/{application.pk}/").status_code == 404
    assert other.post(f"/enterprise/licensing/{application.pk}/").status_code == 404
    assert other.get(f"/enterprise/licensing/documents/{notice.pk}/").status_code == 404
    assert application.number not in other.get("/enterprise/licensing/").content.decode()


def test_a_mine_files_a_complaint_and_sees_only_its_own(province):
    mine = factories.mine(agency=province["a"])
    client = sign_in_mine(Client(), mine_account(mine=mine))
    response = client.post("/enterprise/complaints/", {"category": "conduct", "description": ""})
    assert response.status_code == 400 and not Complaint.objects.exists()
    response = client.post(
        "/enterprise/complaints/",
        {"category": "conduct", "description": "<script>x</script>检查人员未出示执法证件。"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant_mine == mine
    page = client.get("/enterprise/complaints/").content.decode()
    assert complaint.number in page and "<script>x" not in page
    assert "投诉" in client.get("/enterprise/").content.decode()
    other = sign_in_mine(Client(), mine_account(mine=factories.mine(agency=province["a"])))
    assert complaint.number not in other.get("/enterprise/complaints/").content.decode()


def test_the_consultation_and_self_registration_forms_are_rate_limited(province, settings):
    """ADR 0148: beyond the hourly limit per address, the two public forms answer 429 and
    save nothing (the complaints' limit, counted per form)."""
    from sanxiang.enterprise.models import EnterpriseAccount
    from sanxiang.licensing.models import Consultation

    settings.SANXIANG_COMPLAINT_POSTS_PER_HOUR = 2
    client = Client()
    for path in ("/public/licensing/ask/", "/enterprise/register/"):
        for _attempt in range(2):
            assert client.post(path, {}).status_code in (200, 400), path
        refused = client.post(path, {"question": "<b>x</b>"})
        assert refused.status_code == 429 and refused["Retry-After"] == "3600", path
        assert "<b>x</b>" not in refused.content.decode()
    assert not Consultation.objects.exists() and not EnterpriseAccount.objects.exists()
