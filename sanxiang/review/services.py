"""Writes of the legal review: submission and resubmission, assignment, receipt, checklist,
hearing the party or investigating, the head's extension, the written opinion, disagreement and
the heads' collective decision.

One service per row of ``workflow.py``. Each checks the row and who may take it, validates every
field (all errors at once, nothing saved on error), changes state, appends the ledger event and
enqueues follow-up work (the alerts of the review) on commit. A passed review reaches the case
only through ``cases.gate.review_clearance_record``. No superuser shortcut: the reviewer acts as
a legal reviewer, the case side as the case's officers or its agency's heads, collective
decisions by heads (SH-RESP-4, SH-RESP-5: every act is someone's).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.models import Case, Proposal, ProposalKind, ProposalStatus
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import in_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.core.workdays import working_days_between
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.evidence.models import Recording
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import documents, rules
from .models import (
    ChangeGround,
    ChecklistAnswer,
    ChecklistItem,
    Extension,
    Finding,
    Inquiry,
    InquiryKind,
    Opinion,
    OpinionKind,
    Review,
    Submission,
)
from .workflow import OPEN, ReviewStatus, Transition, transition_for

DECLARATION = _(
    "本人对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、执法程序的"
    "合法性负责（实施办法五（四）4）。"
)
# Documents of the review itself are not materials the case side submits.
OWN_DOCUMENTS = frozenset({"review_opinion", "collective_record"})


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))


# --- who may act -------------------------------------------------------------------------------


def is_case_side(user: Staff, case: Case) -> bool:
    """The case's officers (承办人员) or a head of its agency (or above)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.OFFICER) and case.officers.filter(pk=user.pk).exists():
        return True
    return user.has_role(Role.HEAD) and user.agency is not None and in_scope(user, case.agency)


def _require_case_side(actor: Staff, case: Case, doing: str) -> None:
    _signed_in(actor)
    if not is_case_side(actor, case):
        raise PermissionDenied(
            _("只有本案承办人员或本机构负责人可以%(doing)s。") % {"doing": doing}
        )


def _require_reviewer(actor: Staff, review: Review, doing: str, *, assigned: bool = True) -> None:
    """A legal reviewer of the review office, without a conflict, and (when ``assigned``) the one
    the review is assigned to. The role itself is required: no superuser shortcut."""
    _signed_in(actor)
    if not actor.has_role(Role.LEGAL_REVIEWER):
        raise PermissionDenied(_("只有法制审核人员可以%(doing)s。") % {"doing": doing})
    if actor.agency_id != review.reviewing_agency_id:
        raise PermissionDenied(
            _("本次审核由%(office)s的法制审核机构承担，您不能%(doing)s。")
            % {"office": review.reviewing_agency, "doing": doing}
        )
    conflicts = rules.conflict_reasons(actor, review.case)
    if conflicts:
        raise PermissionDenied(
            _("您%(why)s，与本案有利害关系，不能审核本案。") % {"why": "、".join(conflicts)}
        )
    if assigned and review.reviewer_id not in (None, actor.pk):
        raise PermissionDenied(_("本次审核已分配给%(name)s。") % {"name": review.reviewer})


def _require_head(actor: Staff, agency, doing: str) -> None:
    _signed_in(actor)
    if not (actor.has_role(Role.HEAD) and actor.agency is not None and in_scope(actor, agency)):
        raise PermissionDenied(
            _("只有%(agency)s的负责人可以%(doing)s。") % {"agency": agency, "doing": doing}
        )


def _begin(review: Review, action: str) -> tuple[Review, Transition]:
    """Lock the review and find the row ``action`` from its state."""
    review = (
        Review.objects.select_for_update()
        .select_related("case", "case__agency", "reviewing_agency")
        .get(pk=review.pk)
    )
    transition = transition_for(review.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("本次审核当前处于“%(state)s”，不能%(doing)s。")
                    % {"state": review.get_status_display(), "doing": _label(action)}
                ]
            }
        )
    return review, transition


