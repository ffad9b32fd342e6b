"""Enforcement documents by catalog type, and the stage-by-stage document checklist.

JL-TXT-1: each document type has its own template under ``documents/templates/documents/pdf/``
(title, number, party, facts, basis, decision, remedies, seal position, date), filled from the
inspection's or the case's data. Its name and numbering short code come from the document-type
catalog in force for the agency; numbering, rendering, write-once storage and the ledger entry
with the PDF's digests are ``documents.services.document_issue``'s.

JL-TXT-3b: which documents a stage requires comes from the stage-rule catalog
(``catalog.selectors.stage_requirements``): the rules marked 必须 always, the rules marked
视情形 when the inspection's or case's facts trigger them (``triggered``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, RemedyKind
from sanxiang.catalog.selectors import applicable_version, stage_requirements
from sanxiang.catalog.stages import Obligation, Stage
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.documents.rendering import render_html, render_pdf
from sanxiang.documents.services import STANDARD_TEMPLATE, document_issue
from sanxiang.ledger.services import object_type_of
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine, Person

PDF = "documents/pdf/"
TEMPLATES = {
    "inspection_plan": PDF + "inspection_plan.html",
    "onsite_record": PDF + "onsite_record.html",
    "filing_approval": PDF + "approval_form.html",
    "case_report": PDF + "approval_form.html",
    "closure_approval": PDF + "approval_form.html",
    "penalty_notice": PDF + "notice.html",
    "hearing_notice": PDF + "notice.html",
    "penalty_decision": PDF + "decision.html",
    "additional_fine": PDF + "decision.html",
    "onsite_decision": PDF + "decision.html",
    "rectification_order": PDF + "decision.html",
    "withdraw_order": PDF + "decision.html",
    "sealing_decision": PDF + "sealing_decision.html",
    "sealing_extension": PDF + "sealing_extension.html",
    "sealing_release": PDF + "sealing_release.html",
    "preservation_notice": PDF + "preservation_notice.html",
    "preservation_decision": PDF + "preservation_decision.html",
    "sampling_notice": PDF + "sampling_notice.html",
    "service_receipt": PDF + "service_receipt.html",
    "inquiry_record": PDF + "inquiry_record.html",
    "survey_record": PDF + "survey_record.html",
    "hearing_record": PDF + "hearing_record.html",
    "supervision_advice": PDF + "letter.html",
    "management_opinion": PDF + "letter.html",
}


def document_types(*, agency: Agency, on: datetime.date | None = None) -> dict[str, Any]:
    """code → DocumentType of the document-type catalog governing ``agency`` on ``on``."""
    version = applicable_version(agency=agency, kind=CatalogKind.DOCUMENT_TYPE, on=on)
    if version is None:
        return {}
    return {t.code: t for t in version.document_types.all()}


def issue_document(
    *,
    actor: Staff,
    agency: Agency,
    type_code: str,
    content: dict[str, Any],
    subject: models.Model,
    made_on_site_at: datetime.datetime | None = None,
) -> Document:
    """JL-TXT-1: issue a document of catalog type ``type_code`` for ``subject`` (made on site
    at ``made_on_site_at`` and signed now, on return: ADR 0226)."""
    doc_type = document_types(agency=agency, on=timezone.localdate()).get(type_code)
    if doc_type is None:
        raise ValidationError(
            {
                "documents": [
                    _(
                        "本单位适用的执法文书种类目录中没有“%(code)s”，无法制作该文书；"
                        "请先在执法目录中公布执法文书种类。"
                    )
                    % {"code": type_code}
                ]
            }
        )
    return document_issue(
        actor=actor,
        agency=agency,
        type_code=type_code,
        short_code=doc_type.short_code,
        title=doc_type.name,
        content=content,
        subject=subject,
        template=TEMPLATES.get(type_code, STANDARD_TEMPLATE),
        made_on_site_at=made_on_site_at,
    )


def preview_document(
    *, agency: Agency, type_code: str, content: dict[str, Any], as_html: bool = False
) -> bytes | str:
    """The document of ``type_code`` as it would be if issued now, for the signer to read first
    (PDF, or the same layout as HTML to show in the page).

    Nothing is numbered, stored or recorded: the number line says it is a preview.
    """
    doc_type = document_types(agency=agency, on=timezone.localdate()).get(type_code)
    if doc_type is None:
        raise ValidationError({"documents": [_("本单位适用的执法文书种类目录中没有该文书。")]})
    render = render_html if as_html else render_pdf
    return render(
        TEMPLATES.get(type_code, STANDARD_TEMPLATE),
        {
            "agency": agency,
            "title": doc_type.name,
            "number": _("（预览稿，签发时编号）"),
            "content": content,
            "issued_on": timezone.localdate(),
        },
    )


def documents_of(*subjects: models.Model) -> list[Document]:
    """Every document issued for these subjects, voided ones included, oldest first."""
    query = models.Q(pk__in=[])
    for subject in subjects:
        query |= models.Q(subject_type=object_type_of(subject), subject_id=str(subject.pk))
    return list(Document.objects.filter(query).select_related("number").order_by("issued_at", "pk"))


def cn_date(day: datetime.date | None) -> str:
    """2026年3月1日, as documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def party_lines(*, mine: CoalMine | None = None, person: Person | None = None) -> list[dict]:
    """The party block of a document (当事人), as label/value lines."""
    if person is not None:
        lines = [
            {"label": _("当事人"), "value": person.name},
            {"label": _("性别"), "value": str(person.gender)},
            {"label": _("居民身份证号码"), "value": person.id_number},
        ]
        if person.address:
            lines.append({"label": _("住址"), "value": person.address})
        if person.employer_id:
            lines.append(
                {
                    "label": _("工作单位及职务"),
                    "value": f"{person.employer.name} {person.job_title}".strip(),
                }
            )
        return lines
    if mine is None:
        return []
    lines = [
        {"label": _("当事人（单位名称）"), "value": mine.name},
        {"label": _("统一社会信用代码"), "value": mine.credit_code},
        {"label": _("地址"), "value": mine.address},
    ]
    if mine.person_in_charge:
        lines.append({"label": _("主要负责人"), "value": mine.person_in_charge})
    return lines


