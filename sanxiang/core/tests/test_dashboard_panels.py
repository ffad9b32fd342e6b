"""Each role's home page leads with its own work (issue 13, item 6): every panel of the dashboard
has a test that makes the situation through the services and then finds it on the page, in the
panel it belongs to — and not on the page of someone it does not concern.

Panels tested elsewhere (named so that a missing one is easy to spot): borrow requests
(documents/tests/test_reading.py), archive units waiting for approval and failed four-property
checks (archive/tests), overdue publications and withdrawals (publicity/tests/test_dashboard.py),
reports involving deaths and the intake queue (complaints/tests), 督办 and training hours
(supervision/tests/test_notices.py), evaluation tasks (supervision/tests/test_evaluation_api.py),
review alerts (review/tests/test_deadlines.py), emergency measures awaiting their review, the
case time limit and sealing terms (cases/tests), staff notices (core/tests/test_provisional_calendar
.py), the reviewer ratio and certificates (core/tests/test_dashboard.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from sanxiang.cases import services as cases
from sanxiang.core import services as calendar_services
from sanxiang.evidence import access, fixity
from sanxiang.evidence import services as evidence
from sanxiang.inspections import letters
from sanxiang.inspections import services as inspections
from sanxiang.org.roles import Role
from sanxiang.publicity import services as publicity
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

D = datetime.date


@pytest.fixture(autouse=True)
def _no_typesetting(monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def unit(province):
    """Sub-bureau A with its people and two mines; the province's sample catalogs."""
    factories.enforcement_catalogs(agency=province["provincial"])
    sub = province["a"]
    return {
        "agency": sub,
        "officer": factories.officer(agency=sub, full_name="李承办"),
        "partner": factories.officer(agency=sub, full_name="王协办"),
        "outsider": factories.officer(agency=sub, full_name="周无关"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "custodian": factories.custodian(agency=sub, full_name="钱保管"),
        "reviewer": factories.legal_reviewer(agency=sub, full_name="孙审核"),
        "editor": factories.staff(agency=sub, roles=[Role.PUBLICITY_EDITOR], full_name="吴编辑"),
        "mine": factories.mine(agency=sub, name="面板测试一号煤矿"),
        "second": factories.mine(agency=sub, name="面板测试二号煤矿"),
    }


def home(user) -> str:
    client = sign_in(Client(), user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, panel_id: str) -> str:
    """The text of one ``<section id=…>`` of the home page ('' when it is not there)."""
    match = re.search(rf'<section[^>]*id="{panel_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def group(section: str, label: str) -> str:
    """One approval group (its heading and list) of the 待我审批 panel."""
    match = re.search(rf"<h3>{re.escape(label)} .*?</ul>", section, re.S)
    return match.group(0) if match else ""


@pytest.mark.django_db
def test_head_sees_each_kind_of_approval_waiting_for_him(unit):
    officers, head = [unit["officer"], unit["partner"]], unit["head"]
    today = timezone.localdate()
    programme = inspections.enforcement_plan_create(
        actor=unit["officer"],
        agency=unit["agency"],
        kind="annual",
        year=today.year,
        title="面板测试年度监察执法计划",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    plan = factories.inspection_plan(officers=officers, mine=unit["mine"], approved=False)
    inspections.inspection_plan_submit(actor=unit["officer"], plan=plan)
    to_file = factories.filed_case(officers=officers, mine=unit["mine"], head=head, approve=False)
    reported = factories.filed_case(officers=officers, mine=unit["second"], head=head)
    reported = factories.case_report(case=reported, actor=unit["officer"])
    letter = letters.letter_draft(
        actor=unit["officer"],
        inspection=to_file.inspection,
        kind="supervision_advice",
        addressee="面板测试县人民政府",
        findings=list(to_file.findings.all()),
        recommendations="督促煤矿整改（测试）。",
    )
    publication = publicity.publication_manual_create(
        actor=unit["editor"],
        agency=unit["agency"],
        category="licensing",
        decided_on=today,
        mine=unit["second"],
        fields={
            "licence_document_name": "安全生产许可证核发决定书",
            "decision_number": "面板〔2026〕1号",
            "licence_category": "01",
            "licence_content": "核发安全生产许可证",
            "valid_from": today.isoformat(),
            "valid_to": "2030-01-01",
            "current_status": "有效",
        },
    )
    publication = publicity.publication_confirm(
        actor=unit["editor"], publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=unit["reviewer"], publication=publication)
    recording = factories.recording(actor=unit["officer"], title="面板测试现场记录")
    retrieval = factories.retrieval(recording=recording, requester=unit["outsider"])

    html = home(head)
    approvals = panel(html, "my-approvals")
    expected = {
        "监察执法计划待批准": programme.title,
        "检查方案待批准": str(plan),
        "立案待批": to_file.cause,
        "案件处理呈报待批": reported.cause,
        "安全监管建议书、安全管理意见书待批准签发": str(letter),
        "结果公示待批准发布或撤下": publication.title,
        "调阅申请待审批": f"周无关 调阅 {recording.number}",
    }
    for label, title in expected.items():
        assert title in group(approvals, label), label
    assert f"/inspections/enforcement-plans/{programme.pk}/approve/" in approvals
    assert f"/inspections/letters/{letter.pk}/" in approvals
    assert f"/evidence/retrievals/{retrieval.pk}/decide/" in approvals
    # The head's figures follow his own work: this year's statistics against last year's.
    assert "执法统计（本年度与上年同期）" in panel(html, "statistics-panel")
    assert html.index('id="my-approvals"') < html.index('id="statistics-panel"')
    # An officer of the team sees none of it as his approval, nor the head's figures.
    officer_home = home(unit["officer"])
    assert 'id="my-approvals"' not in officer_home
    assert 'id="statistics-panel"' not in officer_home

    # Once decided, an item leaves the panel.
    cases.case_filing_approve(actor=head, case=to_file, opinion="同意立案。")
    assert to_file.cause not in group(panel(home(head), "my-approvals"), "立案待批")


@pytest.mark.django_db
def test_custodian_sees_retrievals_alerts_and_the_last_fixity_result(unit, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "files"):  # fixity sees only these files
        recording = factories.recording(actor=unit["officer"], title="面板测试现场记录")
        before = panel(home(unit["custodian"]), "my-custody")
        assert "没有待审批的调阅申请。" in before
        assert "尚未进行固定性核验" in before
        assert "没有未处理的调阅告警。" in before

        retrieval = factories.retrieval(recording=recording, requester=unit["outsider"])
        custody = panel(home(unit["custodian"]), "my-custody")
        assert f"周无关 调阅 {recording.number}" in custody
        assert f"/evidence/retrievals/{retrieval.pk}/decide/" in custody

        # Approved and used on a Sunday night: an access alert waits for the custodian.
        sunday_night = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(timezone, "now", lambda: sunday_night)
            now = timezone.now()
            retrieval = evidence.retrieval_request_create(
                actor=unit["partner"],
                recording=recording,
                purpose="面板测试夜间调阅",
                scope="view",
                valid_from=now,
                valid_until=now + datetime.timedelta(hours=24),
            )
            evidence.retrieval_decide(actor=unit["custodian"], retrieval=retrieval, approve=True)
            evidence.recording_access(actor=unit["partner"], recording=recording, mode=access.VIEW)
        assert "未处理的调阅告警 1 条" in panel(home(unit["custodian"]), "my-custody")

        # The periodic fixity check ran and found nothing wrong …
        report = fixity.fixity_check()
        assert report.ok and report.checked >= 1
        custody = panel(home(unit["custodian"]), "my-custody")
        assert f"核验存储文件 {report.checked} 个" in custody and "未发现问题" in custody
        # … then a stored original is changed behind the system's back: the next run says so.
        changed = tmp_path / "files" / recording.blob_path
        changed.chmod(0o644)
        changed.write_bytes(changed.read_bytes()[:-1] + b"!")
        assert not fixity.fixity_check().ok
        custody = panel(home(unit["custodian"]), "my-custody")
        assert "发现 1 个问题" in custody and "未发现问题" not in custody
    # Only custodians (and superusers) have the panel.
    assert 'id="my-custody"' not in home(unit["officer"])


@pytest.mark.django_db
def test_archive_units_due_for_filing_reach_the_custodian_and_the_head(province, unit):
    from sanxiang.archive.models import ArchiveUnit
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalog

    load_sample_catalog(  # the filing deadline comes from the retention schedule (示例)
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=province["provincial"],
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        **factories.catalog_team(agency=province["provincial"]),
    )

    unit_id = factories.archive_world(province=province)["unit_id"]
    draft = ArchiveUnit.objects.get(pk=unit_id)
    assert draft.filing_due is not None
    assert 'id="archive-due"' not in home(unit["custodian"])  # not due for months
    # The filing deadline passed (a date moved, not a service path: the clock is not the test's).
    ArchiveUnit.objects.filter(pk=unit_id).update(
        filing_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    for user in (unit["custodian"], unit["head"]):
        due = panel(home(user), "archive-due")
        assert draft.title in due and "已逾期" in due
    assert 'id="archive-due"' not in home(unit["officer"])


@pytest.mark.django_db
def test_editor_sees_drafts_due_soon_and_overdue(unit):
    today = timezone.localdate()

    def draft(decided_on, party):
        return publicity.publication_manual_create(
            actor=unit["editor"],
            agency=unit["agency"],
            category="licensing",
            decided_on=decided_on,
            fields={"party_name": party, "licence_content": "核发安全生产许可证"},
        )

    overdue = draft(today - datetime.timedelta(days=30), "面板测试逾期煤矿")
    soon = draft(today - datetime.timedelta(days=5), "面板测试将到期煤矿")
    later = draft(today, "面板测试未到期煤矿")
    assert overdue.due_on < today <= soon.due_on <= today + datetime.timedelta(days=7)
    assert later.due_on > today + datetime.timedelta(days=7)

    drafts = panel(home(unit["editor"]), "my-drafts")
    assert drafts.index(overdue.title) < drafts.index(soon.title)  # overdue first
    rows = drafts.split("<li>")
    (overdue_row,) = [row for row in rows if overdue.title in row]
    (soon_row,) = [row for row in rows if soon.title in row]
    assert "已逾期" in overdue_row and overdue.due_on.isoformat() in overdue_row
    assert "已逾期" not in soon_row and soon.due_on.isoformat() in soon_row
    assert later.title not in drafts
    assert 'id="my-drafts"' not in home(unit["officer"])


@pytest.mark.django_db
def test_officer_sees_his_deadlines_soonest_first(unit, monkeypatch):
    officers, head = [unit["officer"], unit["partner"]], unit["head"]
    today = timezone.localdate()
    # A case told of the intended penalty: the party's statement period runs.
    case = factories.filed_case(officers=officers, mine=unit["mine"], head=head)
    case = factories.case_report(case=case, actor=unit["officer"])
    case = cases.case_report_approve(actor=head, case=case, opinion="同意。")
    factories.notice_recording(case=case, actor=unit["officer"])
    case = cases.prior_notice_issue(actor=unit["officer"], case=case, notified_at=timezone.now())
    # An order to rectify within 5 days at an inspection of his.
    visit = factories.inspection(
        plan=factories.inspection_plan(officers=officers, mine=unit["second"], head=head)
    )
    measure = inspections.onsite_measure_take(
        actor=unit["officer"],
        inspection=visit,
        kind="rectify_within_limit",
        finding=factories.finding(inspection=visit),
        content="限期整改（面板测试）。",
        days=5,
    )
    inspections.inspection_complete(
        actor=unit["officer"], inspection=visit, summary="检查了通风系统（面板测试）。"
    )
    # A safety-supervision advice issued long enough ago that its reply is due in a few days.
    letter = letters.letter_draft(
        actor=unit["officer"],
        inspection=visit,
        kind="supervision_advice",
        addressee="面板测试县人民政府",
        findings=list(visit.findings.all()),
        recommendations="督促煤矿整改（测试）。",
    )
    issued = timezone.now() - datetime.timedelta(days=letter.reply_days - 3)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: issued)
        letter = letters.letter_approve(actor=head, letter=letter)
    assert today <= letter.reply_due <= today + datetime.timedelta(days=7)

    deadlines = panel(home(unit["officer"]), "my-deadlines")
    assert "陈述申辩期限" in deadlines and case.cause in deadlines
    assert case.statement_due.isoformat() in deadlines
    assert "整改复查" in deadlines and measure.due_on.isoformat() in deadlines
    assert "建议书、意见书待回复" in deadlines and letter.reply_due.isoformat() in deadlines
    days = re.findall(r'<span class="nowrap[^"]*">(\d{4}-\d{2}-\d{2})</span>', deadlines)
    assert days == sorted(days) and len(days) >= 3
    # The case page's 待办 lists the follow-up of his inspection too.
    assert f"/inspections/{visit.pk}/" in home(unit["officer"])
    # An officer of the same unit on none of these has no such panel.
    assert 'id="my-deadlines"' not in home(unit["outsider"])


@pytest.mark.django_db
def test_review_panels_for_the_officer_who_submits_and_the_reviewer(unit):
    officers, head = [unit["officer"], unit["partner"]], unit["head"]
    case = factories.major_case(officers=officers, mine=unit["mine"], head=head)
    officer_home = home(unit["officer"])
    assert "法制审核（承办）" in officer_home
    assert "有 1 项重大执法决定待送法制审核。" in officer_home
    assert "法制审核待办" not in home(unit["reviewer"])

    review = factories.review_submitted(case=case, officer=unit["officer"])
    reviewer_home = home(unit["reviewer"])
    assert "法制审核待办" in reviewer_home and "本机构待审核 1 件。" in reviewer_home
    assert f"/review/{review.pk}/" in reviewer_home and case.cause in reviewer_home
    assert "待送法制审核" not in home(unit["officer"])

    # The opinion asks for more investigation: the case side has it back on its panel …
    from sanxiang.review import disagreement
    from sanxiang.review import services as review_services

    factories.review_in_progress(review=review, reviewer=unit["reviewer"])
    factories.review_checklist(
        review=review, reviewer=unit["reviewer"], problems={"facts_evidence": "证据不充分。"}
    )
    review_services.opinion_issue(
        actor=unit["reviewer"],
        review=review,
        kind="investigate",
        reasons="主要事实证据不足。",
        proposed_change="补充调取培训档案原件。",
    )
    returned = re.search(r"<h2>法制审核（承办）</h2>.*?</section>", home(unit["officer"]), re.S)
    assert returned and case.cause in returned.group(0)
    assert "待负责人集体讨论" not in home(head)
    # … and contests it: the heads' collective decision waits on the head's panel.
    disagreement.opinion_contest(
        actor=unit["officer"], review=review, reasons="培训档案复印件已由矿方盖章确认，证据充分。"
    )
    contested = re.search(r"<h2>待负责人集体讨论.*?</section>", home(head), re.S)
    assert contested and f"/review/{review.pk}/" in contested.group(0)
    assert "待负责人集体讨论" not in home(unit["officer"])


@pytest.mark.django_db
def test_administrator_is_told_to_load_next_years_arrangement(province, monkeypatch):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 7, 10))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    admin = factories.staff(agency=province["provincial"], roles=[Role.SYSTEM_ADMIN])
    officer = factories.officer(agency=province["a"])
    assert "2027 年的国务院节假日安排尚未录入" in home(admin)
    assert "国务院节假日安排尚未录入" not in home(officer)
    calendar_services.holiday_notice_create(
        actor=admin,
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        document_number="",
        published_on=D(2026, 12, 6),
    )
    assert "国务院节假日安排尚未录入" not in home(admin)
