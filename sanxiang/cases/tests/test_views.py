"""The officer's pages: lists with next steps and deadlines, the case page (checklist, gate,
timeline, buttons from the table), step forms with errors in place, and PDFs only through the
access-checked view."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sanxiang.cases import services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_my_cases_show_the_next_step_and_deadlines(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    case = factories.case_report(case=case, actor=team["officer"])
    case = services.case_report_approve(actor=team["head"], case=case)
    now = timezone.now()
    factories.notice_recording(case=case, actor=team["officer"], at=now)
    services.prior_notice_issue(actor=team["officer"], case=case, notified_at=now)
    page = client_for(team["officer"]).get("/cases/").content.decode()
    assert case.cause in page and "陈述申辩期限" in page and "记录陈述、申辩或放弃" in page
    head_page = client_for(team["head"]).get("/cases/").content.decode()
    assert case.cause not in head_page  # nothing waits for the head in this state


def test_case_page_lists_stages_documents_timeline_and_allowed_steps(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    page = client_for(team["officer"]).get(f"/cases/{case.pk}/").content.decode()
    for text in ("立案审批表", "调查取证", "作出决定", "提请立案", "批准立案", "案件处理呈报"):
        assert text in page, text
    assert f"/cases/{case.pk}/do/submit_report/" in page
    assert f"/cases/{case.pk}/do/decide/" not in page  # not a step from this state
    assert 'hx-get="/cases/' in page and 'hx-select="#action-form"' in page
    head_page = client_for(team["head"]).get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/do/submit_report/" not in head_page  # officers' step


def test_step_form_shows_service_errors_and_writes_nothing(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    client = client_for(team["officer"])
    response = client.post(
        f"/cases/{case.pk}/do/submit_report/",
        {
            "facts": "事实",
            "evidence": "证据",
            "violated_provisions": "《中华人民共和国安全生产法》第九百条",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_kinds": ["fine"],
            "fine_amount": "",
            "decision_text": "罚款",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不在施行中" in page and "请填写金额" in page
    assert not case.proposals.exists()
    response = client.post(
        f"/cases/{case.pk}/do/submit_report/",
        {
            "facts": "事实",
            "evidence": "证据",
            "violated_provisions": "《中华人民共和国安全生产法》第二十八条",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_kinds": ["fine"],
            "fine_amount": "8000",
            "decision_text": "罚款8000元",
        },
    )
    assert response.status_code == 302 and case.proposals.count() == 1


def test_documents_are_served_only_through_the_access_check(team, officers, province):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    document = case.inspection.record_document
    url = f"/inspections/documents/{document.pk}.pdf"
    response = client_for(team["officer"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(factories.officer(agency=province["b"])).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_inspection_pages_and_compendium_search(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    client = client_for(team["officer"])
    partial = client.get(
        f"/inspections/{inspection.pk}/findings/new/?q=培训", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "WF-001" in partial and "<html" not in partial
    full = client.get(f"/inspections/{inspection.pk}/findings/new/?q=培训").content.decode()
    assert "WF-001" in full and "<html" in full  # works without JavaScript
    for url in (
        "/inspections/",
        f"/inspections/plans/{plan.pk}/",
        f"/inspections/{inspection.pk}/",
        "/inspections/draws/",
        "/inspections/enforcement-plans/",
        "/inspections/conflicts/",
        "/inspections/plans/new/",
        "/inspections/draws/new/",
        "/cases/all/",
    ):
        assert client.get(url).status_code == 200, url
    home = client.get("/inspections/").content.decode()
    assert "现场检查中" in home and "结束检查" in home


def test_dashboard_alerts_on_emergency_measures_awaiting_review(team, officers):
    import datetime

    case = factories.filed_case(
        officers=officers, mine=team["mine"], head=team["head"], major_hazard=True
    )
    now = timezone.now()
    factories.recording(
        actor=team["officer"],
        activity="sealing_seizure",
        subject=case,
        started_at=(now - datetime.timedelta(hours=1)).isoformat(),
        ended_at=now.isoformat(),
    )
    services.emergency_measure_execute(
        actor=team["officer"],
        case=case,
        measure="sealing",
        finding=case.findings.get(),
        content_text="查封3号采煤工作面。",
        officers=officers,
        started_at=now - datetime.timedelta(minutes=20),
        ended_at=now,
        **factories.ONSITE_SHOWN,
    )
    for user in (team["head"], team["officer"]):
        page = client_for(user).get("/").content.decode()
        assert "紧急措施待事后法制审核（《实施办法》五（二）1）" in page and case.cause in page
