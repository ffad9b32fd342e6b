"""JL-ARC-1: a case's unit holds the records of its legal review, its collective decision, its
result publication and the publication's withdrawal — in stage order (审查 before 决定; the
publication records under 执行, as ``data/arrangement.json`` arranges them).

The case is the review app's disagreement round (factories: ``major_case``,
``review_submitted``, ``review_in_progress``, ``review_checklist``) followed by the publicity
workflow on the decision's own draft (``publication_draft_for_case``) and the closing steps of
``conftest.closed_case``.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.archive.models import ArchiveUnit
from sanxiang.archive.spec import Stage
from sanxiang.testing import factories


def _review_round_decided_collectively(case, team, reviewer, deputy):
    from sanxiang.review import disagreement
    from sanxiang.review import services as review_services

    officer, head = team["officer"], team["head"]
    review = factories.review_in_progress(
        review=factories.review_submitted(case=case, officer=officer), reviewer=reviewer
    )
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"facts_evidence": "培训档案证据不充分。"}
    )
    review_services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="investigate",
        reasons="主要事实证据不足。",
        proposed_change="补充调取培训档案原件。",
    )
    disagreement.opinion_contest(
        actor=officer, review=review, reasons="培训档案复印件已由矿方盖章确认，证据充分。"
    )
    disagreement.argument_record(
        actor=head,
        review=review,
        source="expert",
        author="吴专家",
        organisation="测试煤炭学院",
        content="复印件经盖章确认，可以使用。",
        received_on=timezone.localdate(),
    )
    disagreement.collective_decision_record(
        actor=head,
        review=review,
        held_on=timezone.localdate(),
        participants=[head, deputy],
        outcome="proceed",
        decision="证据充分，按拟作出的决定作出行政处罚决定。",
        minutes="赵局长：同意。副局长：同意。",
    )
    disagreement.collective_clearance_register(actor=reviewer, review=review)


def _published_and_withdrawn(case):
    from sanxiang.publicity import services as publicity

    people = factories.publicity_team(agency=case.agency)
    publication = publicity.publication_draft_for_case(case_id=case.pk, actor=people["editor"])
    publication = publicity.publication_confirm(
        actor=people["editor"], publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=people["reviewer"], publication=publication)
    publication = publicity.publication_approve(actor=people["head"], publication=publication)
    return publicity.publication_withdraw(
        actor=people["head"],
        publication=publication,
        reason="原处罚决定经行政复议被撤销（测试）。",
        reason_kind="revoked",
        revoked_on=timezone.localdate(),
    )


def test_review_collective_decision_publication_and_withdrawal_are_items_in_stage_order(
    team, officers
):
    from sanxiang.cases import execution
    from sanxiang.cases import services as cases

    officer, head = team["officer"], team["head"]
    reviewer = factories.legal_reviewer(agency=head.agency, full_name="孙审核")
    deputy = factories.head(agency=head.agency, full_name="钱副局长")
    case = factories.major_case(officers=officers, mine=team["mine"], head=head)
    _review_round_decided_collectively(case, team, reviewer, deputy)
    case = cases.decision_issue(actor=head, case=case)
    publication = _published_and_withdrawn(case)
    today = timezone.localdate()
    execution.service_record(
        actor=officer, case=case, served_on=today, method="direct", recipient="张矿长",
        officers=officers, place="矿部办公室", **factories.shown_now(),)  # fmt: skip
    case.refresh_from_db()
    execution.payment_record(
        actor=officer, case=case, amount="60000", paid_on=today, reference="POS-0002"
    )
    case.refresh_from_db()
    case = execution.case_close(actor=head, case=case, summary="罚款已全部缴清，结案。")
    case = execution.case_archive_ready(actor=officer, case=case)

    unit = ArchiveUnit.objects.get(case=case)
    items = list(unit.items.select_related("document").order_by("seq"))
    kinds = {i.document.type_code: i for i in items if i.document_id}
    opinion, collective = kinds["review_opinion"], kinds["collective_record"]
    assert opinion.stage == collective.stage == Stage.REVIEW
    assert opinion.doc_number and collective.doc_number
    version = publication.versions.get()
    published = next(i for i in items if i.record_type == "publicity.publicationversion")
    withdrawn = next(i for i in items if i.record_type == "publicity.publication")
    assert (published.record_id, withdrawn.record_id) == (str(version.pk), str(publication.pk))
    assert published.title == "结果公示记录（第1版）" and withdrawn.title == "结果公示撤下记录"
    assert published.stage == withdrawn.stage == Stage.EXECUTION
    assert published.file_path and withdrawn.file_path  # record sheets, stored write-once
    # Stage order: the volume never goes back a stage; within 审查 the opinion precedes the
    # collective decision, and the publication precedes its withdrawal.
    ranks = [Stage.ORDER.index(i.stage) for i in items]
    assert ranks == sorted(ranks), [(i.seq, i.stage, i.title) for i in items]
    decision = kinds["penalty_decision"]
    assert opinion.seq < collective.seq < decision.seq < published.seq < withdrawn.seq
    assert [i.seq for i in items] == list(range(1, len(items) + 1))
