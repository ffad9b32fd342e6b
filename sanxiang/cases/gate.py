"""The legal-review gate (SH-SCOPE-1) and the one way a passed review is recorded.

The case side proposes decisions (``Proposal``: a penalty decision, an additional fine, an
application to the court, an emergency measure); each proposal's content is canonical and its
SM3 digest fixed. Whether a proposal is a major decision is decided by the unit's
major-decision catalog in force (``catalog.major.classify`` with ``major_items_for``), or by the
officer marking the case complex (SH-SCOPE-2 (8)).

Interface for the legal-review app (issue P5):

* read what to review: ``Proposal`` rows of a case (``pending`` ones; ``content``, ``digest``,
  ``major_matches``), the case report document, the case's documents and recordings;
* when a review opinion approves, call :func:`review_clearance_record` with the proposal and
  the digest it reviewed; for an emergency measure executed first, with ``post_review=True``;
* nothing else: the gate reads only ``ReviewClearance`` rows, which only that function writes.

There is no shortcut: superusers and administrators are gated like everyone, and only a
legal reviewer (the role itself, not a superuser) can record a clearance.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.major import DecisionFacts, Match, MeasureKind, classify
from sanxiang.catalog.selectors import major_items_for
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_scope
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .models import Case, Proposal, ProposalKind, ProposalStatus, ReviewClearance

# Penalty kinds (行政处罚法第九条) that are measures of the major-decision catalog.
PENALTY_MEASURES = {
    "suspend_production": MeasureKind.ORDER_SUSPEND_RECTIFICATION,
    "licence_suspend": MeasureKind.LICENCE_SUSPEND,
    "licence_revoke": MeasureKind.LICENCE_REVOKE,
    "restrict_practice": MeasureKind.RESTRICT_PRACTICE,
}


def proposal_digest(content: dict[str, Any]) -> str:
    return hashlib.new("sm3", canonical_json(content)).hexdigest()


def decision_facts(proposal: Proposal) -> DecisionFacts:
    """What the classifier needs to know about a proposal."""
    content = proposal.content
    case = proposal.case
    measures: set[str] = set()
    if proposal.kind == ProposalKind.PENALTY:
        measures |= {
            PENALTY_MEASURES[k] for k in content.get("penalty_kinds", ()) if k in PENALTY_MEASURES
        }
        return DecisionFacts(
            party_kind=case.party_kind,
            fine_amount=Decimal(content.get("fine_amount") or "0"),
            confiscation_value=Decimal(content.get("confiscation_value") or "0"),
            measures=frozenset(measures),
            after_hearing=bool(content.get("after_hearing")),
            complex_case=bool(content.get("complex_case")),
        )
    if proposal.kind == ProposalKind.ADDITIONAL_FINE:
        return DecisionFacts(
            party_kind=case.party_kind, measures=frozenset({MeasureKind.ADDITIONAL_FINE})
        )
    if proposal.kind == ProposalKind.COURT_ENFORCEMENT:
        return DecisionFacts(party_kind=case.party_kind, court_enforcement=True)
    return DecisionFacts(
        party_kind=case.party_kind, measures=frozenset({content.get("measure", "")})
    )


def major_matches(proposal: Proposal, on: datetime.date | None = None) -> list[Match]:
    """SH-SCOPE-2/3: the catalog items the proposal falls under (empty: not a major decision)."""
    return classify(decision_facts(proposal), major_items_for(agency=proposal.case.agency, on=on))


def matches_json(matches: list[Match]) -> list[dict[str, Any]]:
    return [
        {"code": m.code, "title": m.title, "reason": m.reason, "statutory": m.statutory}
        for m in matches
    ]


@in_legal_language
def recorded_matches(proposal: Proposal) -> list[dict[str, Any]]:
    """The matches as recorded with a proposal or a review submission (and printed in the case
    report and the review opinion): their reasons in the legal language."""
    return matches_json(major_matches(proposal))


def passed_clearance(proposal: Proposal, *, post_review: bool = False) -> ReviewClearance | None:
    """The clearance of ``proposal`` exactly as it stands now (same digest), if any."""
    return (
        ReviewClearance.objects.filter(
            proposal=proposal, proposal_digest=proposal.digest, post_review=post_review
        )
        .order_by("-pk")
        .first()
    )


def require_review_passed(proposal: Proposal) -> list[Match]:
    """SH-SCOPE-1: a major decision is not made until legal review has passed it.

    Major means: the unit's major-decision catalog in force today matches the proposal, or
    the case is marked complex (SH-SCOPE-2 (8)). Passed means: a ``ReviewClearance`` exists
    for this proposal with the digest it has now — a proposal changed after review must be
    reviewed again. Applies to every actor, superusers included. Returns the matches.
    """
    matches = major_matches(proposal)
    if not matches or passed_clearance(proposal) is not None:
        return matches
    reviewed_before = ReviewClearance.objects.filter(proposal__case=proposal.case).exists()
    raise ValidationError(
        {
            "review": [
                _(
                    "该决定属于重大执法决定（%(items)s），未经法制审核或者法制审核未通过的，"
                    "不得作出决定（《实施办法》五（二）1）。%(hint)s"
                )
                % {
                    "items": "；".join(f"{m.code} {m.title}：{m.reason}" for m in matches),
                    "hint": _("拟作出的决定在审核后已有变化，须重新送审。")
                    if reviewed_before
                    else _("请将案件处理呈报书、拟作出的决定及证据材料送法制审核。"),
                }
            ]
        }
    )


def pending_proposal(case: Case, kind: str) -> Proposal | None:
    """The case's current proposal of ``kind`` (the newest one not superseded or decided)."""
    return case.proposals.filter(kind=kind, status=ProposalStatus.PENDING).order_by("-pk").first()


