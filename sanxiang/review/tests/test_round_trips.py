"""SH-CONT-1/2/3, SH-RESP-3/4: full review round trips through the services — approve on the
first round; “change” → resubmit → approve; “correct procedure” → resubmit; disagreement →
collective decision — each ending with the decision the gate now lets through, every step in
the ledger and ``verify`` clean."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import gate
from sanxiang.cases import services as cases
from sanxiang.cases.models import ProposalKind
from sanxiang.cases.workflow import CaseStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.services import adviser_create
from sanxiang.review import disagreement, services
from sanxiang.review.models import Submission
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories

APPROVE_REASONS = "事实清楚，证据确凿充分，定性准确，处罚适当，程序合法。"


def _approve(review, reviewer):
    factories.review_checklist(review=review, reviewer=reviewer)
    return services.opinion_issue(
        actor=reviewer, review=review, kind="approve", reasons=APPROVE_REASONS
    )


def _clean_ledger():
    report = verify_ledger()
    assert report.ok, report.text()


def test_approve_on_the_first_round_then_the_decision_is_issued(major_case, team):
    officer, reviewer, head = team["officer"], team["reviewer"], team["head"]
    with pytest.raises(ValidationError):  # SH-SCOPE-1: not before the review
        cases.decision_issue(actor=head, case=major_case)
    review = factories.review_submitted(case=major_case, officer=officer)
    submission = review.current_submission
    assert review.status == ReviewStatus.SUBMITTED and submission.round == 1
    assert submission.declared_by == officer and "真实性、准确性、完整性" in submission.declaration
    assert submission.case_report.type_code == "case_report"
    kinds = {m["type_code"] for m in submission.materials if m["type"] == "document"}
    assert {"case_report", "penalty_notice", "filing_approval"} <= kinds
    assert any(m["type"] == "recording" for m in submission.materials)
    assert submission.major_matches[0]["code"] == "SH2-02M"

    review = factories.review_in_progress(review=review, reviewer=reviewer)
    assert review.status == ReviewStatus.IN_REVIEW and review.due_on > timezone.localdate()
    opinion = _approve(review, reviewer)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLEARED and review.closed_at
    assert opinion.document.type_code == "review_opinion"
    assert opinion.document.number.text.startswith("测（甲）煤安法审〔")
    assert opinion.document.subject_id == str(major_case.pk)  # the case's 法制审核 stage
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    clearance = gate.passed_clearance(proposal)
    assert clearance.opinion_reference == opinion.document.number.text
    assert clearance.reviewer == reviewer

    case = cases.decision_issue(actor=head, case=major_case)
    assert case.status == CaseStatus.DECIDED
    actions = list(LedgerEntry.objects.values_list("action", flat=True))
    for action in (
        "review.submission",
        "review.submit",
        "review.assign",
        "review.receive",
        "review.checklist",
        "review.opinion",
        "case.review_clearance",
        "review.approve",
        "case.decide",
    ):
        assert action in actions, action
    _clean_ledger()


def test_change_then_resubmit_then_approve(major_case, team):
    officer, reviewer, head = team["officer"], team["reviewer"], team["head"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review,
        reviewer=reviewer,
        problems={"law_discretion": "罚款幅度超出裁量基准对应档次。"},
    )
    with pytest.raises(ValidationError) as exc:  # an approval with a problem point
        services.opinion_issue(actor=reviewer, review=review, kind="approve", reasons="同意")
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a change needs its grounds and the change
        services.opinion_issue(actor=reviewer, review=review, kind="change", reasons="见下。")
    assert {"grounds", "proposed_change"} <= set(exc.value.message_dict)
    opinion = services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="change",
        reasons="违法事实清楚，但罚款数额与裁量基准不符。",
        grounds=["discretion"],
        proposed_change="建议按裁量基准第二档处以罚款人民币5万元。",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED
    first = review.current_submission
    with pytest.raises(ValidationError):  # not cleared: the decision is still refused
        cases.decision_issue(actor=head, case=major_case)

    # The case side acts on the opinion: investigate again, report the changed penalty.
    case = cases.case_reinvestigate(
        actor=officer,
        case=major_case,
        reason=f"按法制审核意见{opinion.document.number}变更罚款数额",
    )
    case = factories.case_to_decision(case=case, officer=officer, head=head, fine="50000")
    with pytest.raises(ValidationError) as exc:
        services.review_resubmit(actor=officer, review=review, response="", declaration=True)
    assert "response" in exc.value.message_dict
    review = services.review_resubmit(
        actor=officer,
        review=review,
        response="已采纳变更意见，罚款调整为5万元，并重新告知当事人。",
        declaration=True,
    )
    assert review.status == ReviewStatus.SUBMITTED and review.round == 2
    second = review.current_submission
    assert second.proposal_digest != first.proposal_digest
    assert Submission.objects.filter(review=review).count() == 2
    first.refresh_from_db()
    assert first.proposal_content["fine_amount"] == "60000.00"  # the reviewed one never changes

    review = services.review_receive(actor=reviewer, review=review)
    _approve(review, reviewer)
    case = cases.decision_issue(actor=head, case=case)
    assert case.status == CaseStatus.DECIDED and case.fine_amount == 50000
    assert [o.kind for o in review.opinions.order_by("pk")] == ["change", "approve"]
    _clean_ledger()


def test_correct_procedure_then_resubmit(major_case, team):
    officer, reviewer, head = team["officer"], team["reviewer"], team["head"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"procedure": "告知书未载明听证权利。"}
    )
    with pytest.raises(ValidationError) as exc:
        services.opinion_issue(actor=reviewer, review=review, kind="correct", reasons="程序不合法")
    assert "proposed_change" in exc.value.message_dict
    services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="correct",
        reasons="告知程序不完整。",
        proposed_change="重新告知当事人陈述、申辩和听证的权利。",
    )
    # The case side corrects the procedure (a new notice) and resubmits the same penalty.
    case = cases.case_reinvestigate(actor=officer, case=major_case, reason="按纠正意见重新告知")
    case = factories.case_to_decision(case=case, officer=officer, head=head, fine="60000")
    review = services.review_resubmit(
        actor=officer, review=review, response="已重新告知并告知听证权利。", declaration=True
    )
    assert review.round == 2
    assert (
        review.current_submission.proposal_digest == review.submissions.get(round=1).proposal_digest
    )
    review = services.review_receive(actor=reviewer, review=review)
    _approve(review, reviewer)
    assert cases.decision_issue(actor=head, case=case).status == CaseStatus.DECIDED
    _clean_ledger()


def test_disagreement_is_argued_and_decided_collectively(major_case, team, province):
    officer, reviewer = team["officer"], team["reviewer"]
    head, deputy = team["head"], team["deputy"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"facts_evidence": "培训档案证据不充分。"}
    )
    services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="investigate",
        reasons="主要事实证据不足。",
        proposed_change="补充调取培训档案原件。",
    )
    with pytest.raises(PermissionDenied):  # the reviewer is not the case side
        disagreement.opinion_contest(actor=reviewer, review=review, reasons="x")
    disagreement.opinion_contest(
        actor=officer, review=review, reasons="培训档案复印件已由矿方盖章确认，证据充分。"
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONTESTED
    adviser = adviser_create(
        actor=factories.superuser(),
        agency=province["provincial"],
        name="周律师",
        kind="legal_adviser",
        organisation="测试律师事务所",
        shared_pool=True,
    )
    argument = disagreement.argument_record(
        actor=head,
        review=review,
        source="legal_adviser",
        adviser=adviser,
        content="盖章确认的复印件可以作为证据使用，证据链完整。",
        received_on=timezone.localdate(),
    )
    assert argument.author == "周律师"
    disagreement.argument_record(
        actor=head,
        review=review,
        source="expert",
        author="吴专家",
        organisation="测试煤炭学院",
        content="同意律师意见。",
        received_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as exc:  # collectively: at least two heads
        disagreement.collective_decision_record(
            actor=head,
            review=review,
            held_on=timezone.localdate(),
            participants=[head, officer],
            outcome="proceed",
            decision="按拟作出的决定办理。",
            minutes="赵局长：同意。",
        )
    assert "participants" in exc.value.message_dict
    record = disagreement.collective_decision_record(
        actor=head,
        review=review,
        held_on=timezone.localdate(),
        participants=[head, deputy],
        attendees="孙审核（法制审核人员）、李明（承办人员）",
        outcome="proceed",
        decision="证据充分，按拟作出的决定作出行政处罚决定。",
        minutes="赵局长：同意法律顾问意见。钱副局长：同意。",
    )
    assert record.document.type_code == "collective_record"
    assert record.document.number.text.startswith("测（甲）煤安集讨〔")
    review.refresh_from_db()
    assert review.status == ReviewStatus.COLLECTIVE_PROCEED
    with pytest.raises(ValidationError):  # registered by the review office first
        cases.decision_issue(actor=head, case=major_case)
    disagreement.collective_clearance_register(actor=reviewer, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLEARED
    proposal = gate.pending_proposal(major_case, ProposalKind.PENALTY)
    assert gate.passed_clearance(proposal).opinion_reference == record.document.number.text
    assert cases.decision_issue(actor=head, case=major_case).status == CaseStatus.DECIDED
    entry = LedgerEntry.objects.get(action="review.collective_decision")
    assert f'"participants":[{min(head.pk, deputy.pk)},{max(head.pk, deputy.pk)}]' in entry.body
    _clean_ledger()


def test_collective_decision_adopting_the_opinion_returns_the_case(major_case, team):
    officer, reviewer, head, deputy = (
        team["officer"],
        team["reviewer"],
        team["head"],
        team["deputy"],
    )
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"law_discretion": "裁量不当。"}
    )
    services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="change",
        reasons="裁量不当。",
        grounds=["discretion"],
        proposed_change="罚款5万元。",
    )
    disagreement.opinion_contest(actor=officer, review=review, reasons="裁量适当。")
    disagreement.collective_decision_record(
        actor=head,
        review=review,
        held_on=timezone.localdate(),
        participants=[head, deputy],
        outcome="adopt_opinion",
        decision="采纳法制审核意见，罚款调整为5万元。",
        minutes="一致同意法制审核意见。",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED
    with pytest.raises(ValidationError) as exc:  # decided: no second contest of that opinion
        disagreement.opinion_contest(actor=officer, review=review, reasons="仍有异议。")
    assert "集体讨论" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        cases.decision_issue(actor=head, case=major_case)
    _clean_ledger()


def test_the_opinion_and_the_collective_record_are_typeset(major_case, team, monkeypatch, tmp_path):
    """The 法制审核意见书 shows the nine review points with findings, the opinion and the change;
    the 集体讨论记录 the heads who decided and the outcome (pdftotext reads them back)."""
    import shutil
    import subprocess

    from sanxiang.core.blobstore import blob_read
    from sanxiang.documents.rendering import render_pdf

    output_dir = tmp_path
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (make system-deps installs it)")

    def text(document) -> str:
        pdf = blob_read(document.pdf_path)
        assert pdf.startswith(b"%PDF-1")
        run = subprocess.run(
            ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
        )
        (output_dir / f"{document.type_code}.pdf").write_bytes(pdf)
        return run.stdout.decode()

    officer, reviewer, head, deputy = (team[k] for k in ("officer", "reviewer", "head", "deputy"))
    review = factories.review_in_progress(
        review=factories.review_submitted(case=major_case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"law_discretion": "罚款数额超出裁量档次。"}
    )
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", render_pdf)  # typeset these
    opinion = services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="change",
        reasons="罚款数额与裁量基准不符。",
        grounds=["discretion"],
        proposed_change="建议罚款人民币5万元。",
    )
    printed = text(opinion.document)
    for words in (
        "法制审核意见书",
        opinion.document.number.text,
        "执法主体是否合法",
        "罚款数额超出裁量档次",
        "审核意见：变更",
        "执行裁量基准不当",
        "建议罚款人民币5万元",
        "法制审核人员孙审核",
    ):
        assert words in "".join(printed.split()), words
    disagreement.opinion_contest(actor=officer, review=review, reasons="裁量适当。")
    record = disagreement.collective_decision_record(
        actor=head,
        review=review,
        held_on=timezone.localdate(),
        participants=[head, deputy],
        outcome="adopt_opinion",
        decision="采纳法制审核意见。",
        minutes="赵局长：同意审核意见。钱副局长：同意。",
    )
    printed = "".join(text(record.document).split())
    for words in ("集体讨论记录", "赵局长（局长）", "钱副局长（副局长）", "采纳法制审核意见"):
        assert words in printed, words
