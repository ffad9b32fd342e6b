"""What every case step shares: who may take it, in which state, with which documents present.

``begin`` looks the step up in the transition table, checks role, scope and team, locks the
case and checks the documents of the stages the step requires (JL-TXT-3b); ``finish`` moves the
case and appends the ledger event. The checklist of a case — stage by stage, which required
documents exist and which are missing — is computed here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.stages import Stage
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.inspections import paperwork
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .models import ActKind, Case, EmergencyMeasure, ProposalKind, ProposalStatus
from .workflow import (
    HEADS,
    IN_STATE_ACTIONS,
    TRANSITIONS,
    CaseStatus,
    Transition,
    available,
    transition_for,
)

AFTER_DECISION = frozenset(
    {
        CaseStatus.DECIDED,
        CaseStatus.SERVED,
        CaseStatus.EXECUTED,
        CaseStatus.ENFORCEMENT_APPLIED,
        CaseStatus.CLOSED,
        CaseStatus.ARCHIVE_READY,
    }
)


def is_team_member(user: Staff, case: Case) -> bool:
    return case.officers.filter(pk=user.pk).exists()


def may_take(user: Staff, case: Case, transition: Transition) -> bool:
    """Whether ``user`` holds the role the row names for this case (preconditions aside)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not in_scope(user, case.agency):
        return False
    if is_superuser(user):
        return True
    roles = set(transition.roles)
    if Role.HEAD in roles and user.has_role(Role.HEAD):
        return True
    if Role.CUSTODIAN in roles and user.has_role(Role.CUSTODIAN):
        return True
    return Role.OFFICER in roles and user.has_role(Role.OFFICER) and is_team_member(user, case)


def relevant(case: Case, transition: Transition) -> bool:
    """Whether a row applies to this case at all (the service still checks everything)."""
    action = transition.action
    overdue = bool(
        case.payment_due and case.outstanding > 0 and case.payment_due < timezone.localdate()
    )
    pending = {p.kind for p in case.proposals.filter(status=ProposalStatus.PENDING)}
    checks = {
        "request_hearing": lambda: case.hearing_applicable,
        "emergency_measure": lambda: case.findings.filter(is_major_hazard=True).exists(),
        "payment": lambda: case.outstanding > 0,
        "pay": lambda: case.outstanding > 0,
        "confirm_execution": lambda: case.outstanding == 0,
        "propose_additional_fine": lambda: (
            overdue and case.additional_fine_total < case.fine_amount
        ),
        "impose_additional_fine": lambda: ProposalKind.ADDITIONAL_FINE in pending,
        "propose_court_enforcement": lambda: overdue,
        "apply_court": lambda: ProposalKind.COURT_ENFORCEMENT in pending,
    }
    check = checks.get(action)
    return check() if check else True


def steps_for(user: Staff, case: Case) -> list[Transition]:
    """The rows this user may take on this case now (the page's action buttons)."""
    return [t for t in available(case.status) if may_take(user, case, t) and relevant(case, t)]


def begin(actor: Staff, case: Case, action: str) -> tuple[Case, Transition]:
    """Check the step is in the table from the case's state and that ``actor`` may take it;
    return the locked case and the row."""
    rows = [t for t in TRANSITIONS + IN_STATE_ACTIONS if t.action == action]
    label = str(rows[0].label) if rows else action
    require_role(actor, frozenset().union(*(t.roles for t in rows)) or HEADS, label)
    require_scope(actor, case.agency)
    case = Case.objects.select_for_update().get(pk=case.pk)
    transition = transition_for(case.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("案件当前处于“%(state)s”，不能%(doing)s。")
                    % {"state": case.get_status_display(), "doing": label}
                ]
            }
        )
    if not may_take(actor, case, transition):
        raise PermissionDenied(
            _("只有本案承办人员或负责人可以%(doing)s。") % {"doing": transition.label}
        )
    if transition.stages:
        paperwork.require_complete(
            [c for c in case_checklists(case) if c.stage in transition.stages],
            doing=str(transition.label),
        )
    return case, transition


