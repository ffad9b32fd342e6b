"""The review's two documents: 法制审核意见书 (SH-CONT-2) and 集体讨论记录 (SH-RESP-3).

Names and numbering short codes come from the document-type catalog in force for the issuing
agency (``review_opinion`` / ``collective_record``); numbering, rendering, write-once storage
and the ledger entry with the PDF's digests are ``documents.services.document_issue``'s.
Content values are strings only, so what is stored (and hashed) is what was printed; the
builders run ``in_legal_language``, so both are Chinese whatever the reviewer's UI language.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import documents as case_documents
from sanxiang.catalog.selectors import document_short_code
from sanxiang.core.language import in_legal_language
from sanxiang.documents.models import Document
from sanxiang.documents.services import document_issue
from sanxiang.inspections.paperwork import cn_date, document_types
from sanxiang.org.models import Agency, Staff

from .models import (
    ChangeGround,
    ChecklistItem,
    CollectiveOutcome,
    Finding,
    OpinionKind,
    Review,
    Submission,
)

PDF = "documents/pdf/"
TEMPLATES = {
    "review_opinion": PDF + "review_opinion.html",
    "collective_record": PDF + "collective_record.html",
}


def issue(
    *, actor: Staff, agency: Agency, type_code: str, content: dict[str, Any], subject
) -> Document:
    """Issue a review document of catalog type ``type_code`` (numbered in ``agency``'s sequence)."""
    today = timezone.localdate()
    doc_type = document_types(agency=agency, on=today).get(type_code)
    short_code = document_short_code(agency=agency, code=type_code, on=today)
    if doc_type is None or not short_code:
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
        short_code=short_code,
        title=doc_type.name,
        content=content,
        subject=subject,
        template=TEMPLATES[type_code],
    )


