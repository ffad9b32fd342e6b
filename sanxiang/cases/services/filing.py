"""Filing (立案): the officer proposes a case on findings of one inspection, with its team; the
head approves or refuses it, and approval issues the 立案审批表.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.major import PartyKind
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import is_superuser, require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.inspections import paperwork
from sanxiang.inspections.models import Finding, Inspection
from sanxiang.inspections.workflow import InspectionStatus
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.registry.models import Person

from .. import documents as content
from ..models import (
    Case,
)
from ..steps import begin, finish
from ..workflow import OFFICERS, CaseStatus
from .common import _add, _officer_list, _team_errors, _text


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
