"""On-site inspections: opening with the approved plan and checklists, findings, the on-site
record (现场检查记录) and closing. Closing sends ``inspection_closed`` on commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import ViolationEntry
from sanxiang.catalog.selectors import (
    compendium_search,
)
from sanxiang.catalog.stages import Stage
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import is_superuser
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import paperwork, rules
from .. import showings as showing_rules
from ..models import (
    Finding,
    Inspection,
    InspectionPlan,
    OnsiteMeasure,
    ShowingAct,
)
from ..signals import inspection_closed, inspection_closing
from ..workflow import (
    InspectionStatus,
    PlanStatus,
)
from .common import (
    MEASURE_DOCUMENTS,
    _add,
    _errors,
    _onsite_time_problems,
    _raise_if,
    _require_inspection,
    _require_team,
    _text,
)


def plan_approval_entry(plan: InspectionPlan) -> LedgerEntry | None:
    """The ledger entry that approved ``plan`` (JL-TXT-3a: it must precede the inspection)."""
    return (
        LedgerEntry.objects.filter(
            object_type=object_type_of(plan),
            object_id=str(plan.pk),
            action="inspection_plan.approve",
        )
        .order_by("-seq")
        .first()
    )


def inspection_checklists(
    inspection: Inspection | None, *, plan: InspectionPlan | None = None
) -> list[paperwork.StageChecklist]:
    """JL-TXT-3b for an inspection: plan, on-site record, and one document per measure taken."""
    plan = plan or inspection.plan
    agency = plan.agency
    documents = paperwork.documents_of(plan, *([inspection] if inspection else []))
    checklists = [
        paperwork.stage_checklist(agency=agency, stage=Stage.INSPECTION_PLAN, documents=documents)
    ]
    if inspection is None:
        return checklists
    triggered = {MEASURE_DOCUMENTS[m.kind] for m in inspection.measures.all()}
    checklists.append(
        paperwork.stage_checklist(agency=agency, stage=Stage.ONSITE_INSPECTION, documents=documents)
    )
    checklists.append(
        paperwork.stage_checklist(
            agency=agency, stage=Stage.ONSITE_MEASURE, documents=documents, triggered=triggered
        )
    )
    return checklists


@transaction.atomic
def inspection_open(
    *,
    actor: Staff,
    plan: InspectionPlan,
    officers: list[Staff],
    inspected_on: datetime.date,
    location: str,
    identity_shown: bool,
    party_present: str = "",
    started_at: datetime.datetime | None = None,
    showings: list[dict[str, Any]] | None = None,
) -> Inspection:
    """Open the on-site inspection record: only on an approved plan that precedes it in the
    ledger (JL-TXT-3a), with ≥ 2 officers whose certificates are valid that day (GS-MID-1).

    GS-MID-1 (ADR 0210): each officer's showing of his certificate is recorded — ``showings``
    as {officer, shown_at, shown_to}, or, when the form's box ``identity_shown`` is ticked
    without details, every officer at the start to the mine's people present."""
    _require_team(actor, plan.agency, plan.officers.values_list("pk", flat=True), _("开始现场检查"))
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    errors = _errors()
    if plan.status != PlanStatus.APPROVED or plan_approval_entry(plan) is None:
        raise ValidationError(
            {
                "plan": [
                    _(
                        "没有经批准的检查方案，不能开始现场检查（《实施办法》四（一）3）：现场检查前必须"
                        "制作检查方案并经负责人批准。当前方案状态：%(state)s。"
                    )
                    % {"state": plan.get_status_display()}
                ]
            }
        )
    if Inspection.objects.filter(plan=plan).exists():
        raise ValidationError({"plan": [_("该检查方案已开始现场检查。")]})
    paperwork.require_complete(inspection_checklists(None, plan=plan), doing=_("开始现场检查"))
    today = timezone.localdate()
    if inspected_on is None:
        _add(errors, "inspected_on", _("请填写检查日期。"))
    else:
        if not plan.planned_start <= inspected_on <= plan.planned_end:
            _add(
                errors,
                "inspected_on",
                _("检查日期应在检查方案的期限内（%(a)s 至 %(b)s）。")
                % {"a": plan.planned_start, "b": plan.planned_end},
            )
        if inspected_on > today:
            _add(errors, "inspected_on", _("检查日期不能晚于今天。"))
        for problem in rules.officers_present_problems(officers, inspected_on):
            _add(errors, "officers", problem)
    started_at = started_at or timezone.now()
    drafts = []
    if not identity_shown and not showings:
        _add(
            errors,
            "identity_shown",
            _(
                "检查时须出示执法证、表明身份、说明检查依据和理由，并在记录中确认（《实施办法》三（二）1）。"
            ),
        )
    elif inspected_on is not None:
        if showings is None:
            to = _text(party_present) or str(plan.mine)
            showings = showing_rules.showings_for_all(officers, shown_at=started_at, shown_to=to)
        drafts = showing_rules.showings_check(
            showings, officers=officers, start=started_at, errors=errors
        )
    if not (
        is_superuser(actor) or actor.has_role(Role.HEAD) or actor.pk in {o.pk for o in officers}
    ):
        _add(errors, "officers", _("开始检查的执法人员本人应在到场人员中。"))
    inspection = Inspection(
        plan=plan,
        agency=plan.agency,
        mine=plan.mine,
        inspected_on=inspected_on,
        started_at=started_at,
        location=_text(location),
        party_present=_text(party_present),
        identity_shown=bool(drafts),
        opened_by=actor,
    )
    clean_and_save(inspection, extra_errors=errors)
    inspection.officers.set(officers)
    showing_rules.showings_record(
        actor=actor,
        subject=inspection,
        rows=showing_rules.showing_rows(
            drafts, agency=plan.agency, act=ShowingAct.INSPECTION, actor=actor
        ),
    )
    approval = plan_approval_entry(plan)
    ledger_append(
        actor=actor,
        action="inspection.open",
        obj=inspection,
        details={
            "plan": plan.pk,
            "plan_approval_seq": approval.seq,
            "officers": sorted(o.pk for o in officers),
        },
    )
    return inspection