def finish(actor: Staff, case: Case, transition: Transition, details: dict | None = None) -> Case:
    """Move the case to the row's target (if it changes) and append the ledger event."""
    case.status = transition.target
    case.save()
    ledger_append(actor=actor, action=f"case.{transition.action}", obj=case, details=details or {})
    return case


# --- JL-TXT-3b: the checklist ------------------------------------------------------------------


@dataclass
class CaseStage:
    stage: str
    reached: bool
    triggered: frozenset[str] = frozenset()


def case_stages(case: Case) -> list[CaseStage]:
    """Every stage of the penalty procedure, whether the case has reached it, and which of the
    stage's conditional documents (视情形) its facts call for."""
    acts = list(case.acts.all())
    kinds = {a.kind for a in acts}
    emergency = [a for a in acts if a.kind == ActKind.EMERGENCY_MEASURE]
    sealing = {EmergencyMeasure.SEALING, EmergencyMeasure.SEIZURE}
    filed = case.filed_on is not None
    decided_major = case.proposals.filter(status=ProposalStatus.DECIDED, major=True).exists()
    reported = case.proposals.filter(kind=ProposalKind.PENALTY).exists()
    executed = case.status in (
        CaseStatus.EXECUTED,
        CaseStatus.ENFORCEMENT_APPLIED,
        CaseStatus.CLOSED,
        CaseStatus.ARCHIVE_READY,
    )
    triggered_investigation = set()
    if ActKind.INQUIRY in kinds:
        triggered_investigation.add("inquiry_record")
    if ActKind.SURVEY in kinds:
        triggered_investigation.add("survey_record")
    execution = set()
    if case.additional_fine_total > 0:
        execution.add("additional_fine")
    if case.enforcement_applied_on:
        execution.add("enforcement_application")
    return [
        CaseStage(Stage.CASE_FILING, filed),
        CaseStage(Stage.INVESTIGATION, filed, frozenset(triggered_investigation)),
        CaseStage(Stage.EVIDENCE_PRESERVATION, ActKind.EVIDENCE_PRESERVATION in kinds),
        CaseStage(Stage.SAMPLING, ActKind.SAMPLING in kinds),
        CaseStage(Stage.SEALING_SEIZURE, any(a.measure in sealing for a in emergency)),
        CaseStage(
            Stage.ONSITE_MEASURE,
            any(a.measure not in sealing for a in emergency),
            frozenset({"onsite_decision"}),
        ),
        CaseStage(Stage.CASE_REPORT, reported),
        CaseStage(
            Stage.PRIOR_NOTICE,
            case.notified_at is not None,
            frozenset({"hearing_notice"} if case.hearing_applicable else ()),
        ),
        CaseStage(Stage.HEARING, case.hearing_held_on is not None),
        CaseStage(Stage.LEGAL_REVIEW, decided_major or case.clearances.exists()),
        CaseStage(Stage.DECISION, case.decided_on is not None),
        CaseStage(Stage.SERVICE, case.served_on is not None),
        CaseStage(Stage.EXECUTION, executed or bool(execution), frozenset(execution)),
        CaseStage(Stage.CLOSURE, case.closed_on is not None),
    ]


def case_checklists(case: Case, *, reached_only: bool = True) -> list[paperwork.StageChecklist]:
    """JL-TXT-3b: per stage, the required documents and the issued ones of the case."""
    documents = paperwork.documents_of(case)
    out = []
    for stage in case_stages(case):
        if reached_only and not stage.reached:
            continue
        checklist = paperwork.stage_checklist(
            agency=case.agency, stage=stage.stage, documents=documents, triggered=stage.triggered
        )
        checklist.reached = stage.reached
        out.append(checklist)
    return out
