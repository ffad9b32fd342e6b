"""A penalty case from filing to archive through the services: every transition is a ledger
event, the documents of every stage are issued (JL-TXT-3b), deadlines are computed, the
decision is handed to publicity on commit, and the ledger verifies clean afterwards."""

from __future__ import annotations

import io
import json
import re

from django.utils import timezone
from pypdf import PdfReader

from sanxiang.cases import execution, selectors, services
from sanxiang.cases.signals import decision_issued
from sanxiang.cases.steps import case_checklists
from sanxiang.cases.workflow import TRANSITIONS, CaseStatus
from sanxiang.core.blobstore import blob_read
from sanxiang.core.workdays import add_working_days
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories


def pdf_text(document) -> str:
    reader = PdfReader(io.BytesIO(blob_read(document.pdf_path)))
    return re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))


def test_full_penalty_case_leaves_a_complete_record(
    team, officers, django_capture_on_commit_callbacks, real_pdf
):
    officer, head = team["officer"], team["head"]
    sent = []

    def receiver(sender, case_id, document_id, **kwargs):
        sent.append((case_id, document_id))

    decision_issued.connect(receiver)
    try:
        case = factories.filed_case(officers=officers, mine=team["mine"], head=head)
        services.case_investigation_record(
            actor=officer,
            case=case,
            kind="inquiry",
            content_text="问：你矿是否对井下作业人员开展了安全培训？答：今年尚未开展。",
            officers=officers,
            started_at=timezone.now() - timezone.timedelta(hours=2),
            ended_at=timezone.now() - timezone.timedelta(hours=1),
            identity_shown=True,
            questioned=factories.QUESTIONED,
            location="矿调度室",
        )
        case = factories.case_to_decision(case=case, officer=officer, head=head)
        assert case.status == CaseStatus.PENDING_DECISION
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = services.decision_issue(actor=head, case=case)
            assert not sent  # not inside the deciding transaction
        assert len(callbacks) == 1
    finally:
        decision_issued.disconnect(receiver)
    assert sent == [(case.pk, case.decision_document_id)]  # after commit, for publicity
    today = timezone.localdate()
    assert case.publication_due == add_working_days(today, 7).date

    text = pdf_text(case.decision_document)
    for expected in (
        "行政处罚决定书",
        case.decision_document.number.text,
        "测试省安泰煤业有限公司泰安煤矿",
        "无安全生产教育和培训记录",
        "《中华人民共和国安全生产法》第九十七条",
        "罚款人民币10,000.00元",
        "行政复议",
        "15日内",
    ):
        assert expected in text, expected
    assert "□" not in text

    execution.service_record(
        actor=officer,
        case=case,
        served_on=today,
        method="direct",
        recipient="张矿长",
        officers=officers,
        place="矿部办公室",
        **factories.shown_now(),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SERVED and case.payment_due
    execution.payment_record(
        actor=officer, case=case, amount="4000", paid_on=today, reference="POS-0001"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SERVED and case.outstanding == 6000
    execution.payment_record(
        actor=officer, case=case, amount="6000.00", paid_on=today, reference="POS-0002"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.EXECUTED
    case = execution.case_close(actor=head, case=case, summary="罚款已全部缴清，结案。")
    case = execution.case_archive_ready(actor=officer, case=case)
    assert case.status == CaseStatus.ARCHIVE_READY

    # Every stage reached has its required documents (JL-TXT-3b).
    checklists = case_checklists(case)
    assert [c.label for c in checklists if not c.complete] == []
    reached = {c.stage for c in checklists}
    assert {"case_filing", "investigation", "case_report", "prior_notice", "decision"} <= reached
    assert {"service", "execution", "closure"} <= reached

    # Every transition taken is a ledger event about the case.
    actions = list(
        LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    taken = [
        "case.file",
        "case.approve_filing",
        "case.submit_report",
        "case.approve_report",
        "case.notify",
        "case.rights_waived",
        "case.close_notice",
        "case.decide",
        "case.serve",
        "case.payment_partial",
        "case.pay",
        "case.close",
        "case.archive",
    ]
    assert actions == taken
    table = {f"case.{t.action}" for t in TRANSITIONS}
    assert {a for a in taken if a in table} == {a for a in actions if a in table}
    timeline = list(selectors.case_timeline(case).values_list("action", flat=True))
    assert {"document.issue", "case.propose", "case.investigate", "case.payment"} <= set(timeline)
    for entry in LedgerEntry.objects.filter(action="document.issue"):
        assert json.loads(entry.body)["details"]["pdf_sm3"]

    report = verify_ledger()
    assert report.ok, report.text()