@transaction.atomic
def finding_add(
    *,
    actor: Staff,
    inspection: Inspection,
    entry: ViolationEntry,
    facts: str,
    location: str = "",
    is_major_hazard: bool = False,
) -> Finding:
    """JL-TXT-3c: describe a hazard or violation with the compendium entry in force that day
    plus the concrete facts; the entry's wording and provisions are copied into the finding."""
    inspection = _require_inspection(
        actor, inspection, _("记录检查发现的问题"), status=InspectionStatus.OPEN
    )
    errors = _errors()
    in_force = compendium_search(agency=inspection.agency, on=inspection.inspected_on)
    if entry is None or not in_force.filter(pk=entry.pk).exists():
        raise ValidationError(
            {
                "entry": [
                    _(
                        "请从检查当日（%(day)s）适用的违法违规行为描述汇编中选择条目（《实施办法》四（一）3）。"
                    )
                    % {"day": inspection.inspected_on}
                ]
            }
        )
    if not _text(facts):
        _add(errors, "facts", _("请写明具体事实：时间、地点、部位、现象等。"))
    finding = Finding(
        inspection=inspection,
        entry=entry,
        compendium_version_id=entry.version_id,
        entry_code=entry.code,
        kind=entry.kind,
        description=entry.description,
        violated_provision=entry.violated_provision,
        penalty_provision=entry.penalty_provision,
        facts=_text(facts),
        location=_text(location),
        is_major_hazard=bool(is_major_hazard),
        created_by=actor,
    )
    clean_and_save(finding, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="finding.create",
        obj=finding,
        details={"inspection": inspection.pk, "entry": entry.code, "version": entry.version_id},
    )
    return finding


