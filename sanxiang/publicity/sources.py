"""Drafts from the decision side: the 双公示 layout values filled from a case, an inspection or a
coercive measure. Read-only on those apps; every value can be corrected by the editor. The
drafts are public records, so they are built ``in_legal_language`` (choice labels in Chinese)
whatever the language of the request that triggered them.

Licensing decisions come from the licensing window (``licensing_draft``): a grant drafts its
publication in the licensing layout the moment it is decided.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sanxiang.core.language import in_legal_language
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine, Person

from .fields import LONG_TERM, Category
from .models import PartyKind

MINE_CATEGORY = "法人及非法人组织"
PERSON_CATEGORY = "自然人"
ID_CARD_TYPE = "01"
PENALTY_KIND_LABELS = {"other": "其他"}


@dataclass
class Draft:
    """Everything a new publication needs, as the source gives it."""

    category: str
    agency: Agency
    source_type: str
    source_id: str
    title: str
    decided_on: datetime.date
    fields: dict[str, str]
    party_kind: str = PartyKind.MINE
    mine: CoalMine | None = None
    person: Person | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def wan(amount: Decimal | str | None) -> str:
    """Yuan → 万元, as plain text without trailing zeros (10000 → "1", 2500 → "0.25")."""
    value = Decimal(str(amount or "0"))
    if value <= 0:
        return ""
    text = format((value / Decimal(10000)).normalize(), "f")
    return text


def _agency_fields(agency: Agency) -> dict[str, str]:
    return {
        "authority": agency.name,
        "authority_credit_code": agency.credit_code,
        "source_unit": agency.name,
        "source_unit_credit_code": agency.credit_code,
    }


def _party_fields(*, mine: CoalMine | None, person: Person | None) -> dict[str, str]:
    if person is not None:
        return {
            "party_name": person.name,
            "party_category": PERSON_CATEGORY,
            "id_type": ID_CARD_TYPE,
            "id_number": person.id_number,
        }
    if mine is None:
        return {}
    return {
        "party_name": mine.name,
        "party_category": MINE_CATEGORY,
        "party_code_1": mine.credit_code,
        "legal_representative": mine.person_in_charge,
    }


@in_legal_language
def penalty_draft(case) -> Draft:
    """GS-POST-1: the penalty decision of ``case`` in the 行政处罚 layout."""
    from sanxiang.cases.models import PenaltyKind, ProposalKind, ProposalStatus

    proposal = (
        case.proposals.filter(kind=ProposalKind.PENALTY, status=ProposalStatus.DECIDED)
        .order_by("-decided_at", "-pk")
        .first()
    )
    content = proposal.content if proposal else {}
    kinds = content.get("penalty_kinds") or []
    labels = [
        PENALTY_KIND_LABELS.get(k) or str(PenaltyKind(k).label)
        for k in kinds
        if k in PenaltyKind.values
    ]
    findings = list(case.findings.all())
    person = case.person if case.party_kind == PartyKind.INDIVIDUAL else None
    mine = case.mine
    licence = ""
    if (
        {"licence_suspend", "licence_revoke"} & set(kinds)
        and mine is not None
        and mine.licence_number
    ):
        licence = f"安全生产许可证 {mine.licence_number}"
    values = {
        **_party_fields(mine=None if person else mine, person=person),
        "decision_number": case.decision_document.number.text if case.decision_document_id else "",
        "violation_type": "；".join(dict.fromkeys(f.description for f in findings)),
        "violation_facts": content.get("facts", ""),
        "penalty_basis": content.get("penalty_basis", ""),
        "penalty_category": "、".join(labels),
        "penalty_content": content.get("decision_text", ""),
        "fine_amount": wan(case.fine_amount or content.get("fine_amount")),
        "confiscation_amount": wan(content.get("confiscation_value")),
        "licence_affected": licence,
        "decision_date": case.decided_on.isoformat(),
        "valid_until": LONG_TERM,
        **_agency_fields(case.agency),
    }
    party = person.name if person else (mine.name if mine else "")
    return Draft(
        category=Category.PENALTY,
        agency=case.agency,
        source_type="cases.case",
        source_id=str(case.pk),
        title=f"行政处罚 · {party}",
        decided_on=case.decided_on,
        fields=values,
        party_kind=PartyKind.INDIVIDUAL if person else PartyKind.MINE,
        mine=mine,
        person=person,
    )


@in_legal_language
def inspection_draft(inspection) -> Draft:
    """GS-POST-1: the result of a closed on-site inspection (20 working days)."""
    findings = list(inspection.findings.all())
    measures = list(inspection.measures.all())
    conclusion = inspection.result_summary or inspection.summary
    if findings:
        conclusion += f"（发现问题{len(findings)}项，采取现场处理措施{len(measures)}项。）"
    decided = (
        timezone.localdate(inspection.closed_at)
        if inspection.closed_at
        else inspection.inspected_on
    )
    items = "；".join(
        i.get("name", "") for i in (inspection.plan.items or []) if isinstance(i, dict)
    )
    values = {
        **_party_fields(mine=inspection.mine, person=None),
        "decision_number": inspection.record_document.number.text
        if inspection.record_document_id and inspection.record_document.number_id
        else "",
        "enforcement_type": "现场检查" + (f"（{items}）" if items else ""),
        "conclusion": conclusion,
        "legal_basis": inspection.plan.legal_basis,
        "decision_date": decided.isoformat(),
        **_agency_fields(inspection.agency),
    }
    values.pop("legal_representative", None)
    return Draft(
        category=Category.INSPECTION,
        agency=inspection.agency,
        source_type="inspections.inspection",
        source_id=str(inspection.pk),
        title=f"行政检查 · {inspection.mine.name}",
        decided_on=decided,
        fields=values,
        mine=inspection.mine,
    )


@in_legal_language
def measure_draft(
    *,
    agency: Agency,
    mine: CoalMine,
    source_type: str,
    source_id: str,
    kind_label: str,
    content: str,
    document_number: str,
    legal_basis: str,
    decided_on: datetime.date,
) -> Draft:
    """GS-POST-1: a coercive measure (sealing, seizure, an order to stop using equipment…)."""
    values = {
        **_party_fields(mine=mine, person=None),
        "decision_number": document_number,
        "enforcement_type": kind_label,
        "conclusion": content,
        "legal_basis": legal_basis,
        "decision_date": decided_on.isoformat(),
        **_agency_fields(agency),
    }
    values.pop("legal_representative", None)
    return Draft(
        category=Category.COERCIVE,
        agency=agency,
        source_type=source_type,
        source_id=source_id,
        title=f"行政强制 · {mine.name}",
        decided_on=decided_on,
        fields=values,
        mine=mine,
    )


@in_legal_language
def case_act_draft(act) -> Draft:
    case = act.case
    return measure_draft(
        agency=case.agency,
        mine=case.mine,
        source_type="cases.caseact",
        source_id=str(act.pk),
        kind_label=act.get_measure_display() or act.get_kind_display(),
        content=act.content,
        document_number=act.document.number.text if act.document.number_id else "",
        legal_basis=(act.proposal.content.get("legal_basis", "") if act.proposal_id else ""),
        decided_on=timezone.localdate(act.started_at),
    )


@in_legal_language
def onsite_measure_draft(measure) -> Draft:
    inspection = measure.inspection
    return measure_draft(
        agency=inspection.agency,
        mine=inspection.mine,
        source_type="inspections.onsitemeasure",
        source_id=str(measure.pk),
        kind_label=measure.get_kind_display(),
        content=measure.content,
        document_number=measure.document.number.text if measure.document.number_id else "",
        legal_basis="",
        decided_on=timezone.localdate(measure.created_at),
    )


LICENSING_PARTY_CODE = "02"  # 法人 (LICENSING_PARTY_CATEGORIES)
LICENCE_CATEGORY_OTHER = "06"


@in_legal_language
def licensing_draft(application) -> Draft:
    """GS-POST-1: a licensing decision (准予行政许可) in the licensing 双公示 layout."""
    from sanxiang.documents.models import Document

    mine = application.mine
    document = (
        Document.objects.filter(
            subject_type="licensing.application",
            subject_id=str(application.pk),
            type_code="licensing_grant",
        )
        .select_related("number")
        .first()
    )
    values = {
        **_party_fields(mine=mine, person=None),
        "party_category": LICENSING_PARTY_CODE,
        "licence_document_name": document.title if document else "准予行政许可决定书",
        "decision_number": document.number.text if document and document.number_id else "",
        "licence_category": LICENCE_CATEGORY_OTHER,
        "licence_certificate_name": application.item_name,
        "licence_content": application.reasons,
        "decision_date": application.decided_on.isoformat(),
        "valid_from": application.decided_on.isoformat(),
        "valid_to": application.valid_to.isoformat() if application.valid_to else "",
        "current_status": "有效",
        **_agency_fields(application.agency),
    }
    return Draft(
        category=Category.LICENSING,
        agency=application.agency,
        source_type="licensing.application",
        source_id=str(application.pk),
        title=f"行政许可 · {mine.name}",
        decided_on=application.decided_on,
        fields=values,
        mine=mine,
    )
