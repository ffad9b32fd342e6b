"""The opinion of a round (法制审核意见书, SH-CONT-2), issued as a numbered document: approval
clears the gate for the proposal submitted; any other opinion returns the case.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases.models import Proposal
from sanxiang.core.validation import clean_and_save
from sanxiang.core.workdays import working_days_between
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .. import documents
from ..models import (
    ChangeGround,
    ChecklistItem,
    Finding,
    Opinion,
    OpinionKind,
    Review,
)
from .common import _add, _begin, _finish, _raise_if, _require_reviewer, _text
from .submission import is_stale


@transaction.atomic
def opinion_issue(
    *,
    actor: Staff,
    review: Review,
    kind: str,
    reasons: str,
    proposed_change: str = "",
    grounds: list[str] | None = None,
    do_not_decide: bool = False,
) -> Opinion:
    """SH-CONT-2: the written opinion of this round, as a numbered 法制审核意见书.

    Approve (facts clear, evidence sufficient, characterisation correct, penalty proper,
    procedure lawful) clears the gate for exactly the proposal submitted; continue investigation
    or do not decide, change (wrong characterisation, wrong law, improper discretion — with the
    change proposed) and correct (unlawful procedure — with the correction) return the case.
    All nine review points must be answered (SH-CONT-1); an approval with a point marked as a
    problem is refused, and so is any other opinion without one.
    """
    action = "approve" if kind == OpinionKind.APPROVE else "return_opinion"
    review, step = _begin(review, action)
    _require_reviewer(actor, review, _("提出审核意见"))
    submission = review.current_submission
    errors: dict[str, list[str]] = {}
    grounds = list(dict.fromkeys(grounds or []))
    if kind not in OpinionKind.values:
        raise ValidationError({"kind": [_("请选择审核意见。")]})
    if not _text(reasons):
        _add(errors, "reasons", _("请写明审核意见的理由。"))
    answers = {a.item: a for a in submission.answers.all()}
    missing = [str(item.label) for item in ChecklistItem if item.value not in answers]
    problems = [
        str(ChecklistItem(a.item).label) for a in answers.values() if a.finding == Finding.PROBLEM
    ]
    if missing:
        _add(
            errors,
            "checklist",
            _("审核要点尚未逐项填写（《实施办法》五（三）1）：%(items)s。")
            % {"items": "；".join(missing)},
        )
    elif kind == OpinionKind.APPROVE and problems:
        _add(
            errors,
            "kind",
            _("审核要点中有问题（%(items)s），不能提出同意的意见。")
            % {"items": "；".join(problems)},
        )
    elif kind != OpinionKind.APPROVE and not problems:
        _add(
            errors,
            "kind",
            _("审核要点均无问题，应当提出同意的意见；否则请在审核要点中写明问题。"),
        )
    unknown = [g for g in grounds if g not in ChangeGround.values]
    if unknown:
        _add(errors, "grounds", _("未知的变更理由。"))
    if kind == OpinionKind.CHANGE:
        if not grounds:
            _add(
                errors,
                "grounds",
                _("请选择变更的理由：定性不准、适用法律不准确或执行裁量基准不当。"),
            )
        if not _text(proposed_change):
            _add(errors, "proposed_change", _("请写明变更意见（建议的定性、依据或处罚）。"))
    elif grounds:
        _add(errors, "grounds", _("只有变更意见需要选择变更理由。"))
    if kind == OpinionKind.CORRECT and not _text(proposed_change):
        _add(errors, "proposed_change", _("请写明不合法的程序和纠正意见。"))
    if do_not_decide and kind != OpinionKind.INVESTIGATE:
        _add(errors, "do_not_decide", _("只有“继续调查或不予作出决定”的意见可以建议不予作出决定。"))
    proposal = Proposal.objects.get(pk=submission.proposal_id)
    if kind == OpinionKind.APPROVE and is_stale(submission):
        _add(
            errors,
            "proposal",
            _("送审的拟作出决定已被替代或已作出，请承办机构按当前内容再次送审后审核。"),
        )
    _raise_if(errors)
    today = timezone.localdate()
    document = documents.issue(
        actor=actor,
        agency=review.reviewing_agency,
        type_code="review_opinion",
        content=documents.review_opinion(
            review=review,
            submission=submission,
            kind=kind,
            reasons=_text(reasons),
            proposed_change=_text(proposed_change),
            grounds=grounds,
            do_not_decide=bool(do_not_decide),
            reviewer=actor,
            today=today,
        ),
        subject=review.case,
    )
    opinion = Opinion(
        review=review,
        submission=submission,
        kind=kind,
        do_not_decide=bool(do_not_decide),
        grounds=grounds,
        reasons=_text(reasons),
        proposed_change=_text(proposed_change),
        document=document,
        reviewer=actor,
        issued_on=today,
        received_on=review.received_on,
        due_on=review.due_on,
        extended=review.extensions.filter(round=review.round).exists(),
        working_days=working_days_between(review.received_on, today),
        overdue=today > review.due_on,
    )
    clean_and_save(opinion)
    ledger_append(
        actor=actor,
        action="review.opinion",
        obj=opinion,
        details={
            "review": review.pk,
            "round": review.round,
            "kind": kind,
            "document": document.number.text,
            "reviewed_digest": submission.proposal_digest,
            "manifest_digest": submission.digest,
        },
    )
    if kind == OpinionKind.APPROVE:
        gate.review_clearance_record(
            actor=actor,
            proposal=proposal,
            reviewed_digest=submission.proposal_digest,
            opinion_reference=document.number.text,
            opinion_summary=_text(reasons),
            post_review=review.post_review,
        )
    else:
        review.status_reason = ""
    _finish(
        actor,
        review,
        step,
        {"round": review.round, "kind": kind, "document": document.number.text},
    )
    return opinion