@in_legal_language
def _record_document_content(
    inspection: Inspection,
    findings: list[Finding],
    measures: list[OnsiteMeasure],
    officers: list[Staff],
    showings: list | None = None,
) -> dict[str, Any]:
    """The 现场检查记录: officers, the showing of their certificates as recorded (GS-MID-1),
    items, what was found and the measures taken."""
    if showings is None:
        showings = showing_rules.showings_of(inspection)
    return {
        "party": paperwork.party_lines(mine=inspection.mine),
        "table": [
            {
                "label": _("检查时间"),
                "value": f"{timezone.localtime(inspection.started_at):%Y-%m-%d %H:%M} 至 "
                f"{timezone.localtime(inspection.ended_at):%Y-%m-%d %H:%M}",
            },
            {"label": _("检查地点"), "value": inspection.location},
            {
                "label": _("检查人员"),
                "value": paperwork.officer_line(officers, inspection.inspected_on),
            },
            {"label": _("煤矿陪同人员"), "value": inspection.party_present or "—"},
            {"label": _("出示证件"), "value": "\n".join(showing_rules.showing_lines(showings))},
            {
                "label": _("检查事项"),
                "value": "；".join(i["name"] for i in inspection.plan.items),
            },
        ],
        "sections": [
            {"heading": _("检查情况"), "paragraphs": inspection.summary.splitlines()},
            {
                "heading": _("发现的问题"),
                "paragraphs": [
                    f"{n}. {f.description}（{f.entry_code}）具体事实：{f.facts}"
                    f"{'（重大事故隐患）' if f.is_major_hazard else ''}"
                    for n, f in enumerate(findings, start=1)
                ]
                or [_("未发现事故隐患和违法违规行为。")],
            },
            {
                "heading": _("现场处理措施"),
                "paragraphs": [
                    f"{m.get_kind_display()}：{m.content}（{m.document.number.text}）"
                    for m in measures
                ]
                or [_("无。")],
            },
        ],
        "page_signature": _("被检查单位负责人签名："),
        "signatures": [_("被检查单位负责人（签名）"), _("检查人员（签名）")],
    }


@transaction.atomic
def inspection_complete(
    *,
    actor: Staff,
    inspection: Inspection,
    summary: str,
    ended_at: datetime.datetime | None = None,
    made_on_site_at: datetime.datetime | None = None,
) -> Inspection:
    """End the on-site inspection and issue the 现场检查记录 listing officers, items and findings
    (made on site at ``made_on_site_at`` and signed now, on return: ADR 0226)."""
    inspection = _require_inspection(
        actor, inspection, _("结束现场检查"), status=InspectionStatus.OPEN
    )
    ended_at = ended_at or timezone.now()
    errors = _errors()
    if not _text(summary):
        _add(errors, "summary", _("请写明检查情况。"))
    if ended_at < inspection.started_at:
        _add(errors, "ended_at", _("结束时间不能早于开始时间。"))
    for problem in _onsite_time_problems(inspection, made_on_site_at):
        _add(errors, "made_on_site_at", problem)
    showings = showing_rules.showings_of(inspection)
    if not showings:
        _add(
            errors,
            "showings",
            _("本次检查没有出示执法证件的记录，不能制作现场检查记录（《实施办法》三（二）1）。"),
        )
    _raise_if(errors)
    inspection.summary = _text(summary)
    inspection.ended_at = ended_at
    findings = list(inspection.findings.all())
    measures = list(inspection.measures.all())
    officers = list(inspection.officers.all())
    inspection.record_document = paperwork.issue_document(
        actor=actor,
        agency=inspection.agency,
        type_code="onsite_record",
        content=_record_document_content(inspection, findings, measures, officers, showings),
        subject=inspection,
        made_on_site_at=made_on_site_at,
    )
    inspection.status = InspectionStatus.COMPLETED
    inspection.save()
    ledger_append(
        actor=actor,
        action="inspection.complete",
        obj=inspection,
        details={
            "document": inspection.record_document.number.text,
            "findings": len(findings),
            "measures": len(measures),
        },
    )
    return inspection


@transaction.atomic
def inspection_close(*, actor: Staff, inspection: Inspection, result_summary: str) -> Inspection:
    """Close the inspection once every time-limited measure was followed up and the documents of
    every stage are complete (JL-TXT-3b); the result summary is what may be published."""
    inspection = _require_inspection(
        actor, inspection, _("办结检查"), status=InspectionStatus.COMPLETED
    )
    pending = [m for m in inspection.measures.all() if m.needs_follow_up]
    errors = _errors()
    if pending:
        _add(
            errors,
            "measures",
            _("还有%(n)d项限期整改措施未复查，不能办结。") % {"n": len(pending)},
        )
    if not _text(result_summary):
        _add(errors, "result_summary", _("请填写可公开的检查结果。"))
    _raise_if(errors)
    paperwork.require_complete(inspection_checklists(inspection), doing=_("办结检查"))
    inspection.result_summary = _text(result_summary)
    inspection.status = InspectionStatus.CLOSED
    inspection.closed_at = timezone.now()
    inspection.save()
    ledger_append(actor=actor, action="inspection.close", obj=inspection)
    inspection_closing.send(sender=Inspection, inspection=inspection, actor=actor)
    inspection_id = inspection.pk
    transaction.on_commit(
        lambda: inspection_closed.send(sender=Inspection, inspection_id=inspection_id)
    )
    return inspection
