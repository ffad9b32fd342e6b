"""The case report (案件处理呈报): submitted with the proposed penalty, approved or returned by
the head, and reinvestigation when the review or the head asks for it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.inspections import paperwork
from sanxiang.inspections.services import check_citations
from sanxiang.org.models import Staff

from .. import documents as content
from ..models import (
    HEARING_KINDS,
    Case,
    PenaltyKind,
    ProposalKind,
)
from ..steps import begin, finish
from .common import _add, _propose, _raise_if, _text, money


@transaction.atomic
def case_report_submit(
    *,
    actor: Staff,
    case: Case,
    facts: str,
    evidence: str,
    violated_provisions: str,
    penalty_basis: str,
    penalty_kinds: list[str],
    decision_text: str,
    fine_amount: Any = None,
    confiscation_value: Any = None,
    hearing_applicable: bool | None = None,
    complex_case: bool | None = None,
    complex_reason: str = "",
) -> Case:
    """Report the case with the proposed decision (案件处理呈报书). The proposal is classified
    against the unit's major-decision catalog here, so everyone sees at once whether it must go
    to legal review; the legal basis must be in force today."""
    case, step = begin(actor, case, "submit_report")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    for name, value in (
        ("facts", facts),
        ("evidence", evidence),
        ("violated_provisions", violated_provisions),
        ("penalty_basis", penalty_basis),
        ("decision_text", decision_text),
    ):
        if not _text(value):
            _add(errors, name, _("此项不能为空。"))
    kinds = [k for k in dict.fromkeys(penalty_kinds or []) if k]
    unknown = [k for k in kinds if k not in PenaltyKind.values]
    if not kinds:
        _add(errors, "penalty_kinds", _("请选择处罚种类。"))
    elif unknown:
        _add(errors, "penalty_kinds", _("未知的处罚种类：%(k)s。") % {"k": "、".join(unknown)})
    fine = money(fine_amount, "fine_amount", errors, required=PenaltyKind.FINE in kinds)
    if PenaltyKind.FINE in kinds and fine <= 0 and "fine_amount" not in errors:
        _add(errors, "fine_amount", _("处罚种类含罚款时，罚款金额应大于0。"))
    if PenaltyKind.FINE not in kinds and fine > 0:
        _add(errors, "fine_amount", _("未选择罚款，不应填写罚款金额。"))
    confiscation = money(confiscation_value, "confiscation_value", errors)
    complex_case = case.complex_case if complex_case is None else bool(complex_case)
    complex_reason = _text(complex_reason) or case.complex_reason
    if complex_case and not complex_reason:
        _add(errors, "complex_reason", _("请说明疑难复杂的情形。"))
    basis_labels = []
    for name, text in (
        ("violated_provisions", violated_provisions),
        ("penalty_basis", penalty_basis),
    ):
        labels, problems = check_citations(agency=case.agency, text=_text(text), on=today)
        basis_labels += labels
        for problem in problems:
            _add(errors, name, problem)
    _raise_if(errors)
    if hearing_applicable is None:
        hearing_applicable = bool(set(kinds) & HEARING_KINDS)
    case.complex_case, case.complex_reason = complex_case, complex_reason[:300]
    case.hearing_applicable = bool(hearing_applicable)
    body = {
        "party_kind": case.party_kind,
        "party": str(case.party),
        "facts": _text(facts),
        "evidence": _text(evidence),
        "violated_provisions": _text(violated_provisions),
        "penalty_basis": _text(penalty_basis),
        "basis_in_force": basis_labels,
        "penalty_kinds": kinds,
        "fine_amount": str(fine),
        "confiscation_value": str(confiscation),
        "decision_text": _text(decision_text),
        "hearing_applicable": case.hearing_applicable,
        "after_hearing": case.hearing_held_on is not None,
        "complex_case": complex_case,
        "findings": [f.entry_code for f in case.findings.all()],
    }
    proposal = _propose(actor, case, ProposalKind.PENALTY, body)
    document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="case_report",
        content=content.case_report(case, proposal),
        subject=case,
    )
    case.status_reason = ""
    return finish(
        actor,
        case,
        step,
        {
            "proposal": proposal.pk,
            "digest": proposal.digest,
            "major": [m["code"] for m in proposal.major_matches],
            "document": document.number.text,
        },
    )


@transaction.atomic
def case_report_approve(*, actor: Staff, case: Case, opinion: str = "") -> Case:
    case, step = begin(actor, case, "approve_report")
    with in_legal_language():
        opinion = _text(opinion) or _("同意。")
    return finish(actor, case, step, {"opinion": opinion[:200]})


@transaction.atomic
def case_report_return(*, actor: Staff, case: Case, reason: str) -> Case:
    case, step = begin(actor, case, "return_report")
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明退回理由。")]})
    case.status_reason = _text(reason)[:500]
    return finish(actor, case, step, {"reason": case.status_reason})


@transaction.atomic
def case_reinvestigate(*, actor: Staff, case: Case, reason: str) -> Case:
    """Back to investigation (e.g. the review opinion asks to investigate further)."""
    case, step = begin(actor, case, "reinvestigate")
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明补充调查的理由。")]})
    case.status_reason = _text(reason)[:500]
    return finish(actor, case, step, {"reason": case.status_reason})
