"""Writes of the disagreement procedure (SH-RESP-3): the case side contests an opinion, experts,
legal advisers or a third party argue it in writing, the agency's heads decide collectively
(集体讨论记录), and — when they decide to proceed as proposed — the review office registers that
decision as the review's result, which is what clears the gate.

Same conventions as ``services.py``: one transaction per service, every field validated before
anything is saved, every change a ledger event.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases.models import Proposal
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import in_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import LegalAdviser, Staff
from sanxiang.org.roles import Role
from sanxiang.org.selectors import adviser_list

from . import documents
from .models import (
    Argument,
    ArgumentSource,
    CollectiveDecision,
    CollectiveOutcome,
    Contest,
    Review,
)
from .services.common import (
    _add,
    _begin,
    _day_errors,
    _finish,
    _raise_if,
    _require_case_side,
    _require_head,
    _require_reviewer,
    _signed_in,
    _text,
)
from .services.submission import is_stale

MIN_COLLECTIVE_HEADS = 2


@transaction.atomic
def opinion_contest(*, actor: Staff, review: Review, reasons: str) -> Contest:
    """SH-RESP-3: the case side disagrees with the opinion; the heads will decide collectively,
    after experts, legal advisers or a third party have argued it where needed."""
    _require_case_side(actor, review.case, _("对审核意见提出异议"))
    review, step = _begin(review, "contest")
    opinion = review.opinions.filter(submission__round=review.round).first()
    if opinion is None or hasattr(opinion, "contest"):
        raise ValidationError(
            {"status": [_("该审核意见已经负责人集体讨论决定，请按决定办理后再次送审。")]}
        )
    if not _text(reasons):
        raise ValidationError({"reasons": [_("请写明不同意审核意见的理由。")]})
    contest = Contest(review=review, opinion=opinion, reasons=_text(reasons), raised_by=actor)
    clean_and_save(contest)
    ledger_append(
        actor=actor,
        action="review.contest_raised",
        obj=contest,
        details={"review": review.pk, "opinion": opinion.document.number.text},
    )
    _finish(actor, review, step, {"round": review.round, "contest": contest.pk})
    return contest


@transaction.atomic
def argument_record(
    *,
    actor: Staff,
    review: Review,
    source: str,
    content: str,
    received_on: datetime.date,
    author: str = "",
    organisation: str = "",
    adviser: LegalAdviser | None = None,
) -> Argument:
    """SH-RESP-3, SH-ORG-4: the written argument of an expert, a legal adviser or public lawyer
    (the agency's own or from the shared pool), or a third-party institution."""
    _signed_in(actor)
    review, step = _begin(review, "argument")
    if not (
        actor.has_role(*step.roles)
        and actor.agency is not None
        and (in_scope(actor, review.case.agency) or actor.agency_id == review.reviewing_agency_id)
    ):
        raise PermissionDenied(_("只有本案所在机构或法制审核机构的工作人员可以登记论证意见。"))
    contest = review.contests.order_by("-pk").first()
    errors: dict[str, list[str]] = {}
    if source not in ArgumentSource.values:
        _add(errors, "source", _("请选择论证方。"))
    if source == ArgumentSource.LEGAL_ADVISER:
        if adviser is None:
            _add(errors, "adviser", _("请选择法律顾问或公职律师。"))
        elif not adviser_list(user=actor).filter(pk=adviser.pk).exists():
            _add(
                errors,
                "adviser",
                _("所选法律顾问不是本单位聘用的，也不在共享库中（《实施办法》五（一）4）。"),
            )
        else:
            author = author or adviser.name
            organisation = organisation or adviser.organisation
    elif adviser is not None:
        _add(errors, "adviser", _("只有法律顾问论证时选择法律顾问。"))
    if not _text(author):
        _add(errors, "author", _("请填写论证人或论证机构。"))
    received_on = _day_errors(
        received_on, "received_on", errors, not_before=timezone.localdate(contest.raised_at)
    )
    if (
        adviser is not None
        and received_on
        and adviser.engaged_until
        and adviser.engaged_until < received_on
    ):
        _add(
            errors, "adviser", _("该法律顾问的聘用期已于%(d)s届满。") % {"d": adviser.engaged_until}
        )
    if not _text(content):
        _add(errors, "content", _("请录入书面论证意见。"))
    argument = Argument(
        review=review,
        contest=contest,
        source=source,
        adviser=adviser if source == ArgumentSource.LEGAL_ADVISER else None,
        author=_text(author)[:100],
        organisation=_text(organisation)[:200],
        content=_text(content),
        received_on=received_on,
        recorded_by=actor,
    )
    clean_and_save(argument, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="review.argument",
        obj=argument,
        details={"review": review.pk, "source": source, "adviser": argument.adviser_id},
    )
    return argument


@transaction.atomic
def collective_decision_record(
    *,
    actor: Staff,
    review: Review,
    held_on: datetime.date,
    participants: list[Staff],
    outcome: str,
    decision: str,
    minutes: str,
    attendees: str = "",
) -> CollectiveDecision:
    """SH-RESP-3, SH-RESP-1: the deciding agency's heads decide collectively and the record
    (集体讨论记录) is issued. To proceed as proposed, the proposal must still be the one reviewed;
    the review office then registers the decision as the review's result (see
    ``collective_clearance_register``). Adopting the opinion, or another decision, returns the
    case to the case side."""
    action = "collective_proceed" if outcome == CollectiveOutcome.PROCEED else "collective_return"
    _require_head(actor, review.case.agency, _("主持集体讨论"))
    review, step = _begin(review, action)
    case = review.case
    contest = review.contests.order_by("-pk").first()
    submission = review.current_submission
    errors: dict[str, list[str]] = {}
    if outcome not in CollectiveOutcome.values:
        raise ValidationError({"outcome": [_("请选择集体讨论的决定。")]})
    people = list(dict.fromkeys(participants or []))
    if actor not in people:
        _add(errors, "participants", _("主持集体讨论的负责人应当参加讨论。"))
    outsiders = [p for p in people if not (p.has_role(Role.HEAD) and p.agency_id == case.agency_id)]
    if outsiders:
        _add(
            errors,
            "participants",
            _("%(names)s不是%(agency)s的负责人。")
            % {"names": "、".join(str(p) for p in outsiders), "agency": case.agency},
        )
    if len(people) < MIN_COLLECTIVE_HEADS:
        _add(
            errors,
            "participants",
            _("集体讨论应有%(n)d名以上负责人参加。") % {"n": MIN_COLLECTIVE_HEADS},
        )
    held_on = _day_errors(
        held_on, "held_on", errors, not_before=timezone.localdate(contest.raised_at)
    )
    if not _text(decision):
        _add(errors, "decision", _("请写明集体讨论的决定。"))
    if not _text(minutes):
        _add(errors, "minutes", _("请记录讨论情况（各负责人的意见）。"))
    if outcome == CollectiveOutcome.PROCEED and is_stale(submission):
        _add(
            errors,
            "outcome",
            _("拟作出的决定在审核后已有变化，不能按原拟决定办理，须重新送审。"),
        )
    _raise_if(errors)
    arguments = list(contest.arguments.all())
    document = documents.issue(
        actor=actor,
        agency=case.agency,
        type_code="collective_record",
        content=documents.collective_record(
            review=review,
            submission=submission,
            opinion=contest.opinion,
            contest=contest,
            arguments=arguments,
            participants=people,
            attendees=_text(attendees),
            held_on=held_on,
            outcome=outcome,
            decision=_text(decision),
            minutes=_text(minutes),
        ),
        subject=case,
    )
    record = CollectiveDecision(
        review=review,
        contest=contest,
        held_on=held_on,
        attendees=_text(attendees)[:500],
        outcome=outcome,
        decision=_text(decision),
        minutes=_text(minutes),
        proposal_digest=submission.proposal_digest,
        document=document,
        recorded_by=actor,
    )
    clean_and_save(record)
    record.participants.set(people)
    ledger_append(
        actor=actor,
        action="review.collective_decision",
        obj=record,
        details={
            "review": review.pk,
            "outcome": outcome,
            "participants": sorted(p.pk for p in people),
            "document": document.number.text,
            "digest": submission.proposal_digest,
        },
    )
    if outcome != CollectiveOutcome.PROCEED:
        review.status_reason = _text(decision)
    _finish(actor, review, step, {"outcome": outcome, "document": document.number.text})
    return record


@transaction.atomic
def collective_clearance_register(*, actor: Staff, review: Review) -> Review:
    """The heads decided collectively to proceed as proposed: a reviewer of the review office
    registers it as the review's result, which clears the gate for the proposal the heads
    discussed (``cases.gate.review_clearance_record`` with the 集体讨论记录 number)."""
    review, step = _begin(review, "register_collective")
    _require_reviewer(actor, review, _("登记集体讨论决定"), assigned=False)
    record = review.collective_decisions.order_by("-pk").select_related("document__number").first()
    submission = review.current_submission
    if is_stale(submission):
        raise ValidationError({"proposal": [_("拟作出的决定在集体讨论后已有变化，须重新送审。")]})
    with in_legal_language():  # recorded with the clearance
        summary = _("依负责人集体讨论决定（%(n)s）：%(d)s") % {
            "n": record.document.number.text,
            "d": record.decision,
        }
    gate.review_clearance_record(
        actor=actor,
        proposal=Proposal.objects.get(pk=submission.proposal_id),
        reviewed_digest=record.proposal_digest,
        opinion_reference=record.document.number.text,
        opinion_summary=summary,
        post_review=review.post_review,
    )
    return _finish(
        actor,
        review,
        step,
        {"collective_decision": record.pk, "document": record.document.number.text},
    )
