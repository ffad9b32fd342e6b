"""ADR 0205: the procedure branches through their services — roles, limits, documents, ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import branch_rules as rules
from sanxiang.cases import execution
from sanxiang.cases.branch_workflow import FLOWCHARTS, TABLES, BranchKind, BranchStatus
from sanxiang.cases.branches import branch_start, branch_step, case_limit_reminders
from sanxiang.cases.models import CaseBranch
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

D = datetime.date


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


@pytest.mark.django_db
def test_simple_procedure_limits_enforced_and_reported_for_the_record(case, team):
    with pytest.raises(ValidationError) as error:
        branch_start(
            actor=team["officer"],
            case=case,
            kind=BranchKind.SIMPLE,
            subject="未佩戴自救器（测试）",
            penalty_kind="fine",
            amount="3000.01",
        )
    assert "amount" in error.value.message_dict
    assert not CaseBranch.objects.exists()  # nothing written
    branch = branch_start(
        actor=team["officer"],
        case=case,
        kind=BranchKind.SIMPLE,
        subject="未佩戴自救器（测试）",
        penalty_kind="fine",
        amount="3000.00",
    )
    assert branch.status == BranchStatus.ON_SITE
    assert branch.document.type_code == "simple_decision"
    branch = branch_step(actor=team["officer"], branch=branch, action="report_record")
    assert branch.status == BranchStatus.RECORDED
    assert LedgerEntry.objects.filter(action="case.branch_simple_report_record").exists()


@pytest.mark.django_db
def test_preservation_handling_decision_late_after_the_seventh_working_day(case, team):
    branch = branch_start(
        actor=team["officer"],
        case=case,
        kind=BranchKind.PRESERVATION,
        subject="皮带机保护装置1套（测试）",
        started_on=D(2026, 9, 28),
        items=[{"name": "皮带机保护装置", "quantity": "1套"}],
    )
    assert branch.due_on == D(2026, 10, 13)
    assert branch.document.type_code == "preservation_notice"
    with pytest.raises(PermissionDenied):  # the head decides
        branch_step(actor=team["officer"], branch=branch, action="handle", note="退还。")
    branch = branch_step(
        actor=team["head"],
        branch=branch,
        action="handle",
        note="予以退还。",
        on=D(2026, 10, 14),
        handling="予以退还",
    )
    assert branch.late and branch.document.type_code == "preservation_decision"


@pytest.mark.django_db
def test_sealing_term_extended_once_then_released(case, team):
    with pytest.raises(ValidationError) as error:
        branch_start(
            actor=team["head"], case=case, kind=BranchKind.SEALING, subject="采煤机", major=True
        )
    assert "review_reference" in error.value.message_dict
    branch = branch_start(
        actor=team["head"],
        case=case,
        kind=BranchKind.SEALING,
        subject="3101工作面采煤机1台（测试）",
        started_on=D(2026, 9, 4),
        items="采煤机｜MG300｜1台｜3101工作面",
        basis="《中华人民共和国安全生产法》第六十五条",
    )
    assert branch.due_on == D(2026, 10, 4)  # a holiday: the term is not moved
    branch = branch_step(actor=team["head"], branch=branch, action="extend", on=D(2026, 10, 4))
    assert branch.due_on == D(2026, 11, 3) and branch.document.type_code == "sealing_extension"
    with pytest.raises(ValidationError):  # only once
        branch_step(actor=team["head"], branch=branch, action="extend", on=D(2026, 10, 5))
    branch = branch_step(
        actor=team["head"], branch=branch, action="release", note="已整改。", on=D(2026, 11, 3)
    )
    assert branch.status == BranchStatus.RELEASED and not branch.late
    assert branch.document.type_code == "sealing_release"


@pytest.mark.django_db
def test_payment_deferral_only_on_a_served_fine(case, team, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error:
        branch_start(actor=team["officer"], case=case, kind=BranchKind.DEFERRAL, subject="经济困难")
    assert "case" in error.value.message_dict
    from sanxiang.cases import services

    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=timezone.localdate(),
        method="mail",
        recipient="张矿长",
    )
    case.refresh_from_db()
    branch = branch_start(
        actor=team["officer"],
        case=case,
        kind=BranchKind.DEFERRAL,
        subject="当事人书面申请分三期缴纳（测试）",
    )
    assert branch.status == BranchStatus.APPLIED
    with pytest.raises(ValidationError):  # one pending application at a time
        branch_start(actor=team["officer"], case=case, kind=BranchKind.DEFERRAL, subject="再申请")
    with pytest.raises(ValidationError):  # the decision states its terms
        branch_step(actor=team["head"], branch=branch, action="grant")
    branch = branch_step(
        actor=team["head"], branch=branch, action="grant", note="同意分三期缴纳，每月一期。"
    )
    assert branch.status == BranchStatus.GRANTED
    assert branch.document.type_code == "payment_deferral"


@pytest.mark.django_db
def test_recusal_request_and_head_decision(case, team):
    with pytest.raises(ValidationError) as error:
        branch_start(actor=team["officer"], case=case, kind=BranchKind.RECUSAL, subject="亲属")
    assert "officer" in error.value.message_dict
    branch = branch_start(
        actor=team["officer"],
        case=case,
        kind=BranchKind.RECUSAL,
        subject="当事人称执法人员系其近亲属（测试）",
        officer=team["partner"],
    )
    with pytest.raises(PermissionDenied):
        branch_step(actor=team["officer"], branch=branch, action="decide", note="回避。")
    branch = branch_step(
        actor=team["head"], branch=branch, action="decide", note="经核实属实。", granted=True
    )
    assert branch.status == BranchStatus.DECIDED and branch.details["granted"] is True
    assert branch.document.type_code == "recusal_decision"


@pytest.mark.django_db
def test_case_time_limit_extension_once_and_reminders(case, team):
    case.filed_on = D(2026, 7, 6)  # (set up an old filing: outside the services, test only)
    case.save(update_fields=["filed_on"])
    rows = case_limit_reminders([case], today=D(2026, 9, 19))
    assert rows and rows[0]["ends_on"] == D(2026, 10, 4) and rows[0]["days_left"] == 15
    assert not case_limit_reminders([case], today=D(2026, 9, 18))
    branch = branch_start(
        actor=team["head"], case=case, kind=BranchKind.EXTENSION, subject="案情复杂（测试）"
    )
    assert branch.due_on == D(2026, 7, 6) + datetime.timedelta(days=90 + 30)
    assert branch.document.type_code == "case_extension"
    with pytest.raises(ValidationError):
        branch_start(actor=team["head"], case=case, kind=BranchKind.EXTENSION, subject="再延")
    assert not case_limit_reminders([case], today=D(2026, 9, 19))
    assert rules.case_extension_days() == 30


def test_every_branch_is_on_a_flowchart_and_issues_its_types():
    drawn = {row for chart in FLOWCHARTS.values() for row in chart.TRANSITIONS}
    assert drawn == {row for table in TABLES.values() for row in table}
    issued = {row.issues for table in TABLES.values() for row in table if row.issues}
    assert {"simple_decision", "sealing_extension", "payment_deferral"} <= issued
    assert {"recusal_decision", "case_extension", "sealing_release"} <= issued
    assert Decimal("200") == rules.SIMPLE_FINE_LIMITS["individual"]


@pytest.mark.django_db
def test_branch_flowcharts_render():
    from sanxiang.catalog.procedures import workflow_chart, workflow_steps

    for key in FLOWCHARTS:
        svg = workflow_chart(key)
        assert svg and "<svg" in svg
        assert "start" not in "".join(s for row in workflow_steps(key) for s in row)
    assert "解除查封（扣押）" in workflow_chart("coercion")


@pytest.mark.django_db
def test_dashboard_and_case_page_show_the_case_time_limit(case, team, client):
    from sanxiang.cases.selectors import case_deadlines

    case.filed_on = timezone.localdate() - datetime.timedelta(days=80)
    case.save(update_fields=["filed_on"])
    labels = {d.label: d.date for d in case_deadlines(case)}
    assert labels["办案期限（立案之日起九十日）"] == case.filed_on + datetime.timedelta(days=90)
    client.force_login(team["officer"])
    page = client.get("/").content.decode()
    assert "办案期限提醒" in page and case.cause in page


@pytest.mark.django_db
def test_api_with_bearer_tokens_bad_input_is_4xx_never_500(case, team):
    from django.test import Client

    from sanxiang.api.tokens import api_token_create

    _t, officer = api_token_create(
        actor=team["officer"], name="承办", scopes=["cases:write", "cases:read"]
    )
    _t, head = api_token_create(actor=team["head"], name="负责人", scopes=["cases:write"])
    client = Client(enforce_csrf_checks=True)

    def post(url, payload, raw):
        return client.post(
            url,
            payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    base = f"/api/cases/cases/{case.pk}/branches"
    for bad in (
        [],
        {"kind": "x", "subject": "甲"},
        {"kind": "simple", "subject": "甲", "penalty_kind": "fine", "amount": "3000.01"},
        {"kind": "recusal", "subject": "甲", "officer_id": 999999},
        {"kind": "preservation", "subject": "甲", "started_on": "2099-01-01"},
        {"kind": "preservation", "subject": "甲"},  # no items list
        {"kind": "preservation", "subject": "甲", "items": [{"name": "账本"}]},  # no quantity
        {"kind": "sealing", "subject": "甲", "items": [{"name": "采煤机", "quantity": "1台"}]},
    ):
        response = post(base, bad, officer)
        assert 400 <= response.status_code < 500, (bad, response.content)
    item = {"name": "账本", "specification": "", "quantity": "3本", "place": "财务室"}
    created = post(
        base, {"kind": "preservation", "subject": "证据一宗（测试）", "items": [item]}, officer
    )
    assert created.status_code == 201, created.content
    step = f"/api/cases/branches/{created.json()['id']}/steps"
    assert post(step, {"action": "handle", "note": "退还"}, officer).status_code == 403
    assert post(step, {"action": "nope"}, head).status_code == 422
    missing = post(step, {"action": "handle", "note": "予以退还。"}, head)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["handling"]
    assert "处理意见" in missing.json()["errors"][0]["message"]
    payload = {"action": "handle", "note": "予以退还。", "handling": ["予以退还"]}
    # A head's row is on the step-up list: a bearer token never carries it (ADR 0071).
    assert post(step, payload, head).status_code == 403
    from sanxiang.testing.auth import sign_in

    session = sign_in(Client(enforce_csrf_checks=True), team["head"])
    session.get("/account/")
    done = session.post(
        step,
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=session.cookies["csrftoken"].value,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "handled" and done.json()["document_number"]
    listed = client.get(base, headers={"Authorization": f"Bearer {officer}"})
    assert listed.status_code == 200 and len(listed.json()) == 1