def post_review_pending(case: Case) -> list[Proposal]:
    """Emergency measures executed first whose review afterwards has not passed (SH-SCOPE-1)."""
    return [
        p
        for p in case.proposals.filter(kind=ProposalKind.EMERGENCY_MEASURE, major=True)
        if passed_clearance(p, post_review=True) is None
    ]


@transaction.atomic
def review_clearance_record(
    *,
    actor: Staff,
    proposal: Proposal,
    reviewed_digest: str,
    opinion_reference: str,
    opinion_summary: str = "",
    reviewed_at: datetime.datetime | None = None,
    post_review: bool = False,
) -> ReviewClearance:
    """Record that legal review passed ``proposal`` with content ``reviewed_digest``.

    The one write path of ``ReviewClearance``; the legal-review app (issue P5) calls it when a
    review opinion approves. The actor must hold the legal-reviewer role (no superuser
    shortcut), belong to the deciding agency or a superior one (SH-ORG-1), and not handle the
    case. ``reviewed_digest`` must equal the proposal's digest: what was reviewed is what will
    be decided. ``post_review`` is for emergency measures already executed.
    """
    if actor is None or not actor.is_authenticated or not actor.has_role(Role.LEGAL_REVIEWER):
        raise PermissionDenied(_("只有法制审核人员可以登记法制审核结果。"))
    proposal = Proposal.objects.select_for_update().select_related("case").get(pk=proposal.pk)
    case = proposal.case
    require_scope(actor, case.agency)
    if case.officers.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("案件承办人员不能审核本案。"))
    errors: dict[str, list[str]] = {}
    if reviewed_digest != proposal.digest:
        errors["reviewed_digest"] = [_("所审内容与当前拟作出的决定不一致，请按当前内容重新审核。")]
    if post_review:
        if proposal.kind != ProposalKind.EMERGENCY_MEASURE:
            errors["post_review"] = [_("只有紧急措施可以先执行、后审核。")]
    elif proposal.status != ProposalStatus.PENDING:
        errors["proposal"] = [_("该拟作出的决定已作出或已被替代。")]
    if not (opinion_reference or "").strip():
        errors["opinion_reference"] = [_("请填写法制审核意见书文号或编号。")]
    if errors:
        raise ValidationError(errors)
    clearance = ReviewClearance.objects.create(
        case=case,
        proposal=proposal,
        proposal_digest=proposal.digest,
        reviewer=actor,
        reviewed_at=reviewed_at or timezone.now(),
        opinion_reference=opinion_reference.strip()[:100],
        opinion_summary=(opinion_summary or "").strip(),
        post_review=post_review,
    )
    ledger_append(
        actor=actor,
        action="case.review_clearance",
        obj=clearance,
        details={
            "case": case.pk,
            "proposal": proposal.pk,
            "digest": proposal.digest,
            "post_review": post_review,
        },
    )
    if post_review and case.needs_post_review and not post_review_pending(case):
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.needs_post_review = False
        case.save(update_fields=["needs_post_review"])
        ledger_append(actor=actor, action="case.post_review_cleared", obj=case)
    return clearance
