"""Writes for a case up to its decision: filing, investigation, emergency measures, the case
report, the prior notice, statements, the hearing and the penalty decision.

One service per row of ``workflow.py``. Each checks the row (state, role, team, stage
documents) through ``steps.begin``, then its own preconditions, validates every field (all
errors at once, nothing saved on error), issues the row's document and appends the ledger
event. What happens after the decision is in ``execution.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.major import PartyKind
from sanxiang.catalog.stages import Stage
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.inspections import paperwork, rules
from sanxiang.inspections import showings as showing_rules
from sanxiang.inspections.models import Finding, Inspection, ShowingAct
from sanxiang.inspections.services import ONSITE_MEASURE_BASIS, check_citations
from sanxiang.inspections.workflow import InspectionStatus
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import Person

from . import deadlines, gate, item_lists, recordings
from . import documents as content
from . import inquiry as inquiry_rules
from . import notice_documents as notices
from .models import (
    HEARING_KINDS,
    ActKind,
    Case,
    CaseAct,
    EmergencyMeasure,
    PenaltyKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Statement,
    StatementKind,
)
from .signals import coercive_measure_taken, decision_issued
from .steps import begin, case_checklists, finish
from .workflow import OFFICERS, CaseStatus

MONEY_MAX = Decimal("100000000000")
ACT_DOCUMENTS = {
    ActKind.INQUIRY: "inquiry_record",
    ActKind.SURVEY: "survey_record",
    ActKind.EVIDENCE_PRESERVATION: "preservation_notice",
    ActKind.SAMPLING: "sampling_notice",
}
ACT_STAGES = {
    ActKind.EVIDENCE_PRESERVATION: Stage.EVIDENCE_PRESERVATION,
    ActKind.SAMPLING: Stage.SAMPLING,
}
SEALING = frozenset({EmergencyMeasure.SEALING, EmergencyMeasure.SEIZURE})
ITEM_KINDS = frozenset({ActKind.EVIDENCE_PRESERVATION, ActKind.SAMPLING})


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


# --- filing (立案) -------------------------------------------------------------------------------


@transaction.atomic
def case_file(
    *,
    actor: Staff,
    findings: list[Finding],
    cause: str,
    officers: list[Staff],
    party_kind: str = PartyKind.MINE,
    person: Person | None = None,
    complex_case: bool = False,
    complex_reason: str = "",
) -> Case:
    """Ask for a case to be filed on findings of one inspection (立案); the head approves."""
    require_role(actor, OFFICERS, _("提请立案"))
    findings = list(dict.fromkeys(findings or []))
    if not findings:
        raise ValidationError({"findings": [_("请选择要立案查处的检查发现的问题。")]})
    inspections = {f.inspection_id for f in findings}
    if len(inspections) != 1:
        raise ValidationError({"findings": [_("一个案件的违法事实应来自同一次现场检查。")]})
    inspection = Inspection.objects.select_related("agency", "mine").get(pk=inspections.pop())
    require_scope(actor, inspection.agency)
    officers = _officer_list(officers)
    errors: dict[str, list[str]] = {}
    if inspection.status == InspectionStatus.OPEN:
        _add(errors, "findings", _("请先结束现场检查、制作现场检查记录，再提请立案。"))
    taken = Finding.objects.filter(
        pk__in=[f.pk for f in findings],
        cases__in=Case.objects.exclude(status=CaseStatus.NOT_FILED),
    ).distinct()
    for finding in taken:
        _add(errors, "findings", _("“%(f)s”已在其他案件中立案。") % {"f": finding.entry_code})
    _team_errors(inspection.agency, officers, errors)
    if not (is_superuser(actor) or actor.pk in {o.pk for o in officers}):
        _add(errors, "officers", _("提请立案的执法人员本人应为承办人员。"))
    if party_kind == PartyKind.INDIVIDUAL:
        if person is None:
            _add(errors, "person", _("当事人为个人时请选择自然人。"))
        elif not Person.objects.restrict(actor).filter(pk=person.pk).exists():
            _add(errors, "person", _("所选自然人不存在或不在您的管辖范围内。"))
    elif party_kind != PartyKind.MINE:
        _add(errors, "party_kind", _("未知的当事人类别。"))
    if complex_case and not _text(complex_reason):
        _add(errors, "complex_reason", _("请说明疑难复杂的情形。"))
    case = Case(
        agency=inspection.agency,
        cause=_text(cause),
        party_kind=party_kind,
        mine=inspection.mine,
        person=person if party_kind == PartyKind.INDIVIDUAL else None,
        inspection=inspection,
        complex_case=bool(complex_case),
        complex_reason=_text(complex_reason)[:300],
        # JL-ARC-2: a case against a natural person holds personal data from the start.
        confidentiality=Confidentiality.PERSONAL
        if party_kind == PartyKind.INDIVIDUAL
        else Confidentiality.ORDINARY,
        created_by=actor,
    )
    clean_and_save(case, extra_errors=errors)
    case.findings.set(findings)
    case.officers.set(officers)
    ledger_append(
        actor=actor,
        action="case.file",
        obj=case,
        details={
            "inspection": inspection.pk,
            "findings": sorted(f.pk for f in findings),
            "officers": sorted(o.pk for o in officers),
            "confidentiality": case.confidentiality,
        },
    )
    return case


@transaction.atomic
def case_filing_approve(*, actor: Staff, case: Case, opinion: str = "") -> Case:
    case, step = begin(actor, case, "approve_filing")
    with in_legal_language():  # the head's opinion is printed and recorded as it stands
        opinion = _text(opinion) or _("同意立案。")
    document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="filing_approval",
        content=content.filing_approval(case, opinion),
        subject=case,
    )
    case.filed_on = timezone.localdate()
    case.status_reason = ""
    return finish(actor, case, step, {"document": document.number.text, "opinion": opinion[:200]})


@transaction.atomic
def case_filing_refuse(*, actor: Staff, case: Case, reason: str) -> Case:
    case, step = begin(actor, case, "refuse_filing")
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明不予立案的理由。")]})
    case.status_reason = _text(reason)[:500]
    return finish(actor, case, step, {"reason": case.status_reason})


# --- investigation (调查取证) --------------------------------------------------------------------


def _act_window(
    started_at: Any, ended_at: Any, errors: dict
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    start = _moment(started_at, "started_at", errors)
    end = _moment(ended_at, "ended_at", errors)
    if start and end and end < start:
        _add(errors, "ended_at", _("结束时间不能早于开始时间。"))
    return start, end


@transaction.atomic
def case_investigation_record(
    *,
    actor: Staff,
    case: Case,
    kind: str,
    content_text: str,
    officers: list[Staff],
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    location: str = "",
    showings: list[dict[str, Any]] | None = None,
    identity_shown: bool = False,
    shown_to: str = "",
    questioned: dict[str, Any] | None = None,
    items: Any = None,
) -> CaseAct:
    """An inquiry, survey, evidence preservation or sampling, with its record or notice.

    GS-MID-1: ≥ 2 officers with certificates valid that day, each showing his certificate —
    ``showings`` as {officer, shown_at, shown_to}, or ``identity_shown`` (the form's box: every
    officer at the start, to ``shown_to``, by default the person questioned or the party);
    without a recorded showing the act is refused (ADR 0210). An inquiry names the person
    questioned and his answer to the recusal question (``questioned``, ADR 0211). JL-AV-2:
    evidence preservation and sampling are refused unless recordings linked to the case
    cover them. A preservation or a sampling names its ``items`` (ADR 0215): the notice prints
    them as the format's list.
    """
    case, _step = begin(actor, case, "investigate")
    errors: dict[str, list[str]] = {}
    if kind not in ACT_DOCUMENTS:
        raise ValidationError({"kind": [_("未知的调查取证类别。")]})
    officers = _officer_list(officers)
    start, end = _act_window(started_at, ended_at, errors)
    if start:
        for problem in rules.officers_present_problems(officers, timezone.localdate(start)):
            _add(errors, "officers", problem)
    if not _text(content_text):
        _add(errors, "content_text", _("请填写笔录或通知书的内容。"))
    questioned = inquiry_rules.questioned_clean(kind, questioned, errors)
    drafts = []
    if start:
        if showings is None and identity_shown:
            to = _text(shown_to) or questioned.get("name") or content.party_name(case)
            showings = showing_rules.showings_for_all(officers, shown_at=start, shown_to=to)
        drafts = showing_rules.showings_check(
            showings, officers=officers, start=start, end=end, errors=errors
        )
    listed = item_lists.collect(errors, items) if kind in ITEM_KINDS else None
    _raise_if(errors)
    if kind in ACT_STAGES:
        recordings.require_stage_recordings(case=case, stage=ACT_STAGES[kind], start=start, end=end)
    act = CaseAct(
        case=case,
        kind=kind,
        content=_text(content_text),
        location=_text(location),
        questioned=questioned,
        started_at=start,
        ended_at=end,
        created_by=actor,
    )
    # printed from the showings as they are stored with the act, in this transaction
    rows = showing_rules.showing_rows(drafts, agency=case.agency, act=kind, actor=actor)
    act.document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code=ACT_DOCUMENTS[kind],
        content=notices.act_notice(
            case,
            kind,
            items=listed,
            content_text=_text(content_text),
            officers=officers,
            location=_text(location),
            start=start,
            end=end,
        )
        if listed
        else content.act_document(case, act, officers=officers, showings=rows),
        subject=case,
    )
    document = act.document
    clean_and_save(act)
    act.officers.set(officers)
    showing_rules.showings_record(actor=actor, subject=act, rows=rows)
    ledger_append(
        actor=actor,
        action="case.investigate",
        obj=act,
        details={"case": case.pk, "kind": kind, "document": document.number.text},
    )
    return act


@transaction.atomic
def emergency_measure_execute(
    *,
    actor: Staff,
    case: Case,
    measure: str,
    finding: Finding,
    content_text: str,
    officers: list[Staff],
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    location: str = "",
    legal_basis: str = ONSITE_MEASURE_BASIS,
    showings: list[dict[str, Any]] | None = None,
    identity_shown: bool = False,
    shown_to: str = "",
    items: Any = None,
) -> CaseAct:
    """SH-SCOPE-1 exception: for a major hazard, a major measure is executed at once and the
    case is marked for legal review afterwards, within 5 working days.

    The measure must be a major decision in the unit's catalog (otherwise it needs no review
    and is an ordinary on-site measure), the finding a major hazard of this case. Sealing and
    seizure must be recorded in full (JL-AV-2); officers present as for any on-site act, each
    showing his certificate (GS-MID-1: 采取强制措施 is one of the acts the Measures name) —
    ``showings`` or the form's box ``identity_shown`` as for an investigation; without a
    recorded showing the measure is refused and the decision prints the rows (ADR 0210, 0231).
    A sealing or seizure names its ``items`` (行政强制法第二十四条: the 查封（扣押）决定书 lists
    the sites, facilities or things and their quantity; ADR 0231).
    """
    case, _step = begin(actor, case, "emergency_measure")
    errors: dict[str, list[str]] = {}
    if measure not in EmergencyMeasure.values:
        raise ValidationError({"measure": [_("未知的紧急措施。")]})
    if finding is None or not case.findings.filter(pk=finding.pk).exists():
        _add(errors, "finding", _("请选择本案的检查发现的问题。"))
    elif not finding.is_major_hazard:
        _add(
            errors,
            "finding",
            _("只有重大事故隐患可以先行采取紧急措施、事后法制审核（《实施办法》五（二）1）。"),
        )
    officers = _officer_list(officers)
    start, end = _act_window(started_at, ended_at, errors)
    if start:
        for problem in rules.officers_present_problems(officers, timezone.localdate(start)):
            _add(errors, "officers", problem)
    if not _text(content_text):
        _add(errors, "content_text", _("请写明措施的对象、范围和期限。"))
    drafts = []
    if start:
        if showings is None and identity_shown:
            to = _text(shown_to) or content.party_name(case)
            showings = showing_rules.showings_for_all(officers, shown_at=start, shown_to=to)
        drafts = showing_rules.showings_check(
            showings, officers=officers, start=start, end=end, errors=errors
        )
    listed = item_lists.collect(errors, items) if measure in SEALING else None
    _labels, problems = check_citations(
        agency=case.agency, text=legal_basis or "", on=timezone.localdate()
    )
    for problem in problems:
        _add(errors, "legal_basis", problem)
    body = {
        "measure": measure,
        "finding": finding.pk if finding else None,
        "content": _text(content_text),
        "legal_basis": _text(legal_basis),
        **({"items": listed} if listed else {}),
    }
    probe = Proposal(case=case, kind=ProposalKind.EMERGENCY_MEASURE, content=body)
    matches = gate.major_matches(probe)
    if not matches:
        _add(
            errors,
            "measure",
            _("该措施按本单位目录不属于重大执法决定，无需事后审核，请作为现场处理措施办理。"),
        )
    _raise_if(errors)
    if measure in SEALING:
        recordings.require_stage_recordings(
            case=case, stage=Stage.SEALING_SEIZURE, start=start, end=end
        )
    proposal = _propose(
        actor,
        case,
        ProposalKind.EMERGENCY_MEASURE,
        body,
        status=ProposalStatus.DECIDED,
        decided_at=timezone.now(),
    )
    act = CaseAct(
        case=case,
        kind=ActKind.EMERGENCY_MEASURE,
        measure=measure,
        finding=finding,
        content=_text(content_text),
        location=_text(location),
        started_at=start,
        ended_at=end,
        proposal=proposal,
        created_by=actor,
    )
    act_kind = ShowingAct.SEALING if measure in SEALING else ShowingAct.EMERGENCY_MEASURE
    rows = showing_rules.showing_rows(drafts, agency=case.agency, act=act_kind, actor=actor)
    act.document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="sealing_decision" if measure in SEALING else "onsite_decision",
        content=content.emergency_measure(
            case, act, _text(legal_basis), proposal.major_matches, showings=rows, items=listed
        ),
        subject=case,
    )
    clean_and_save(act)
    act.officers.set(officers)
    showing_rules.showings_record(actor=actor, subject=act, rows=rows)
    proposal.document = act.document
    proposal.save(update_fields=["document"])
    ledger_append(
        actor=actor, action="case.act", obj=act, details={"case": case.pk, "kind": act.kind}
    )
    ledger_append(actor=actor, action="case.proposal_decided", obj=proposal)
    due = deadlines.post_review_due(timezone.localdate())
    case.needs_post_review = True
    case.post_review_due, case.post_review_due_provisional = due.date, due.provisional
    case.save()
    ledger_append(
        actor=actor,
        action="case.emergency_measure",
        obj=case,
        details={
            "act": act.pk,
            "measure": measure,
            "document": act.document.number.text,
            "post_review_due": due.date,
        },
    )
    act_id = act.pk
    transaction.on_commit(lambda: coercive_measure_taken.send(sender=CaseAct, case_act_id=act_id))
    return act


# --- case report (案件处理呈报) ------------------------------------------------------------------


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


# --- prior notice, statements, hearing (GS-MID-2) ----------------------------------------------


@transaction.atomic
def prior_notice_issue(*, actor: Staff, case: Case, notified_at: datetime.datetime) -> Case:
    """GS-MID-2: tell the party the facts, reasons, evidence, legal basis and proposed penalty,
    and his rights to state and defend and — where applicable — to a hearing, in the notice
    (告知书). Starts the statement period and the hearing request period. JL-AV-2: telling the
    party the enforcement opinion must be recorded in full."""
    case, step = begin(actor, case, "notify")
    errors: dict[str, list[str]] = {}
    notified_at = _moment(notified_at, "notified_at", errors)
    _raise_if(errors)
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    if proposal is None:
        raise ValidationError({"status": [_("没有待告知的拟处理意见，请先呈报。")]})
    recordings.require_stage_recordings(
        case=case, stage=Stage.PRIOR_NOTICE, start=notified_at, end=notified_at
    )
    notified_on = timezone.localdate(notified_at)
    statement = deadlines.statement_due(notified_on)
    hearing = deadlines.hearing_request_due(notified_on)
    notice = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="penalty_notice",
        content=content.penalty_notice(case, proposal, statement, hearing),
        subject=case,
    )
    issued = [notice.number.text]
    if case.hearing_applicable:
        issued.append(
            paperwork.issue_document(
                actor=actor,
                agency=case.agency,
                type_code="hearing_notice",
                content=content.hearing_notice(case, hearing),
                subject=case,
            ).number.text
        )
    case.notified_at = notified_at
    case.statement_due, case.statement_due_provisional = statement.date, statement.provisional
    if case.hearing_applicable:
        case.hearing_request_due = hearing.date
        case.hearing_request_due_provisional = hearing.provisional
    else:
        case.hearing_request_due, case.hearing_request_due_provisional = None, False
    case.rights_waived = False
    return finish(
        actor,
        case,
        step,
        {
            "documents": issued,
            "proposal": proposal.pk,
            "statement_due": statement.date,
            "hearing_request_due": case.hearing_request_due,
        },
    )


@transaction.atomic
def statement_record(
    *,
    actor: Staff,
    case: Case,
    kind: str,
    content_text: str,
    received_on: datetime.date,
    adopted: bool = False,
    handling: str = "",
) -> Statement:
    """The party's statement or defence, or his written waiver of the rights (GS-MID-2)."""
    case, _step = begin(actor, case, "statement")
    errors: dict[str, list[str]] = {}
    if kind not in StatementKind.values:
        _add(errors, "kind", _("未知的类别。"))
    if not _text(content_text):
        _add(errors, "content_text", _("请记录当事人的意见（放弃的，记录其书面表示）。"))
    if received_on is None:
        _add(errors, "received_on", _("请填写收到日期。"))
    elif not timezone.localdate(case.notified_at) <= received_on <= timezone.localdate():
        _add(errors, "received_on", _("收到日期应在告知之后、今天之前。"))
    statement = Statement(
        case=case,
        kind=kind,
        content=_text(content_text),
        received_on=received_on,
        adopted=bool(adopted),
        handling=_text(handling),
        recorded_by=actor,
    )
    clean_and_save(statement, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="case.statement",
        obj=statement,
        details={"case": case.pk, "kind": kind},
    )
    if kind == StatementKind.WAIVER:
        case.rights_waived = True
        case.save()
        ledger_append(actor=actor, action="case.rights_waived", obj=case)
    return statement