def _label(action: str) -> str:
    from .workflow import IN_STATE_ACTIONS, TRANSITIONS

    for row in TRANSITIONS + IN_STATE_ACTIONS:
        if row.action == action:
            return str(row.label)
    return action


def _finish(
    actor: Staff, review: Review, transition: Transition, details: dict | None = None
) -> Review:
    review.status = transition.target
    if review.status not in OPEN and review.closed_at is None:
        review.closed_at = timezone.now()
    review.save()
    ledger_append(
        actor=actor, action=f"review.{transition.action}", obj=review, details=details or {}
    )
    _refresh_alerts_on_commit(review)
    return review


def _refresh_alerts_on_commit(review: Review) -> None:
    review_id = review.pk

    def enqueue() -> None:
        from .tasks import review_alerts_task

        review_alerts_task.enqueue(review_id)

    transaction.on_commit(enqueue)


# --- submission (送审) --------------------------------------------------------------------------


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


# --- the review office -------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, actor: Staff, review: Review, reviewer: Staff) -> Review:
    """Assign the review to a reviewer of the review office (SH-ORG-1): a head of that agency
    assigns anyone eligible; a reviewer may take it himself. Nobody who handled the case is
    eligible (``rules.conflict_reasons``)."""
    _signed_in(actor)
    review, step = _begin(review, "assign")
    self_taking = reviewer is not None and reviewer.pk == actor.pk
    if self_taking:
        _require_reviewer(actor, review, _("领取审核任务"), assigned=False)
    else:
        _require_head(actor, review.reviewing_agency, _("分配审核人员"))
    errors: dict[str, list[str]] = {}
    if reviewer is None:
        _add(errors, "reviewer", _("请选择审核人员。"))
    elif not reviewer.is_active or not reviewer.has_role(Role.LEGAL_REVIEWER):
        _add(errors, "reviewer", _("%(name)s不是法制审核人员。") % {"name": reviewer})
    elif reviewer.agency_id != review.reviewing_agency_id:
        _add(
            errors,
            "reviewer",
            _("%(name)s不属于%(office)s。") % {"name": reviewer, "office": review.reviewing_agency},
        )
    else:
        conflicts = rules.conflict_reasons(reviewer, review.case)
        if conflicts:
            _add(
                errors,
                "reviewer",
                _("%(name)s%(why)s，与本案有利害关系，不能审核本案。")
                % {"name": reviewer, "why": "、".join(conflicts)},
            )
    _raise_if(errors)
    review.reviewer, review.assigned_at = reviewer, timezone.now()
    return _finish(actor, review, step, {"reviewer": reviewer.pk, "round": review.round})


def _take(actor: Staff, review: Review) -> None:
    if review.reviewer_id is None:
        review.reviewer, review.assigned_at = actor, timezone.now()


def _day_errors(
    value: Any, field: str, errors: dict, *, not_before: datetime.date | None
) -> datetime.date | None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        _add(errors, field, _("请填写日期。"))
        return None
    if value > timezone.localdate():
        _add(errors, field, _("日期不能晚于今天。"))
    elif not_before and value < not_before:
        _add(errors, field, _("日期不能早于%(day)s。") % {"day": not_before})
    return value


@transaction.atomic
def review_receive(
    *, actor: Staff, review: Review, received_on: datetime.date | None = None
) -> Review:
    """SH-RESP-2: the review office receives complete materials; the 5 working days run from the
    day after. For an emergency measure reviewed afterwards, its own deadline (5 working days
    from the measure, SH-SCOPE-1) applies."""
    review, step = _begin(review, "receive")
    _require_reviewer(actor, review, _("接收送审材料"))
    submission = review.current_submission
    errors: dict[str, list[str]] = {}
    received_on = _day_errors(
        timezone.localdate() if received_on is None else received_on,
        "received_on",
        errors,
        not_before=timezone.localdate(submission.declared_at),
    )
    _raise_if(errors)
    if review.post_review and review.case.post_review_due:
        review.due_on = review.case.post_review_due
        review.due_provisional = review.case.post_review_due_provisional
    else:
        due = rules.review_due(received_on)
        review.due_on, review.due_provisional = due.date, due.provisional
    _take(actor, review)
    review.received_on = received_on
    review.status_reason = ""
    return _finish(
        actor,
        review,
        step,
        {
            "round": review.round,
            "received_on": received_on,
            "due_on": review.due_on,
            "provisional": review.due_provisional,
        },
    )