def spaced(digest: str) -> str:
    """A long hex digest in groups of eight, so a printed table can wrap it."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def proposal_lines(kind: str, content: dict[str, Any]) -> list[str]:
    """The proposed decision in words, whatever its kind."""
    if "decision_text" in content:
        lines = [content["decision_text"]]
        if content.get("penalty_kinds"):
            lines.append(_("处罚种类和幅度：%(p)s。") % {"p": case_documents.penalty_text(content)})
        return lines
    labels = {
        "measure": _("措施"),
        "content": _("内容"),
        "legal_basis": _("依据"),
        "amount": _("加处罚款金额（元）"),
        "days": _("逾期天数"),
        "court": _("人民法院"),
        "decision_number": _("原决定书文号"),
        "outstanding": _("尚欠金额（元）"),
    }
    lines = [
        f"{labels[key]}：{content[key]}" for key in labels if content.get(key) not in (None, "")
    ]
    if content.get("items"):  # an emergency sealing's list (ADR 0232), reviewed afterwards
        from sanxiang.cases.item_lists import items_text

        lines.append(_("查封（扣押）清单：%(items)s") % {"items": items_text(content["items"])})
    return lines


@in_legal_language
def review_opinion(
    *,
    review: Review,
    submission: Submission,
    kind: str,
    reasons: str,
    proposed_change: str,
    grounds: list[str],
    do_not_decide: bool,
    reviewer: Staff,
    today: datetime.date,
) -> dict[str, Any]:
    case = review.case
    answers = {a.item: a for a in submission.answers.all()}
    inquiries = list(submission.inquiries.all())
    verdict = str(OpinionKind(kind).label)
    if kind == OpinionKind.INVESTIGATE:
        verdict = _("不予作出行政执法决定") if do_not_decide else _("继续调查")
    sections = [
        {
            "heading": _("审核方式"),
            "paragraphs": [_("书面审核。")]
            + [
                _("%(day)s %(kind)s（%(who)s）：%(text)s")
                % {
                    "day": cn_date(i.occurred_on),
                    "kind": i.get_kind_display(),
                    "who": i.persons,
                    "text": i.content,
                }
                for i in inquiries
            ],
        },
        {"heading": _("审核意见：%(v)s") % {"v": verdict}, "paragraphs": reasons.splitlines()},
    ]
    if grounds:
        sections.append(
            {
                "heading": _("变更理由"),
                "paragraphs": ["、".join(str(ChangeGround(g).label) for g in grounds)],
            }
        )
    if proposed_change:
        heading = _("变更意见") if kind == OpinionKind.CHANGE else _("纠正意见")
        if kind == OpinionKind.INVESTIGATE:
            heading = _("需要查明的事实和补充的证据")
        sections.append({"heading": heading, "paragraphs": proposed_change.splitlines()})
    if kind != OpinionKind.APPROVE:
        sections.append(
            {
                "heading": "",
                "paragraphs": [
                    _(
                        "请承办机构对上述问题进行研究，作出相应处理后再次报送法制审核；"
                        "对审核意见有不同意见的，可以提出异议，由负责人集体讨论决定。"
                    )
                ],
            }
        )
    return {
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("当事人"), "value": case_documents.party_name(case)},
            {"label": _("办案机构"), "value": case.agency.name},
            {"label": _("决定类别"), "value": review.get_kind_display()},
            {
                "label": _("拟作出的决定"),
                "value": "".join(proposal_lines(review.kind, submission.proposal_content)),
            },
            {
                "label": _("重大执法决定事项"),
                "value": "；".join(f"{m['code']} {m['reason']}" for m in submission.major_matches),
            },
            {
                "label": _("送审"),
                "value": _("第%(n)d轮，%(who)s于%(day)s送审，声明材料真实、准确、完整")
                % {
                    "n": submission.round,
                    "who": submission.declared_by,
                    "day": cn_date(timezone.localdate(submission.declared_at)),
                },
            },
            {
                "label": _("案件处理呈报书"),
                "value": str(submission.case_report.number) if submission.case_report else "—",
            },
            {
                "label": _("收到齐全材料"),
                "value": _("%(r)s（审核期限至%(d)s）")
                % {"r": cn_date(review.received_on), "d": cn_date(review.due_on)},
            },
            {"label": _("所审内容摘要（SM3）"), "value": spaced(submission.proposal_digest)},
            {"label": _("法制审核人员"), "value": str(reviewer)},
        ],
        "checklist": [
            {
                "name": str(item.label),
                "finding": answers[item.value].get_finding_display()
                if item.value in answers
                else "",
                "notes": answers[item.value].notes if item.value in answers else "",
            }
            for item in ChecklistItem
        ],
        "sections": sections,
        "signatures": [_("法制审核人员（签名）")],
        "footer": _("法制审核工作机构对本审核意见负责（实施办法五（四）4）。"),
        "verdict": verdict,
        "reviewed_on": cn_date(today),
    }


@in_legal_language
def collective_record(
    *,
    review: Review,
    submission: Submission,
    opinion,
    contest,
    arguments,
    participants: list[Staff],
    attendees: str,
    held_on: datetime.date,
    outcome: str,
    decision: str,
    minutes: str,
) -> dict[str, Any]:
    case = review.case
    return {
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("当事人"), "value": case_documents.party_name(case)},
            {"label": _("讨论日期"), "value": cn_date(held_on)},
            {
                "label": _("参加讨论的负责人"),
                "value": "、".join(
                    f"{p}（{p.position}）" if p.position else str(p) for p in participants
                ),
            },
            {"label": _("列席人员"), "value": attendees or "—"},
            {"label": _("法制审核意见书"), "value": str(opinion.document.number)},
        ],
        "sections": [
            {
                "heading": _("拟作出的决定"),
                "paragraphs": proposal_lines(review.kind, submission.proposal_content),
            },
            {
                "heading": _("法制审核意见：%(k)s") % {"k": opinion.get_kind_display()},
                "paragraphs": [
                    *opinion.reasons.splitlines(),
                    *opinion.proposed_change.splitlines(),
                ],
            },
            {"heading": _("承办机构的异议"), "paragraphs": contest.reasons.splitlines()},
            {
                "heading": _("论证意见"),
                "paragraphs": [
                    f"{a.get_source_display()} {a.author}"
                    + (f"（{a.organisation}）" if a.organisation else "")
                    + f"：{a.content}"
                    for a in arguments
                ]
                or [_("未组织论证。")],
            },
            {"heading": _("讨论情况"), "paragraphs": minutes.splitlines()},
            {
                "heading": _("集体讨论决定：%(o)s") % {"o": CollectiveOutcome(outcome).label},
                "paragraphs": decision.splitlines(),
            },
        ],
        "signatures": [_("参加讨论的负责人（签名）"), _("记录人（签名）")],
        "footer": _("依据实施办法五（四）3，由煤矿安全监察机构负责人集体讨论决定。"),
    }


FINDING_LABELS = dict(Finding.choices)
