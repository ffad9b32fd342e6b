"""The review office (SH-CONT-2, SH-CONT-3): assignment of the reviewer, receipt of the
materials (or their return as incomplete), the checklist, inquiries and the extension of the
review period.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import rules
from ..models import (
    ChecklistAnswer,
    ChecklistItem,
    Extension,
    Finding,
    Inquiry,
    InquiryKind,
    Review,
)
from .common import (
    _add,
    _begin,
    _day_errors,
    _finish,
    _raise_if,
    _require_head,
    _require_reviewer,
    _signed_in,
    _text,
)


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