@transaction.atomic
def review_return_incomplete(*, actor: Staff, review: Review, missing: str) -> Review:
    """The materials are incomplete: back to the case side to complete; the clock does not start."""
    review, step = _begin(review, "return_incomplete")
    _require_reviewer(actor, review, _("退回补正"))
    if not _text(missing):
        raise ValidationError({"missing": [_("请写明缺少或需要补正的材料。")]})
    _take(actor, review)
    review.status_reason = _text(missing)
    return _finish(
        actor, review, step, {"round": review.round, "missing": review.status_reason[:300]}
    )


def checklist_fields(item: str) -> tuple[str, str]:
    return f"{item}_finding", f"{item}_notes"


@transaction.atomic
def checklist_save(
    *, actor: Staff, review: Review, answers: dict[str, dict[str, str]]
) -> list[ChecklistAnswer]:
    """SH-CONT-1: answer review points of the current round, each with a finding and notes
    (notes are required for a point with a problem). Points may be answered over several saves;
    the opinion needs all nine."""
    review, _step = _begin(review, "checklist")
    _require_reviewer(actor, review, _("填写审核要点"))
    submission = review.current_submission
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, dict) or not answers:
        raise ValidationError({"answers": [_("请至少填写一项审核要点。")]})
    cleaned = {}
    for item, answer in answers.items():
        finding_field, notes_field = checklist_fields(str(item))
        if item not in ChecklistItem.values:
            _add(errors, "answers", _("未知的审核要点：%(i)s。") % {"i": str(item)[:40]})
            continue
        answer = answer if isinstance(answer, dict) else {}
        finding = answer.get("finding")
        notes = _text(answer.get("notes"))
        if finding not in Finding.values:
            _add(errors, finding_field, _("请选择审核结论。"))
        elif finding == Finding.PROBLEM and not notes:
            _add(errors, notes_field, _("有问题的，请写明问题所在。"))
        if len(notes) > 2000:
            _add(errors, notes_field, _("说明最多2000字。"))
        cleaned[item] = (finding, notes)
    _raise_if(errors)
    existing = {a.item: a for a in submission.answers.all()}
    now = timezone.now()
    saved = []
    for item, (finding, notes) in cleaned.items():
        answer = existing.get(item) or ChecklistAnswer(submission=submission, item=item)
        if answer.pk and answer.finding == finding and answer.notes == notes:
            saved.append(answer)
            continue
        answer.finding, answer.notes = finding, notes
        answer.answered_by, answer.answered_at = actor, now
        clean_and_save(answer)
        ledger_append(
            actor=actor,
            action="review.checklist",
            obj=answer,
            details={"review": review.pk, "round": review.round, "item": item, "finding": finding},
        )
        saved.append(answer)
    return saved


