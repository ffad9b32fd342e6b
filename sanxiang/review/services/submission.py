"""Submission (送审, SH-CONT-1): the materials frozen as they stand with the case side's
declaration, resubmission after a change or an incomplete return, and withdrawal.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.models import Case, Proposal, ProposalKind, ProposalStatus
from sanxiang.core.language import in_legal_language
from sanxiang.core.validation import clean_and_save
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.evidence.models import Recording
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Staff

from .. import rules
from ..models import (
    Review,
    Submission,
)
from ..workflow import OPEN, ReviewStatus
from .common import (
    _add,
    _begin,
    _finish,
    _raise_if,
    _refresh_alerts_on_commit,
    _require_case_side,
    _text,
)

DECLARATION = _(
    "本人对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、执法程序的"
    "合法性负责（实施办法五（四）4）。"
)


# Documents of the review itself are not materials the case side submits.
OWN_DOCUMENTS = frozenset({"review_opinion", "collective_record"})


def latest_case_report(case: Case) -> Document | None:
    return (
        Document.objects.filter(
            subject_type=object_type_of(case),
            subject_id=str(case.pk),
            type_code="case_report",
            status=DocumentStatus.ISSUED,
        )
        .select_related("number")
        .order_by("-issued_at", "-pk")
        .first()
    )


def materials_of(case: Case) -> list[dict[str, Any]]:
    """The manifest of what is submitted: every issued document of the case and every recording
    linked to it, each with its digests (the review app's own documents excluded)."""
    items: list[dict[str, Any]] = [
        {
            "type": "document",
            "id": d.pk,
            "type_code": d.type_code,
            "title": d.title,
            "number": d.number.text if d.number else "",
            "sm3": d.pdf_sm3,
            "sha256": d.pdf_sha256,
        }
        for d in case_selectors.case_documents(case)
        if d.status == DocumentStatus.ISSUED and d.type_code not in OWN_DOCUMENTS
    ]
    for r in Recording.objects.filter(
        subject_type=object_type_of(case), subject_id=str(case.pk)
    ).order_by("pk"):
        items.append(
            {
                "type": "recording",
                "id": r.pk,
                "number": r.number,
                "title": r.title,
                "sm3": r.sm3,
                "sha256": r.sha256,
            }
        )
    return items


def _proposal_errors(proposal: Proposal, case: Case, errors: dict) -> None:
    """SH-SCOPE-1/2: the proposal must be the case's current one and a major decision."""
    if proposal is None or proposal.case_id != case.pk:
        _add(errors, "proposal", _("请选择本案拟作出的决定。"))
        return
    post_review = proposal.kind == ProposalKind.EMERGENCY_MEASURE
    matches = gate.major_matches(proposal)
    if post_review:
        if proposal.status != ProposalStatus.DECIDED:
            _add(errors, "proposal", _("该紧急措施尚未执行。"))
    elif proposal.status != ProposalStatus.PENDING:
        _add(
            errors,
            "proposal",
            _("该拟作出的决定已作出或已被替代，请选择当前拟作出的决定。"),
        )
    if not matches:
        _add(
            errors,
            "proposal",
            _(
                "按本单位重大执法决定目录清单，该决定不属于重大执法决定，无需法制审核（《实施办法》五（二）2）。"
            ),
        )
    elif gate.passed_clearance(proposal, post_review=post_review) is not None:
        _add(errors, "proposal", _("该拟作出的决定已通过法制审核。"))


@in_legal_language
def _freeze(
    *,
    actor: Staff,
    review: Review,
    proposal: Proposal,
    case_report: Document | None,
    materials_note: str,
    response: str,
) -> Submission:
    """Write the round's submission once; its manifest digest goes into the ledger. The
    declaration and the matches' reasons are recorded in the legal language."""
    now = timezone.now()
    materials = materials_of(review.case)
    manifest = {
        "case": review.case_id,
        "review": review.pk,
        "round": review.round,
        "proposal": proposal.pk,
        "proposal_digest": proposal.digest,
        "proposal_content": proposal.content,
        "case_report": {
            "id": case_report.pk,
            "number": case_report.number.text if case_report.number else "",
            "sm3": case_report.pdf_sm3,
        }
        if case_report
        else None,
        "materials": materials,
        "materials_note": materials_note,
        "response": response,
        "declaration": str(DECLARATION),
        "declared_by": actor.pk,
        "declared_at": now.isoformat(),
    }
    submission = Submission(
        review=review,
        round=review.round,
        proposal=proposal,
        proposal_digest=proposal.digest,
        proposal_content=proposal.content,
        major_matches=gate.recorded_matches(proposal),
        case_report=case_report,
        materials=materials,
        materials_note=materials_note,
        response=response,
        declaration=str(DECLARATION),
        declared_by=actor,
        declared_at=now,
        digest=hashlib.new("sm3", canonical_json(manifest)).hexdigest(),
    )
    clean_and_save(submission)
    ledger_append(
        actor=actor,
        action="review.submission",
        obj=submission,
        details={
            "review": review.pk,
            "round": review.round,
            "proposal": proposal.pk,
            "proposal_digest": proposal.digest,
            "manifest_digest": submission.digest,
            "case_report": manifest["case_report"]["number"] if case_report else "",
            "materials": len(materials),
        },
    )
    return submission


@transaction.atomic
def review_submit(
    *,
    actor: Staff,
    case: Case,
    proposal: Proposal,
    declaration: bool,
    reviewing_agency=None,
    materials_note: str = "",
) -> Review:
    """SH-CONT-2, SH-RESP-4: the case side submits the case report, the proposed major decision
    and the case's documents and recordings to the review office, declaring them true, accurate
    and complete. Addressed to the deciding agency's review office, or to a superior agency's
    when it takes the review (SH-ORG-1). An emergency measure executed first is submitted for
    review afterwards (SH-SCOPE-1)."""
    _require_case_side(actor, case, _("送法制审核"))
    case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    errors: dict[str, list[str]] = {}
    if proposal is not None:
        proposal = Proposal.objects.filter(pk=proposal.pk).first()
    _proposal_errors(proposal, case, errors)
    post_review = bool(proposal and proposal.kind == ProposalKind.EMERGENCY_MEASURE)
    if proposal is not None and not errors:
        open_reviews = Review.objects.filter(case=case, kind=proposal.kind, status__in=OPEN)
        if post_review:
            open_reviews = open_reviews.filter(submissions__proposal=proposal)
        current = open_reviews.first()
        if current is not None:
            _add(
                errors,
                "proposal",
                _("该决定已在法制审核中（第%(n)d轮，%(state)s），请在原审核中办理。")
                % {"n": current.round, "state": current.get_status_display()},
            )
    reviewing_agency = reviewing_agency or case.agency
    if not rules.may_review_for(reviewing_agency, case.agency):
        _add(
            errors,
            "reviewing_agency",
            _("法制审核由作出决定的机构负责，或由其上级机构审核（《实施办法》五（一）1）。"),
        )
    elif not rules.reviewers_of(reviewing_agency).exists():
        _add(
            errors,
            "reviewing_agency",
            _("%(a)s没有在岗的法制审核人员（《实施办法》五（一）3）。") % {"a": reviewing_agency},
        )
    case_report = latest_case_report(case)
    if proposal is not None and proposal.kind == ProposalKind.PENALTY and case_report is None:
        _add(errors, "case_report", _("请先制作案件处理呈报书。"))
    if declaration is not True:
        _add(
            errors,
            "declaration",
            _("请声明送审材料真实、准确、完整，并对执法的合法性负责（《实施办法》五（四）4）。"),
        )
    _raise_if(errors)
    review = Review(
        case=case,
        kind=proposal.kind,
        post_review=post_review,
        reviewing_agency=reviewing_agency,
        created_by=actor,
    )
    clean_and_save(review)
    submission = _freeze(
        actor=actor,
        review=review,
        proposal=proposal,
        case_report=case_report,
        materials_note=_text(materials_note),
        response="",
    )
    ledger_append(
        actor=actor,
        action="review.submit",
        obj=review,
        details={
            "case": case.pk,
            "proposal": proposal.pk,
            "digest": proposal.digest,
            "manifest_digest": submission.digest,
            "reviewing_agency": reviewing_agency.pk,
            "post_review": post_review,
        },
    )
    _refresh_alerts_on_commit(review)
    return review


def is_stale(submission: Submission) -> bool:
    """The proposal submitted is no longer the one the case would decide."""
    proposal = Proposal.objects.get(pk=submission.proposal_id)
    if proposal.kind == ProposalKind.EMERGENCY_MEASURE:
        return False
    return proposal.status != ProposalStatus.PENDING


@transaction.atomic
def review_resubmit(
    *,
    actor: Staff,
    review: Review,
    response: str,
    declaration: bool,
    proposal: Proposal | None = None,
    materials_note: str = "",
) -> Review:
    """SH-CONT-3: the case side studies the opinion (or completes the materials), acts on it and
    submits again: a new round with a new frozen submission; the clock starts again on receipt.
    Also when the proposal under review was replaced by a new one (later edits are a new
    submission, never a change of the reviewed one)."""
    _require_case_side(actor, review.case, _("再次送审"))
    review, step = _begin(review, "resubmit")
    case = review.case
    previous = review.current_submission
    errors: dict[str, list[str]] = {}
    if review.status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW) and not is_stale(previous):
        raise ValidationError(
            {"status": [_("本轮送审的拟作出决定仍为当前内容，正在审核中，无需重新送审。")]}
        )
    if review.post_review:
        proposal = previous.proposal
    elif proposal is None:
        proposal = gate.pending_proposal(case, review.kind)
    if proposal is None:
        raise ValidationError(
            {
                "proposal": [
                    _("本案当前没有%(kind)s的拟作出决定，请先按审核意见处理并重新呈报。")
                    % {"kind": review.get_kind_display()}
                ]
            }
        )
    _proposal_errors(proposal, case, errors)
    if proposal is not None and proposal.kind != review.kind:
        _add(errors, "proposal", _("再次送审的应为同一类别的拟作出决定。"))
    if not _text(response):
        _add(
            errors,
            "response",
            _("请说明对审核意见（或补正要求）的研究处理情况（《实施办法》五（三）3）。"),
        )
    case_report = latest_case_report(case)
    if review.kind == ProposalKind.PENALTY and case_report is None:
        _add(errors, "case_report", _("请先制作案件处理呈报书。"))
    if declaration is not True:
        _add(
            errors,
            "declaration",
            _("请声明送审材料真实、准确、完整，并对执法的合法性负责（《实施办法》五（四）4）。"),
        )
    _raise_if(errors)
    review.round += 1
    review.received_on = review.due_on = None
    review.due_provisional = False
    review.status_reason = ""
    if review.reviewer_id and rules.conflict_reasons(review.reviewer, case):
        review.reviewer, review.assigned_at = None, None
    submission = _freeze(
        actor=actor,
        review=review,
        proposal=proposal,
        case_report=case_report,
        materials_note=_text(materials_note),
        response=_text(response),
    )
    return _finish(
        actor,
        review,
        step,
        {
            "round": review.round,
            "proposal": proposal.pk,
            "digest": proposal.digest,
            "manifest_digest": submission.digest,
        },
    )


@transaction.atomic
def review_withdraw(*, actor: Staff, review: Review, reason: str) -> Review:
    """The case side no longer proposes the decision (it will not be made, or is no longer
    major): the review ends without a clearance."""
    _require_case_side(actor, review.case, _("撤回送审"))
    review, step = _begin(review, "withdraw")
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明撤回的理由。")]})
    review.status_reason = _text(reason)
    return _finish(actor, review, step, {"reason": review.status_reason[:200]})
