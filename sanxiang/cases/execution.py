"""Writes for a case after its decision: service, payment, additional fines, the application to
the court, closure and hand-over to the archive. One service per row of ``workflow.py``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.validation import clean_and_save
from sanxiang.inspections import paperwork, rules
from sanxiang.inspections import showings as showing_rules
from sanxiang.inspections.models import ShowingAct
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from . import deadlines, gate
from . import documents as content
from .models import (
    IN_PERSON_METHODS,
    Case,
    Payment,
    ProposalKind,
    ServiceMethod,
    ServiceRecord,
)
from .services.common import _add, _decide, _officer_list, _propose, _raise_if, _text, money
from .signals import case_handed_to_archive
from .steps import begin, case_checklists, finish
from .workflow import CaseStatus, transition_for


@transaction.atomic
def service_record(
    *,
    actor: Staff,
    case: Case,
    served_on: datetime.date,
    method: str,
    recipient: str,
    officers: list[Staff] | None = None,
    place: str = "",
    showings: list[dict[str, Any]] | None = None,
    identity_shown: bool = False,
    shown_at: datetime.datetime | None = None,
    shown_to: str = "",
) -> ServiceRecord:
    """Serve the decision and issue the receipt (送达回执); starts the 15-day payment period.

    Served in person (直接送达, 留置送达), ≥ 2 officers with valid certificates each show it
    (GS-MID-1: 送达执法文书 is one of the acts the Measures name): ``showings`` as
    {officer, shown_at, shown_to}, or the form's box ``identity_shown`` — every officer at
    ``shown_at`` to ``shown_to`` (by default the recipient). Without a recorded showing an
    in-person service is refused; the receipt prints the rows in its 备注 (ADR 0210, 0231)."""
    case, step = begin(actor, case, "serve")
    errors: dict[str, list[str]] = {}
    officers = _officer_list(officers)
    drafts: list = []
    if method not in ServiceMethod.values:
        _add(errors, "method", _("未知的送达方式。"))
    if not _text(recipient):
        _add(errors, "recipient", _("请填写签收人。"))
    if served_on is None:
        _add(errors, "served_on", _("请填写送达日期。"))
    else:
        if not case.decided_on <= served_on <= timezone.localdate():
            _add(errors, "served_on", _("送达日期应在决定之后、今天之前。"))
        if method in IN_PERSON_METHODS:
            for problem in rules.officers_present_problems(officers, served_on):
                _add(errors, "officers", problem)
            drafts = _service_showings(
                errors,
                officers=officers,
                served_on=served_on,
                showings=showings,
                identity_shown=identity_shown,
                shown_at=shown_at,
                shown_to=_text(shown_to) or _text(recipient),
            )
    electronic = method == ServiceMethod.ELECTRONIC
    if electronic:
        # 电子送达 only to a mine's account with its written consent; served on arrival (ADR 0150).
        from sanxiang.enterprise.services import electronic_service_problem

        problem = electronic_service_problem(mine=case.mine if case.party == case.mine else None)
        if problem:
            _add(errors, "method", problem)
        errors.pop("served_on", None)
    _raise_if(errors)
    if electronic:
        from sanxiang.enterprise.services import delivery_send

        delivery = delivery_send(actor=actor, document=case.decision_document, mine=case.mine)
        served_on = timezone.localdate(delivery.arrived_at)
        place = _("企业账号（电子送达，%(at)s到达）") % {
            "at": timezone.localtime(delivery.arrived_at).strftime("%Y-%m-%d %H:%M:%S")
        }
    # printed from the showings as they are stored with the service record, in this transaction
    rows = showing_rules.showing_rows(
        drafts, agency=case.agency, act=ShowingAct.SERVICE, actor=actor
    )
    receipt = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="service_receipt",
        content=content.service_receipt(
            case,
            document=case.decision_document,
            served_on=served_on,
            method=method,
            recipient=_text(recipient),
            place=_text(place),
            officers=officers,
            showings=rows,
        ),
        subject=case,
    )
    record = ServiceRecord(
        case=case,
        document=case.decision_document,
        served_on=served_on,
        method=method,
        recipient=_text(recipient),
        place=_text(place),
        receipt=receipt,
        recorded_by=actor,
    )
    clean_and_save(record)
    record.officers.set(officers)
    showing_rules.showings_record(actor=actor, subject=record, rows=rows)
    ledger_append(
        actor=actor,
        action="case.service",
        obj=record,
        details={"case": case.pk, "receipt": receipt.number.text, "method": method},
    )
    case.served_on = served_on
    if case.fine_amount > 0:
        due = deadlines.payment_due(served_on)
        case.payment_due, case.payment_due_provisional = due.date, due.provisional
    finish(actor, case, step, {"receipt": receipt.number.text, "payment_due": case.payment_due})
    return record


def _service_showings(
    errors: dict[str, list[str]],
    *,
    officers: list[Staff],
    served_on: datetime.date,
    showings: list[dict[str, Any]] | None,
    identity_shown: bool,
    shown_at: datetime.datetime | None,
    shown_to: str,
) -> list:
    """The checked showings of an in-person service: on the day of service, by the servers."""
    if showings is None and identity_shown:
        if not isinstance(shown_at, datetime.datetime):
            _add(errors, "shown_at", _("请填写送达时出示执法证件的时间。"))
            return []
        showings = showing_rules.showings_for_all(officers, shown_at=shown_at, shown_to=shown_to)
    day = timezone.make_aware(datetime.datetime.combine(served_on, datetime.time(12)))
    return showing_rules.showings_check(showings, officers=officers, start=day, errors=errors)


@transaction.atomic
def payment_record(
    *, actor: Staff, case: Case, amount: Any, paid_on: datetime.date, reference: str
) -> Payment:
    """Register a payment; when nothing is left to pay, the case is executed (缴清)."""
    case, _step = begin(actor, case, "payment")
    errors: dict[str, list[str]] = {}
    amount = money(amount, "amount", errors, required=True)
    if "amount" not in errors:
        if amount <= 0:
            _add(errors, "amount", _("缴款金额应大于0。"))
        elif amount > case.outstanding:
            _add(
                errors,
                "amount",
                _("缴款金额超过尚欠金额（人民币%(n)s元）。")
                % {"n": content.yuan(case.outstanding)},
            )
    if paid_on is None:
        _add(errors, "paid_on", _("请填写缴款日期。"))
    elif not case.decided_on <= paid_on <= timezone.localdate():
        _add(errors, "paid_on", _("缴款日期应在决定之后、今天之前。"))
    if not _text(reference):
        _add(errors, "reference", _("请填写缴款凭证号。"))
    _raise_if(errors)
    payment = Payment(
        case=case, amount=amount, paid_on=paid_on, reference=_text(reference), recorded_by=actor
    )
    clean_and_save(payment)
    ledger_append(
        actor=actor,
        action="case.payment",
        obj=payment,
        details={"case": case.pk, "amount": amount, "paid_on": paid_on},
    )
    case.paid_total += amount
    if case.outstanding == 0:
        finish(
            actor, case, transition_for(CaseStatus.SERVED, "pay"), {"paid_total": case.paid_total}
        )
    else:
        case.save()
        ledger_append(
            actor=actor,
            action="case.payment_partial",
            obj=case,
            details={"outstanding": case.outstanding},
        )
    return payment


@transaction.atomic
def execution_confirm(*, actor: Staff, case: Case, note: str) -> Case:
    """A decision without anything to pay (a warning, say) is executed once served."""
    case, step = begin(actor, case, "confirm_execution")
    if case.outstanding > 0:
        raise ValidationError(
            {"status": [_("尚欠人民币%(n)s元未缴。") % {"n": content.yuan(case.outstanding)}]}
        )
    if not _text(note):
        raise ValidationError({"note": [_("请说明履行情况。")]})
    return finish(actor, case, step, {"note": _text(note)[:300]})


def _require_overdue(case: Case, as_of: datetime.date) -> None:
    if case.payment_due is None or case.outstanding <= 0:
        raise ValidationError({"status": [_("本案没有应缴未缴的罚款。")]})
    if as_of <= case.payment_due:
        raise ValidationError(
            {"status": [_("缴款期限至%(day)s，尚未逾期。") % {"day": case.payment_due}]}
        )


@transaction.atomic
def additional_fine_propose(*, actor: Staff, case: Case, as_of: datetime.date | None = None):
    """Propose the additional fine for late payment: 3% of the fine per day after the due date,
    never more than the fine (行政处罚法第七十二条). A major decision (SH-SCOPE-2 (7))."""
    case, _step = begin(actor, case, "propose_additional_fine")
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": [_("计算截止日期不能晚于今天。")]})
    _require_overdue(case, as_of)
    days, amount = deadlines.additional_fine(
        fine=case.fine_amount, payment_due_on=case.payment_due, as_of=as_of
    )
    cap = case.fine_amount - case.additional_fine_total
    amount = min(amount, cap)
    if amount <= 0:
        raise ValidationError({"status": [_("加处罚款已达罚款数额，不得再加处。")]})
    return _propose(
        actor,
        case,
        ProposalKind.ADDITIONAL_FINE,
        {
            "decision_number": case.decision_document.number.text,
            "fine": str(case.fine_amount),
            "payment_due": case.payment_due.isoformat(),
            "first_day": (case.payment_due + datetime.timedelta(days=1)).isoformat(),
            "as_of": as_of.isoformat(),
            "days": days,
            "amount": str(amount),
        },
    )


@transaction.atomic
def additional_fine_impose(*, actor: Staff, case: Case) -> Case:
    case, step = begin(actor, case, "impose_additional_fine")
    proposal = gate.pending_proposal(case, ProposalKind.ADDITIONAL_FINE)
    if proposal is None:
        raise ValidationError({"status": [_("没有拟加处的罚款，请先计算。")]})
    gate.require_review_passed(proposal)
    document = _decide(
        actor, case, proposal, "additional_fine", content.additional_fine(case, proposal)
    )
    case.additional_fine_total += Decimal(proposal.content["amount"])
    return finish(
        actor,
        case,
        step,
        {"document": document.number.text, "amount": proposal.content["amount"]},
    )


@transaction.atomic
def court_enforcement_propose(*, actor: Staff, case: Case, court: str):
    """Propose applying to the people's court for enforcement (a major decision, SH-SCOPE-2 (9))."""
    case, _step = begin(actor, case, "propose_court_enforcement")
    _require_overdue(case, timezone.localdate())
    if not _text(court):
        raise ValidationError({"court": [_("请填写受理申请的人民法院。")]})
    return _propose(
        actor,
        case,
        ProposalKind.COURT_ENFORCEMENT,
        {
            "court": _text(court)[:100],
            "decision_number": case.decision_document.number.text,
            "outstanding": str(case.outstanding),
        },
    )


