"""BZ-3: training hours, the annual review (年审) and what a suspended certificate takes away."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.inspections import services as inspections
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.roles import Role
from sanxiang.supervision.models import AnnualReview
from sanxiang.supervision.training import selectors, services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


@pytest.fixture
def admin(province):
    return factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])


def _course(officer, hours, **extra):
    today = timezone.localdate()
    return services.training_record_create(
        actor=officer,
        staff=officer,
        course="《行政处罚法》专题培训",
        organiser="测试省局法规处",
        started_on=today - datetime.timedelta(days=2),
        ended_on=today,
        hours=hours,
        **extra,
    )


def _review(admin, officer, outcome="passed"):
    return services.annual_review_decide(
        actor=admin,
        certificate=officer.certificates.get(),
        year=timezone.localdate().year,
        outcome=outcome,
        evaluation_result="competent",
    )


def test_below_the_hours_cannot_pass_the_annual_review_until_the_training_is_recorded(
    province, admin
):
    officer = factories.officer(agency=province["a"])
    _course(officer, "12")
    with pytest.raises(ValidationError) as exc:
        _review(admin, officer)
    reason = exc.value.message_dict["outcome"][0]
    assert "培训12学时" in reason and "未达到40学时" in reason and "示例" in reason
    assert not AnnualReview.objects.exists()
    # The page shows the same reason beside the form.
    client = Client()
    sign_in(client, admin)
    response = client.post(
        "/supervision/certificates/reviews/new/",
        {
            "certificate": officer.certificates.get().pk,
            "year": timezone.localdate().year,
            "evaluation_result": "competent",
            "outcome": "passed",
        },
    )
    assert response.status_code == 400
    assert "未达到40学时" in response.content.decode()
    assert not AnnualReview.objects.exists()

    _course(officer, "28", exam_result="passed")
    review = _review(admin, officer)
    assert review.outcome == "passed" and review.hours_done == 40
    assert LedgerEntry.objects.filter(action="certificate.annual_review").count() == 1


def test_a_failed_exam_does_not_count_and_an_agency_sets_its_own_hours(province, admin):
    officer = factories.officer(agency=province["a"])
    head = factories.head(agency=province["provincial"])
    year = timezone.localdate().year
    services.training_requirement_set(
        actor=head, agency=province["provincial"], year=year, hours="20"
    )
    _course(officer, "20", exam_result="failed")
    status = selectors.training_status(officer)
    assert (status.done, status.required, status.met) == (0, 20, False)
    assert "差20学时" in selectors.qualification_label(officer)
    _course(officer, "20", exam_result="passed")
    assert selectors.training_status(officer).met


def test_a_failed_review_suspends_the_certificate_out_of_the_draw_and_on_site_work(
    province, admin, catalogs
):
    sub = province["a"]
    officers = [factories.officer(agency=sub) for _ in range(3)]
    for officer in officers[1:]:
        _course(officer, "40")
    failed = officers[0]
    review = _review(admin, failed, outcome="failed")
    assert review.reasons and "未达到40学时" in review.reasons[0]
    certificate = failed.certificates.get()
    assert certificate.status == "suspended" and "年审不合格" in certificate.status_reason

    # The next draw's inspector directory leaves him out.
    factories.mine(agency=sub)
    head = factories.head(agency=sub)
    today = timezone.localdate()
    plan = inspections.enforcement_plan_create(
        actor=head,
        agency=sub,
        kind="annual",
        year=today.year,
        title="年度监察执法计划（测试）",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    plan = inspections.enforcement_plan_approve(actor=head, plan=plan, opinion="同意。")
    draw = inspections.draw_create(
        actor=officers[1], enforcement_plan=plan, title="抽查（测试）", item_codes=["SJ-001"]
    )
    draw = inspections.draw_commit(actor=officers[1], draw=draw)
    drawn_from = {i["id"] for i in draw.inputs["inspectors"]}
    assert failed.pk not in drawn_from and officers[1].pk in drawn_from

    # He cannot be assigned to on-site work, nor sign a document.
    with pytest.raises(ValidationError) as exc:
        factories.inspection_plan(officers=[officers[1], failed], mine=factories.mine(agency=sub))
    assert "年审不合格" in exc.value.message_dict["officers"][0]
    from sanxiang.documents.services import document_issue

    with pytest.raises(PermissionDenied):
        document_issue(
            actor=failed,
            agency=sub,
            type_code="T",
            short_code="检",
            title="测试文书",
            content={},
        )

    # Training added, a new review passes and lifts the suspension.
    _course(failed, "40")
    _review(admin, failed)
    certificate.refresh_from_db()
    assert certificate.status == "active"


def test_application_needs_pre_job_training_and_issues_through_org(province, admin):
    officer = factories.officer(agency=province["a"], certified=False)
    application = services.certificate_apply(actor=officer, applicant=officer, reason="新领")
    today = timezone.localdate()
    issue = dict(
        number="SX-2026-0001",
        issuing_authority="测试省人民政府",
        issued_on=today,
        expires_on=today + datetime.timedelta(days=5 * 365),
    )
    with pytest.raises(ValidationError) as exc:
        services.certificate_application_decide(
            actor=admin, application=application, issue=True, **issue
        )
    assert "岗前培训" in exc.value.message_dict["issue"][0]
    _course(officer, "40", exam_result="passed")
    application = services.certificate_application_decide(
        actor=admin, application=application, issue=True, **issue
    )
    assert application.status == "issued" and application.certificate.holder == officer
    assert LedgerEntry.objects.filter(action="certificate.issue").exists()


def test_legal_qualification_needs_evidence_and_sets_the_flag(province, admin):
    reviewer = factories.legal_reviewer(agency=province["a"])
    with pytest.raises(ValidationError) as exc:
        services.legal_qualification_record(
            actor=admin, staff=reviewer, certificate_number="", granted_on=None
        )
    assert {"certificate_number", "evidence", "granted_on"} <= set(exc.value.message_dict)
    services.legal_qualification_record(
        actor=admin,
        staff=reviewer,
        certificate_number="A20201100000001",
        granted_on=datetime.date(2020, 12, 1),
        evidence=b"%PDF-1.4 scan",
        evidence_name="资格证书.pdf",
    )
    reviewer.refresh_from_db()
    assert reviewer.has_legal_qualification
    assert LedgerEntry.objects.filter(action="staff.legal_qualification").exists()


def test_the_reviewer_assignment_form_shows_qualification_and_training(province):
    from sanxiang.org.models import Staff
    from sanxiang.review.forms import StaffChoiceField

    reviewer = factories.legal_reviewer(agency=province["a"], full_name="审核员吴")
    label = StaffChoiceField(queryset=Staff.objects.all()).label_from_instance(reviewer)
    assert "审核员吴" in label and "具有法律职业资格" in label
    assert "本年度培训0/40学时，差40学时" in label
