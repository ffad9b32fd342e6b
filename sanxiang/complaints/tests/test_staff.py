"""GS-MID-3 / 安全生产法 art. 73: handling a report — intake, assignment with the verification
deadline (示例 rules on the official calendar), verification, conversion into an inspection,
reply, escalation, reward; the reporter's identity masked beyond the intake officer and head."""

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sanxiang.complaints import selectors, services
from sanxiang.complaints.models import Complaint
from sanxiang.complaints.rules import verify_due
from sanxiang.complaints.workflow import ComplaintStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing.auth import sign_in

from .conftest import report_data

CONTACT = "13987654321"


def online(team, **extra) -> Complaint:
    data = report_data(team, reporter_contact=CONTACT, **extra)
    data["mine"] = team["mine"]
    data["occurred_on"] = datetime.date(2026, 11, 30)
    complaint, _code = services.complaint_submit(
        address="10.0.0.1", data=data, pow_payload=_captcha()
    )
    return complaint


def _captcha():
    from .conftest import fresh_captcha

    return fresh_captcha()


@pytest.mark.django_db
def test_verification_deadline_counts_working_days_on_the_official_calendar():
    """GS-MID-3 (示例 rules): 10 working days from 2026-09-29 skip National Day 2026 and count
    the adjusted working Saturday 10 October; a report involving deaths takes 3."""
    due, basis = verify_due("hazard", involves_deaths=False, assigned_on=datetime.date(2026, 9, 29))
    assert due.date == datetime.date(2026, 10, 19)
    assert "示例" in basis
    due, _basis = verify_due("hazard", involves_deaths=True, assigned_on=datetime.date(2026, 9, 29))
    assert due.date == datetime.date(2026, 10, 9)
    due, _basis = verify_due("other", involves_deaths=False, assigned_on=datetime.date(2026, 9, 30))
    assert due.date == datetime.date(2026, 11, 3)


