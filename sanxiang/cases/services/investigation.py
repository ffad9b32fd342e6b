"""Investigation (调查取证): the records of each investigation act (inquiry, survey, evidence
preservation, sampling) with their recordings and showings, and emergency measures executed
first (查封、扣押 and the others) with their decision.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.stages import Stage
from sanxiang.core.validation import clean_and_save
from sanxiang.inspections import paperwork, rules
from sanxiang.inspections import showings as showing_rules
from sanxiang.inspections.models import Finding, ShowingAct
from sanxiang.inspections.services import ONSITE_MEASURE_BASIS, check_citations
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .. import deadlines, gate, item_lists, recordings
from .. import documents as content
from .. import inquiry as inquiry_rules
from .. import notice_documents as notices
from ..models import (
    ActKind,
    Case,
    CaseAct,
    EmergencyMeasure,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from ..signals import coercive_measure_taken
from ..steps import begin
from .common import _add, _moment, _officer_list, _propose, _raise_if, _text

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
