"""The penalty decision (行政处罚决定书): for a major decision only with a passed legal review of
the proposal as it stands (SH-SCOPE-1); it starts the publication clock (GS-POST-1).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.stages import Stage
from sanxiang.inspections import paperwork
from sanxiang.inspections.services import check_citations
from sanxiang.org.models import Staff

from .. import deadlines, gate
from .. import documents as content
from ..models import (
    Case,
    ProposalKind,
)
from ..signals import decision_issued
from ..steps import begin, case_checklists, finish
from .common import _decide


@transaction.atomic
def decision_issue(*, actor: Staff, case: Case) -> Case:
    """Issue the penalty decision (行政处罚决定书). SH-SCOPE-1: a major decision passes only
    with a passed review of the proposal as it stands; starts the 7-working-day publication
    clock (GS-POST-1), which the publicity app picks up from ``publication_due``."""
    case, step = begin(actor, case, "decide")
    if case.hearing_held_on:
        paperwork.require_complete(
            [c for c in case_checklists(case) if c.stage == Stage.HEARING], doing=str(step.label)
        )
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    if proposal is None:
        raise ValidationError({"status": [_("没有拟作出的处罚决定，请先呈报。")]})
    matches = gate.require_review_passed(proposal)
    today = timezone.localdate()
    problems = []
    for text in (proposal.content["violated_provisions"], proposal.content["penalty_basis"]):
        problems += check_citations(agency=case.agency, text=text, on=today)[1]
    if problems:
        raise ValidationError({"penalty_basis": problems})
    document = _decide(
        actor, case, proposal, "penalty_decision", content.penalty_decision(case, proposal)
    )
    due = deadlines.publication_due(today)
    case.decided_on = today
    case.decision_document = document
    case.fine_amount = Decimal(proposal.content.get("fine_amount") or "0")
    case.publication_due, case.publication_due_provisional = due.date, due.provisional
    case = finish(
        actor,
        case,
        step,
        {
            "document": document.number.text,
            "proposal": proposal.pk,
            "digest": proposal.digest,
            "major": [m.code for m in matches],
            "publication_due": due.date,
        },
    )
    case_id = case.pk
    transaction.on_commit(
        lambda: decision_issued.send(sender=Case, case_id=case_id, document_id=document.pk)
    )
    return case