def remedies_text(*, agency: Agency, on: datetime.date | None = None) -> str:
    """GS-PRE-2.6: remedies and their time limits, from the remedy catalog in force."""
    version = applicable_version(agency=agency, kind=CatalogKind.REMEDY, on=on)
    items = list(version.remedies.all()) if version is not None else []
    parts = [
        _("可以自%(limit)s向%(body)s申请行政复议")
        % {"limit": _strip_from(item.time_limit), "body": item.body}
        for item in items
        if item.kind == RemedyKind.RECONSIDERATION
    ] + [
        _("或者自%(limit)s向%(body)s提起行政诉讼")
        % {"limit": _strip_from(item.time_limit), "body": item.body}
        for item in items
        if item.kind == RemedyKind.LITIGATION
    ]
    if not parts:
        return _("如不服本决定，可以依法申请行政复议或者提起行政诉讼。")
    return _("如不服本决定，%(parts)s。") % {"parts": "，".join(parts)}


def _strip_from(limit: str) -> str:
    return limit[1:] if limit.startswith("自") else limit


def officer_line(officers: Iterable[Staff], day: datetime.date | None = None) -> str:
    """“姓名（执法证号 …）”, for the documents that must name the officers and their certificates."""
    out = []
    for officer in officers:
        certificates = sorted(
            officer.certificates.all(), key=lambda c: (c.validity_on(day) != "valid", -c.pk)
        )
        number = certificates[0].number if certificates else _("无")
        out.append(_("%(name)s（执法证号 %(number)s）") % {"name": officer, "number": number})
    return "、".join(out)


# --- JL-TXT-3b: the checklist --------------------------------------------------------------------


@dataclass
class ChecklistItem:
    code: str
    name: str
    obligation: str
    condition: str
    documents: list[Document] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.documents)


@dataclass
class StageChecklist:
    stage: str
    label: str
    items: list[ChecklistItem]
    rules_found: bool = True
    reached: bool = True

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.present]

    @property
    def complete(self) -> bool:
        return self.rules_found and not self.missing


def stage_checklist(
    *,
    agency: Agency,
    stage: str,
    documents: Iterable[Document],
    triggered: set[str] = frozenset(),
    on: datetime.date | None = None,
) -> StageChecklist:
    """JL-TXT-3b: the documents ``stage`` requires (always, or because ``triggered`` says the
    case's facts call for them), each with the issued, not voided, documents of that type."""
    rules = stage_requirements(agency=agency, stage=stage, on=on)["documents"]
    version = applicable_version(agency=agency, kind=CatalogKind.STAGE_RULE, on=on)
    names = {code: t.name for code, t in document_types(agency=agency, on=on).items()}
    issued: dict[str, list[Document]] = {}
    for document in documents:
        if document.status == DocumentStatus.ISSUED:
            issued.setdefault(document.type_code, []).append(document)
    items = [
        ChecklistItem(
            code=rule.document_code,
            name=names.get(rule.document_code, rule.document_code),
            obligation=rule.obligation,
            condition=rule.condition,
            documents=issued.get(rule.document_code, []),
        )
        for rule in rules
        if rule.obligation == Obligation.REQUIRED or rule.document_code in triggered
    ]
    return StageChecklist(
        stage=stage, label=str(Stage(stage).label), items=items, rules_found=version is not None
    )


def require_complete(checklists: Iterable[StageChecklist], *, doing: str) -> None:
    """Refuse ``doing`` while a required document of these stages is missing (JL-TXT-3b)."""
    problems = []
    for checklist in checklists:
        if not checklist.rules_found:
            problems.append(
                _(
                    "未找到本单位适用的环节要求目录，无法核对“%(stage)s”环节的文书是否齐全"
                    "（《实施办法》四（一）3）；请先在执法目录中公布环节要求。"
                )
                % {"stage": checklist.label}
            )
            continue
        for item in checklist.missing:
            problems.append(
                _("“%(stage)s”环节缺少《%(name)s》。")
                % {"stage": checklist.label, "name": item.name}
            )
    if problems:
        raise ValidationError(
            {
                "documents": [
                    _("文书不齐全，不能%(doing)s（《实施办法》四（一）3）：") % {"doing": doing}
                    + "".join(problems)
                ]
            }
        )
