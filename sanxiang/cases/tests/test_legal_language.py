"""ADR 0006, the legal language: an officer working in English files, approves and decides a case;
the documents, their stored content and PDFs, and the ledger are Chinese all the same, while the
errors he is shown stay in English."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sanxiang.cases import execution, services
from sanxiang.cases.models import Case
from sanxiang.documents.models import Document
from sanxiang.inspections import services as inspections
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.language import (
    assert_legal_language,
    english,
    english_client,
    ledger_text,
    pdf_text,
    strings,
)

FORM_LABELS = ("案由", "当事人", "案件来源", "承办人员", "承办人意见", "负责人审批意见")
RECORD_LABELS = ("检查时间", "检查地点", "检查人员", "告知事项", "检查情况", "发现的问题")


def entries(obj, action: str) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
        )
    )


def test_a_case_filed_and_approved_in_english_is_recorded_in_chinese(team, officers, real_pdf):
    officer, head = team["officer"], team["head"]
    with translation.override("en"):  # the officer's inspection, as he records it in English
        plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=head)
        visit = factories.inspection(plan=plan)
        finding = factories.finding(inspection=visit)
        inspections.inspection_complete(
            actor=officer, inspection=visit, summary="检查了通风、培训等事项。"
        )
    visit.refresh_from_db()
    record = visit.record_document
    assert_legal_language(strings(record.content), *RECORD_LABELS, "无。")
    printed = pdf_text(record.pdf_path)
    assert "现场检查记录" in printed and "检查时间" in printed
    assert_legal_language(printed, *RECORD_LABELS)

    client = english_client(officer)
    page = client.get(f"/cases/new/?inspection={visit.pk}").content.decode()
    assert english("提请立案：%(i)s").split("%")[0] in page  # the page itself is English
    assert f"{team['mine'].name}涉嫌违法违规案" in page  # the suggested cause is legal text
    assert english("%(mine)s涉嫌违法违规案") % {"mine": team["mine"].name} not in page

    refused = client.post(
        f"/cases/new/?inspection={visit.pk}",
        {
            "findings": [finding.pk],
            "cause": f"{team['mine'].name}涉嫌违法违规案",
            "party_kind": "mine",
            "officers": [team["partner"].pk],
        },
    )
    assert refused.status_code == 400 and not Case.objects.exists()
    errors = refused.content.decode()
    assert english("承办人员不得少于%(n)d人。") % {"n": 2} in errors
    assert english("提请立案的执法人员本人应为承办人员。") in errors
    assert "承办人员不得少于" not in errors

    filed = client.post(
        f"/cases/new/?inspection={visit.pk}",
        {
            "findings": [finding.pk],
            "cause": f"{team['mine'].name}涉嫌违法违规案",
            "party_kind": "mine",
            "officers": [o.pk for o in officers],
        },
    )
    assert filed.status_code == 302
    case = Case.objects.get()

    head_client = english_client(head)
    form = head_client.get(f"/cases/{case.pk}/do/approve_filing/").content.decode()
    assert 'value="同意。"' in form  # the suggested opinion is recorded as it stands
    approved = head_client.post(f"/cases/{case.pk}/do/approve_filing/", {"opinion": "同意。"})
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.filed_on is not None

    form_document = Document.objects.get(type_code="filing_approval")
    content = strings(form_document.content)
    for label in FORM_LABELS:
        assert label in content, label
    assert "建议立案调查。" in content and "同意。" in content
    assert_legal_language(
        content, *FORM_LABELS, "建议立案调查。", "现场检查（%(day)s，%(record)s）"
    )
    printed = pdf_text(form_document.pdf_path)
    assert "立案审批表" in printed and "负责人审批意见" in printed
    assert_legal_language(printed, *FORM_LABELS, "建议立案调查。")

    [approval] = entries(case, "case.approve_filing")
    assert '"opinion":"同意。"' in approval.body
    [issued] = entries(form_document, "document.issue")
    for entry in (*entries(case, "case.file"), approval, issued):
        assert_legal_language(ledger_text(entry), "同意。", "同意立案。")


def test_documents_issued_while_english_is_active_are_chinese(team, officers):
    officer, head = team["officer"], team["head"]
    now = timezone.now()
    with translation.override("en"):
        case = factories.filed_case(officers=officers, mine=team["mine"], head=head, approve=False)
        case = services.case_filing_approve(actor=head, case=case)  # no opinion written
        services.case_investigation_record(
            actor=officer,
            case=case,
            kind="inquiry",
            content_text="问：是否开展了安全培训？答：尚未开展。",
            officers=officers,
            started_at=now - timezone.timedelta(hours=2),
            ended_at=now - timezone.timedelta(hours=1),
            identity_shown=True,
            questioned=factories.QUESTIONED,
            location="矿调度室",
        )
        with pytest.raises(ValidationError) as refused:
            factories.case_report(case=case, actor=officer, facts="")
        assert refused.value.message_dict["facts"] == [english("此项不能为空。")]
        case = factories.case_report(case=case, actor=officer)
        case = services.case_report_approve(actor=head, case=case)  # no opinion written
        factories.notice_recording(case=case, actor=officer, at=now)
        case = services.prior_notice_issue(actor=officer, case=case, notified_at=now)
        services.statement_record(
            actor=officer,
            case=case,
            kind="waiver",
            content_text="当事人书面表示放弃陈述、申辩和听证。",
            received_on=timezone.localdate(),
        )
        case = services.notice_close(actor=officer, case=case)
        case = services.decision_issue(actor=head, case=case)
        execution.service_record(
            actor=officer,
            case=case,
            served_on=timezone.localdate(),
            method="direct",
            recipient="张矿长",
            officers=officers,
            place="矿部办公室",
            **factories.shown_now(),
        )

    documents = {d.type_code: d for d in Document.objects.all()}
    assert {
        "filing_approval",
        "inquiry_record",
        "case_report",
        "penalty_notice",
        "penalty_decision",
        "service_receipt",
    } <= set(documents)
    for document in documents.values():
        assert_legal_language(strings(document.content), "案由", "当事人", "同意立案。")
    texts = {code: strings(d.content) for code, d in documents.items()}
    assert "同意立案。" in texts["filing_approval"]
    assert "询问" in texts["inquiry_record"]
    assert "不属于重大执法决定" in texts["case_report"]
    assert "陈述和申辩" in texts["penalty_notice"]
    assert "罚款人民币10,000.00元" in texts["penalty_decision"]
    assert "直接送达" in texts["service_receipt"]
    for message in ("询问", "告知事项", "权利告知", "处罚依据和决定", "直接送达"):
        assert english(message) not in "\n".join(texts.values()), message

    assert '"opinion":"同意立案。"' in entries(case, "case.approve_filing")[0].body
    assert '"opinion":"同意。"' in entries(case, "case.approve_report")[0].body
    for entry in LedgerEntry.objects.all():
        assert_legal_language(ledger_text(entry), "同意立案。", "同意。")