@transaction.atomic
def court_enforcement_apply(*, actor: Staff, case: Case) -> Case:
    case, step = begin(actor, case, "apply_court")
    proposal = gate.pending_proposal(case, ProposalKind.COURT_ENFORCEMENT)
    if proposal is None:
        raise ValidationError({"status": [_("没有拟提出的强制执行申请。")]})
    gate.require_review_passed(proposal)
    document = _decide(
        actor,
        case,
        proposal,
        "enforcement_application",
        content.enforcement_application(case, proposal),
    )
    case.enforcement_applied_on = timezone.localdate()
    return finish(actor, case, step, {"document": document.number.text})


@transaction.atomic
def case_close(*, actor: Staff, case: Case, summary: str) -> Case:
    """Close the case (结案审批表). Refused while any required document of a stage the case went
    through is missing (JL-TXT-3b), or an emergency measure still waits for its review."""
    case, step = begin(actor, case, "close")
    if not _text(summary):
        raise ValidationError({"summary": [_("请填写结案情况。")]})
    pending = gate.post_review_pending(case)
    if pending:
        raise ValidationError(
            {
                "status": [
                    _(
                        "紧急措施的事后法制审核尚未完成（期限至%(day)s），不能结案（《实施办法》五（二）1）。"
                    )
                    % {"day": case.post_review_due}
                ]
            }
        )
    paperwork.require_complete(case_checklists(case), doing=str(step.label))
    document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="closure_approval",
        content=content.closure_approval(case, _text(summary)),
        subject=case,
    )
    case.closed_on = timezone.localdate()
    case.closure_summary = _text(summary)
    return finish(actor, case, step, {"document": document.number.text})


@transaction.atomic
def case_archive_ready(*, actor: Staff, case: Case) -> Case:
    """Hand the complete case file to the archive (the archive app picks up this state)."""
    case, step = begin(actor, case, "archive")
    paperwork.require_complete(case_checklists(case), doing=str(step.label))
    case = finish(actor, case, step)
    case_handed_to_archive.send(sender=Case, case=case, actor=actor)  # same transaction
    return case