@transaction.atomic
def hearing_request(*, actor: Staff, case: Case, requested_on: datetime.date) -> Case:
    case, step = begin(actor, case, "request_hearing")
    errors: dict[str, list[str]] = {}
    if not case.hearing_applicable:
        _add(errors, "status", _("拟作出的处罚不属于听证范围。"))
    if requested_on is None:
        _add(errors, "requested_on", _("请填写申请日期。"))
    elif case.hearing_request_due and requested_on > case.hearing_request_due:
        _add(
            errors,
            "requested_on",
            _("听证申请期限已于%(day)s届满。") % {"day": case.hearing_request_due},
        )
    elif requested_on < timezone.localdate(case.notified_at) or requested_on > timezone.localdate():
        _add(errors, "requested_on", _("申请日期应在告知之后、今天之前。"))
    _raise_if(errors)
    case.hearing_requested_on = requested_on
    return finish(actor, case, step, {"requested_on": requested_on})


@transaction.atomic
def hearing_hold(
    *, actor: Staff, case: Case, held_on: datetime.date, host: Staff, summary: str
) -> Case:
    """Hold the hearing (听证笔录). The host must not be one of the case's investigators
    (行政处罚法第六十四条). A decision made after a hearing is major (SH-SCOPE-2 (4)), so the
    pending proposal is restated with ``after_hearing`` and classified again."""
    case, step = begin(actor, case, "hold_hearing")
    errors: dict[str, list[str]] = {}
    if held_on is None:
        _add(errors, "held_on", _("请填写听证日期。"))
    elif held_on < case.hearing_requested_on or held_on > timezone.localdate():
        _add(errors, "held_on", _("听证日期应在申请之后、今天之前。"))
    if host is None:
        _add(errors, "host", _("请选择听证主持人。"))
    else:
        if case.officers.filter(pk=host.pk).exists():
            _add(errors, "host", _("听证主持人不得由本案调查人员担任。"))
        if not in_scope(host, case.agency) and not (
            host.agency and case.agency.path.startswith(host.agency.path)
        ):
            _add(errors, "host", _("听证主持人应为本机关指定的工作人员。"))
    if not _text(summary):
        _add(errors, "summary", _("请记录听证情况。"))
    _raise_if(errors)
    document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="hearing_record",
        content=content.hearing_record(case, held_on, host, _text(summary)),
        subject=case,
    )
    case.hearing_held_on, case.hearing_host = held_on, host
    previous = gate.pending_proposal(case, ProposalKind.PENALTY)
    if previous is not None:
        _propose(actor, case, ProposalKind.PENALTY, {**previous.content, "after_hearing": True})
    return finish(actor, case, step, {"document": document.number.text, "held_on": held_on})


@transaction.atomic
def notice_close(*, actor: Staff, case: Case) -> Case:
    """The statement period (and hearing request period) has run out, or the party waived."""
    case, step = begin(actor, case, "close_notice")
    today = timezone.localdate()
    if not case.rights_waived:
        open_until = [d for d in (case.statement_due, case.hearing_request_due) if d and d >= today]
        if open_until:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "陈述申辩期（或听证申请期）至%(day)s届满，期满前不能作出决定；"
                            "当事人书面放弃的，请先登记。"
                        )
                        % {"day": max(open_until)}
                    ]
                }
            )
    return finish(actor, case, step, {"waived": case.rights_waived})


# --- the decision --------------------------------------------------------------------------------


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
    document = paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code="penalty_decision",
        content=content.penalty_decision(case, proposal),
        subject=case,
    )
    proposal.status, proposal.decided_at, proposal.document = (
        ProposalStatus.DECIDED,
        timezone.now(),
        document,
    )
    proposal.save()
    ledger_append(actor=actor, action="case.proposal_decided", obj=proposal)
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