@pytest.mark.django_db
def test_full_path_to_an_inspection_with_identity_masked(team, caplog):
    caplog.set_level(logging.DEBUG)
    officer, partner, head, other = team["officer"], team["partner"], team["head"], team["other"]
    complaint = online(team)
    assert selectors.intake_queue(user=officer).filter(pk=complaint.pk).exists()
    # before anyone takes it, an officer sees the identity masked
    assert selectors.reporter_for(officer, complaint)["masked"]
    complaint = services.complaint_take(actor=officer, complaint=complaint)
    assert selectors.reporter_for(officer, complaint)["contact"] == CONTACT
    assert selectors.reporter_for(head, complaint)["contact"] == CONTACT
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=other, complaint=complaint, officer=partner)
    complaint = services.complaint_assign(
        actor=officer, complaint=complaint, officer=partner, on=datetime.date(2026, 9, 29)
    )
    assert complaint.verify_due == datetime.date(2026, 10, 19)
    # the verifier is not the intake officer: masked for him
    seen = selectors.reporter_for(partner, complaint)
    assert seen["masked"] and CONTACT not in str(seen)
    with pytest.raises(PermissionDenied):
        services.complaint_verify(
            actor=other, complaint=complaint, finding="x", substantiated="true"
        )
    with pytest.raises(ValidationError):
        services.complaint_verify(actor=partner, complaint=complaint, finding="", substantiated="")
    complaint = services.complaint_verify(
        actor=partner, complaint=complaint, finding="现场确认瓦斯超限", substantiated="true"
    )
    plan = services.complaint_convert_inspection(
        actor=partner,
        complaint=complaint,
        officers=[partner, officer],
        planned_start=datetime.date(2026, 12, 8),
        planned_end=datetime.date(2026, 12, 9),
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.INSPECTION and complaint.inspection_plan == plan
    assert complaint.number in plan.content and CONTACT not in plan.content
    complaint = services.complaint_reply(actor=officer, complaint=complaint, reply="已立案检查")
    complaint = services.complaint_reward_record(
        actor=head, complaint=complaint, eligible=True, note="举报属实"
    )
    progress = selectors.public_progress(complaint)
    labels = [label for label, _at in progress["steps"]]
    assert labels == [
        "已收到，待受理",
        "已受理登记",
        "核查中",
        "已核查",
        "已转入行政检查",
        "已办结",
    ]
    assert progress["reply"] == "已立案检查"
    # never in the ledger bodies, never in the logs; the row digest holds a keyed MAC
    bodies = list(LedgerEntry.objects.values_list("body", flat=True))
    assert any('"complaint.reply"' in b for b in bodies)
    assert not [b for b in bodies if CONTACT in b or "张举报" in b]
    assert CONTACT not in caplog.text
    # the staff pages: clear for the intake officer, masked for the verifier, 404 outside
    client = Client()
    client.force_login(officer)
    assert CONTACT in client.get(f"/complaints/{complaint.pk}/").content.decode()
    client.force_login(partner)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert CONTACT not in page and "仅受理人和负责人可见" in page
    client.force_login(team["outsider"])
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404


@pytest.mark.django_db
def test_phone_report_registration_transfer_and_decline(team):
    officer = team["officer"]
    data = report_data(team, mine_text="某非煤矿山", category="other")
    data.update(mine=None, occurred_on=None)
    complaint, code = services.complaint_register(actor=officer, channel="phone", data=data)
    assert complaint.status == ComplaintStatus.REGISTERED and complaint.intake_officer == officer
    assert services.query_code_check(complaint.number, code) == complaint
    complaint = services.complaint_transfer(
        actor=officer, complaint=complaint, department="县应急管理局", reply="已移送县应急管理局"
    )
    assert complaint.status == ComplaintStatus.TRANSFERRED
    with pytest.raises(ValidationError):
        services.complaint_reply(actor=officer, complaint=complaint, reply="x")
    other = online(team)
    with pytest.raises(ValidationError):
        services.complaint_decline(actor=officer, complaint=other, reply=" ")
    other = services.complaint_decline(actor=officer, complaint=other, reply="不属于本机构职责")
    assert other.status == ComplaintStatus.CLOSED


@pytest.mark.django_db
def test_report_involving_deaths_reaches_the_head_dashboard(team):
    complaint = online(team, involves_deaths="on", category="accident")
    assert complaint.escalated_at is not None
    assert list(selectors.escalations(user=team["head"])) == [complaint]
    assert not selectors.escalations(user=team["officer"]).exists()
    client = sign_in(Client(), team["head"])
    home = client.get("/").content.decode()
    assert "涉及人员死亡的举报" in home and complaint.number in home
    client.force_login(team["officer"])
    assert "待受理的网上举报" in client.get("/").content.decode()
    # staff escalation of another one
    later = services.complaint_escalate(actor=team["officer"], complaint=online(team))
    assert selectors.escalations(user=team["head"]).count() == 2
    with pytest.raises(ValidationError):
        services.complaint_escalate(actor=team["officer"], complaint=later)


@pytest.mark.django_db
def test_selectors_for_other_apps(team):
    complaint = online(team)
    counts = services_counts = selectors.complaint_counts(user=team["head"])
    assert counts["total"] == 1 and counts["by_status"] == {"received": 1}
    assert services_counts["by_category"] == {"hazard": 1}
    assert selectors.complaint_counts(user=team["outsider"])["total"] == 0
    assert selectors.complaint_counts_by_agency(user=team["head"]) == {
        team["agency"].pk: {"total": 1, "closed": 0, "open": 1}
    }
    assert list(selectors.complaints_about_mine(user=team["officer"], mine=team["mine"])) == [
        complaint
    ]
    filed, _code = services.complaint_submit_by_mine(
        mine=team["mine"], category="conduct", description="检查人员未出示执法证"
    )
    assert list(selectors.complaints_by_mine(team["mine"])) == [filed]
    assert filed.agency == team["mine"].supervising_agency


@pytest.mark.django_db
def test_a_verification_period_into_an_unloaded_year_is_provisional_until_it_is_loaded(
    team, province
):
    """ADR 0096: 10 working days from Tue 22 Dec 2026 run into 2027, whose arrangement is not
    loaded: counted with 1 January as the only holiday, due Wed 6 Jan, marked 暂定 on the list
    and the page. Once 2027 is loaded (1 and 4 January off, Saturday 9 January worked) the date
    is Thu 7 Jan, no longer provisional, with a ledger event and a notice to the verifier."""
    from sanxiang.core import services as core_services
    from sanxiang.core.models import StaffNotice
    from sanxiang.ledger.verification import verify_ledger
    from sanxiang.org.roles import Role
    from sanxiang.testing import factories

    officer, partner = team["officer"], team["partner"]
    complaint = services.complaint_take(actor=officer, complaint=online(team))
    complaint = services.complaint_assign(
        actor=officer, complaint=complaint, officer=partner, on=datetime.date(2026, 12, 22)
    )
    assert complaint.assigned_on == datetime.date(2026, 12, 22)
    assert (complaint.verify_due, complaint.verify_due_provisional) == (
        datetime.date(2026, 12, 22) + datetime.timedelta(days=15),  # Wed 6 January
        True,
    )
    client = Client()
    sign_in(client, partner)
    for url in ("/complaints/", f"/complaints/{complaint.pk}/"):
        page = client.get(url).content.decode()
        assert "2027-01-06" in page and "暂定</span>" in page, url

    core_services.holiday_arrangement_load(
        actor=factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN]),
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=datetime.date(2026, 12, 10),
        rest_days=[datetime.date(2027, 1, 1), datetime.date(2027, 1, 4)],
        working_days=[datetime.date(2027, 1, 9)],
    )
    complaint.refresh_from_db()
    assert (complaint.verify_due, complaint.verify_due_provisional) == (
        datetime.date(2027, 1, 7),
        False,
    )
    assert LedgerEntry.objects.filter(
        action="calendar.recompute", object_type="complaints.complaint", object_id=str(complaint.pk)
    ).exists()
    notice = StaffNotice.objects.get(recipient=partner)
    assert "举报核查期限由 2027-01-06（暂定）改为 2027-01-07" in notice.message
    assert "暂定</span>" not in client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert verify_ledger().ok