@transaction.atomic
def inquiry_record(
    *,
    actor: Staff,
    review: Review,
    kind: str,
    occurred_on: datetime.date,
    persons: str,
    content: str,
) -> Inquiry:
    """SH-RESP-2: review is mainly on paper; where needed the reviewer hears the party or
    investigates, and records it here."""
    review, _step = _begin(review, "inquiry")
    _require_reviewer(actor, review, _("登记了解情况或调查取证"))
    errors: dict[str, list[str]] = {}
    if kind not in InquiryKind.values:
        _add(errors, "kind", _("请选择方式。"))
    occurred_on = _day_errors(
        occurred_on,
        "occurred_on",
        errors,
        not_before=timezone.localdate(review.current_submission.declared_at),
    )
    if not _text(persons):
        _add(errors, "persons", _("请填写了解情况的对象和参加人。"))
    if not _text(content):
        _add(errors, "content", _("请记录了解到的情况或取得的证据。"))
    inquiry = Inquiry(
        submission=review.current_submission,
        kind=kind,
        occurred_on=occurred_on,
        persons=_text(persons)[:300],
        content=_text(content),
        recorded_by=actor,
    )
    clean_and_save(inquiry, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="review.inquiry",
        obj=inquiry,
        details={"review": review.pk, "round": review.round, "kind": kind},
    )
    return inquiry


@transaction.atomic
def review_extend(*, actor: Staff, review: Review, reason: str) -> Extension:
    """SH-RESP-2: the unit's head (of the agency doing the review) may approve one extension of
    5 working days per round, before the time limit has run out. A second one is refused.

    A review afterwards of an emergency measure (SH-SCOPE-1) runs to the case's own deadline
    (``review_receive``), which the case's deadlines, the post-review queue and its alerts read:
    the extension moves ``case.post_review_due`` in the same transaction (see
    :func:`_extend_post_review_due`), so the two dates cannot diverge."""
    review, step = _begin(review, "extend")
    _require_head(actor, review.reviewing_agency, _("批准延长审核期限"))
    done = review.extensions.filter(round=review.round).first()
    if done is not None:
        raise ValidationError(
            {
                "status": [
                    _(
                        "本轮审核期限已于%(day)s经%(who)s批准延长至%(due)s；"
                        "延长只能批准一次（《实施办法》五（四）2）。"
                    )
                    % {
                        "day": timezone.localdate(done.approved_at),
                        "who": done.approved_by,
                        "due": done.due_on,
                    }
                ]
            }
        )
    if review.due_on < timezone.localdate():
        raise ValidationError(
            {"status": [_("审核期限已于%(day)s届满，不能再批准延长。") % {"day": review.due_on}]}
        )
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明需要延长的特殊情况。")]})
    due = rules.extended_due(review.due_on)
    extension = Extension(
        review=review,
        round=review.round,
        reason=_text(reason)[:500],
        previous_due_on=review.due_on,
        due_on=due.date,
        due_provisional=due.provisional,
        approved_by=actor,
    )
    clean_and_save(extension)
    ledger_append(
        actor=actor,
        action="review.extension",
        obj=extension,
        details={"review": review.pk, "round": review.round, "due_on": due.date},
    )
    review.due_on, review.due_provisional = due.date, due.provisional
    if review.post_review:
        _extend_post_review_due(actor, review, extension)
    _finish(actor, review, step, {"round": review.round, "due_on": due.date})
    return extension


def _extend_post_review_due(actor: Staff, review: Review, extension: Extension) -> None:
    """The case's post-review deadline follows the approved extension of its review afterwards.

    Both dates stay stored: the case sets its deadline when the measure is executed, before any
    review exists, and the cases app does not read the review app's tables. This is the one
    place the review moves it, under the case's row lock, with its own ledger event."""
    case = Case.objects.select_for_update().get(pk=review.case_id)
    if not case.needs_post_review:
        return
    previous = case.post_review_due
    case.post_review_due, case.post_review_due_provisional = (
        extension.due_on,
        extension.due_provisional,
    )
    case.save(update_fields=["post_review_due", "post_review_due_provisional"])
    ledger_append(
        actor=actor,
        action="case.post_review_extended",
        obj=case,
        details={
            "review": review.pk,
            "round": review.round,
            "extension": extension.pk,
            "previous_due_on": previous,
            "due_on": extension.due_on,
        },
    )
    review.case = case


# --- the opinion (法制审核意见书) ----------------------------------------------------------------


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
