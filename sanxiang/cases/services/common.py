"""What the case services share: field-error collection, money and moments as entered, the case
team's checks, and the proposal (``_propose``) a head approves or returns.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.documents.models import Document
from sanxiang.inspections import paperwork, rules
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import gate
from ..models import (
    Case,
    Proposal,
    ProposalStatus,
)

MONEY_MAX = Decimal("100000000000")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def money(value: Any, field: str, errors: dict, *, required: bool = False) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    if value in (None, ""):
        if required:
            _add(errors, field, _("请填写金额。"))
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        _add(errors, field, _("金额应为数字。"))
        return Decimal("0.00")
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX:
        _add(errors, field, _("金额应为不小于0的数字。"))
        return Decimal("0.00")
    if amount != amount.quantize(Decimal("0.01")):
        _add(errors, field, _("金额最多保留两位小数。"))
    return amount.quantize(Decimal("0.01"))


def _moment(value: Any, field: str, errors: dict) -> datetime.datetime | None:
    if not isinstance(value, datetime.datetime):
        _add(errors, field, _("请填写时间。"))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + datetime.timedelta(minutes=5):
        _add(errors, field, _("时间不能晚于现在。"))
    return value


def _officer_list(officers: Any) -> list[Staff]:
    return list(dict.fromkeys(officers or []))


def _team_errors(case_agency, officers: list[Staff], errors: dict) -> None:
    if len(officers) < rules.MIN_OFFICERS:
        _add(errors, "officers", _("承办人员不得少于%(n)d人。") % {"n": rules.MIN_OFFICERS})
    for officer in officers:
        if not officer.has_role(Role.OFFICER) or officer.agency is None:
            _add(errors, "officers", _("%(name)s不是执法人员。") % {"name": officer})
        elif not officer.agency.path.startswith(case_agency.path):
            _add(errors, "officers", _("%(name)s不属于本机构。") % {"name": officer})


def _propose(actor: Staff, case: Case, kind: str, body: dict[str, Any], **extra) -> Proposal:
    """Record a proposed decision (superseding the pending one of the same kind), classified."""
    for old in case.proposals.filter(kind=kind, status=ProposalStatus.PENDING):
        old.status = ProposalStatus.SUPERSEDED
        old.save(update_fields=["status"])
        ledger_append(actor=actor, action="case.proposal_superseded", obj=old)
    proposal = Proposal(
        case=case, kind=kind, content=body, digest=gate.proposal_digest(body), created_by=actor
    )
    proposal.major_matches = gate.recorded_matches(proposal)
    proposal.major = bool(proposal.major_matches)
    for name, value in extra.items():
        setattr(proposal, name, value)
    proposal.save()
    ledger_append(
        actor=actor,
        action="case.propose",
        obj=proposal,
        details={
            "case": case.pk,
            "kind": kind,
            "digest": proposal.digest,
            "major": [m["code"] for m in proposal.major_matches],
        },
    )
    return proposal


def _decide(
    actor: Staff, case: Case, proposal: Proposal, type_code: str, content: dict
) -> Document:
    """Issue the document that carries a decided proposal (the penalty decision, an additional
    fine, an application for court enforcement) and mark the proposal decided by it."""
    document = paperwork.issue_document(
        actor=actor, agency=case.agency, type_code=type_code, content=content, subject=case
    )
    proposal.status, proposal.decided_at, proposal.document = (
        ProposalStatus.DECIDED,
        timezone.now(),
        document,
    )
    proposal.save()
    ledger_append(actor=actor, action="case.proposal_decided", obj=proposal)
    return document
