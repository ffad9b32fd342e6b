"""The content of each case document, filled from case data (JL-TXT-1, GS-MID-2, GS-PRE-2.6).

Each builder returns the JSON the document's template renders (``documents/pdf/*.html``):
``party`` lines, a ``table`` of key facts, ``sections`` of paragraphs, ``opinions`` boxes,
``remedies`` with their time limits, ``signatures``. Values are strings only, so the content
stored with the document (and hashed into the ledger) is exactly what was printed. Builders run
``in_legal_language``: a document is Chinese even when the officer works in English.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.inspections import paperwork
from sanxiang.inspections.paperwork import cn_date

from . import deadlines
from .models import ActKind, Case, CaseAct, PenaltyKind, Proposal, ServiceMethod, StatementKind


def _day(iso: str):
    import datetime

    return datetime.date.fromisoformat(iso)


def yuan(amount: Decimal | str) -> str:
    value = Decimal(str(amount or "0"))
    return f"{value:,.2f}"


def party(case: Case) -> list[dict]:
    return paperwork.party_lines(mine=case.mine, person=case.person)


def party_name(case: Case) -> str:
    return str(case.party or "")


def _you(case: Case) -> str:
    return _("你") if case.person_id else _("你单位")


def penalty_text(content: dict[str, Any]) -> str:
    """“罚款人民币10,000.00元” and the other penalty kinds, in the order of the law."""
    kinds = content.get("penalty_kinds", [])
    parts = []
    for kind in PenaltyKind.values:
        if kind not in kinds:
            continue
        if kind == PenaltyKind.FINE:
            parts.append(_("罚款人民币%(amount)s元") % {"amount": yuan(content["fine_amount"])})
        elif kind in (PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY) and Decimal(
            content.get("confiscation_value") or "0"
        ):
            parts.append(
                _("%(kind)s（价值人民币%(amount)s元）")
                % {"kind": PenaltyKind(kind).label, "amount": yuan(content["confiscation_value"])}
            )
        else:
            parts.append(str(PenaltyKind(kind).label))
    return "、".join(parts)


def _basis_paragraph(case: Case, content: dict[str, Any]) -> str:
    return _("%(you)s的上述行为违反了%(violated)s的规定，依据%(basis)s的规定，") % {
        "you": _you(case),
        "violated": content["violated_provisions"],
        "basis": content["penalty_basis"],
    }


@in_legal_language
def filing_approval(case: Case, opinion: str) -> dict[str, Any]:
    findings = list(case.findings.all())
    source = case.inspection
    return {
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("当事人"), "value": party_name(case)},
            {
                "label": _("案件来源"),
                "value": _("现场检查（%(day)s，%(record)s）")
                % {
                    "day": cn_date(source.inspected_on),
                    "record": source.record_document.number.text
                    if source and source.record_document_id
                    else "—",
                }
                if source
                else "—",
            },
            {
                "label": _("承办人员"),
                "value": paperwork.officer_line(case.officers.all(), timezone.localdate()),
            },
        ],
        "sections": [
            {
                "heading": _("简要案情"),
                "paragraphs": [f"{f.description}（{f.entry_code}）：{f.facts}" for f in findings],
            },
            {
                "heading": _("涉嫌违反的规定"),
                "paragraphs": list(dict.fromkeys(f.violated_provision for f in findings)),
            },
        ],
        "opinions": [
            {"label": _("承办人意见"), "value": _("建议立案调查。")},
            {"label": _("负责人审批意见"), "value": opinion},
        ],
    }


@in_legal_language
def case_report(case: Case, proposal: Proposal) -> dict[str, Any]:
    content = proposal.content
    major = proposal.major_matches
    return {
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("当事人"), "value": party_name(case)},
            {"label": _("立案日期"), "value": cn_date(case.filed_on)},
            {
                "label": _("承办人员"),
                "value": paperwork.officer_line(case.officers.all(), timezone.localdate()),
            },
        ],
        "sections": [
            {"heading": _("违法事实"), "paragraphs": content["facts"].splitlines()},
            {"heading": _("证据"), "paragraphs": content["evidence"].splitlines()},
            {
                "heading": _("违反条款和处罚依据"),
                "paragraphs": [
                    _("违反：%(v)s") % {"v": content["violated_provisions"]},
                    _("依据：%(b)s") % {"b": content["penalty_basis"]},
                    *(
                        [_("施行中的版本：%(v)s") % {"v": "；".join(content["basis_in_force"])}]
                        if content.get("basis_in_force")
                        else []
                    ),
                ],
            },
            {
                "heading": _("拟处理意见"),
                "paragraphs": [
                    content["decision_text"],
                    _("处罚种类和幅度：%(p)s。") % {"p": penalty_text(content)},
                ],
            },
            {
                "heading": _("法制审核"),
                "paragraphs": [
                    _("属于重大执法决定，须经法制审核：%(items)s")
                    % {"items": "；".join(f"{m['code']} {m['reason']}" for m in major)}
                ]
                if major
                else [_("按本单位重大执法决定目录清单，不属于重大执法决定。")],
            },
        ],
        "opinions": [
            {"label": _("承办人意见"), "value": content["decision_text"]},
            {"label": _("负责人审批意见"), "value": ""},
        ],
    }


@in_legal_language
def penalty_notice(case: Case, proposal: Proposal, statement_due, hearing_due) -> dict[str, Any]:
    """GS-MID-2: cause, facts, reasons and evidence, legal basis, the proposed penalty, and the
    party's rights — statement and defence, and a hearing where applicable — with their limits."""
    content = proposal.content
    you = _you(case)
    paragraphs = [
        _("经查，%(facts)s") % {"facts": content["facts"]},
        _("以上事实有下列证据证明：%(evidence)s") % {"evidence": content["evidence"]},
        _basis_paragraph(case, content)
        + _("本机关拟对%(you)s作出如下行政处罚：%(penalty)s。")
        % {"you": you, "penalty": penalty_text(content)},
    ]
    rights = [
        _(
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，%(you)s有权进行陈述和申辩。"
            "如有陈述、申辩意见，请于%(due)s前（自收到本告知书之日起%(days)s个工作日内）向本机关提出；"
            "逾期未提出的，视为放弃此权利。"
        )
        % {"you": you, "due": cn_date(statement_due.date), "days": deadlines.statement_days()}
    ]
    if case.hearing_applicable:
        rights.append(
            _(
                "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，%(you)s有权要求听证。"
                "如要求听证，应当于%(due)s前（自收到本告知书之日起%(days)s个工作日内）向本机关提出。"
            )
            % {
                "you": you,
                "due": cn_date(hearing_due.date),
                "days": deadlines.hearing_request_days(),
            }
        )
    return {
        "party": party(case),
        "sections": [
            {"heading": _("告知事项"), "paragraphs": paragraphs},
            {"heading": _("权利告知"), "paragraphs": rights},
        ],
        "signatures": [_("当事人（签名）"), _("执法人员（签名）")],
    }


@in_legal_language
def hearing_notice(case: Case, hearing_due) -> dict[str, Any]:
    return {
        "party": party(case),
        "sections": [
            {
                "heading": _("听证告知"),
                "paragraphs": [
                    _(
                        "本机关拟对%(you)s作出的行政处罚属于《中华人民共和国行政处罚法》第六十三条"
                        "规定的听证范围。%(you)s有权要求举行听证；如要求听证，应当于%(due)s前"
                        "向本机关提出，逾期视为放弃听证权利。"
                    )
                    % {"you": _you(case), "due": cn_date(hearing_due.date)}
                ],
            }
        ],
        "signatures": [_("当事人（签名）")],
    }


@in_legal_language
def hearing_record(case: Case, held_on, host, summary: str) -> dict[str, Any]:
    return {
        "party": party(case),
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("听证日期"), "value": cn_date(held_on)},
            {"label": _("听证主持人"), "value": str(host)},
            {
                "label": _("案件调查人员"),
                "value": paperwork.officer_line(case.officers.all(), held_on),
            },
        ],
        "notice": _(
            "听证主持人宣布听证纪律，核对当事人及其代理人的身份，宣布案由，告知当事人在听证中"
            "享有陈述、申辩和质证的权利；告知当事人认为主持人、记录人与本案有直接利害关系的，"
            "有权申请回避。"
        ),
        "sections": [{"heading": _("听证记录"), "paragraphs": summary.splitlines()}],
        "closing": _("以上笔录已经当事人阅读（或者向当事人宣读），与听证情况一致。"),
        "page_signature": _("当事人签名："),
        "signatures": [_("当事人（签名）"), _("听证主持人（签名）"), _("记录人（签名）")],
    }


def _statements_paragraph(case: Case) -> str:
    statements = list(case.statements.all())
    if not statements:
        return _(
            "本机关依法告知了拟作出行政处罚的事实、理由、依据及%(you)s享有的权利，"
            "%(you)s在规定期限内未提出陈述、申辩意见。"
        ) % {"you": _you(case)}
    waived = any(s.kind == StatementKind.WAIVER for s in statements)
    said = [s for s in statements if s.kind != StatementKind.WAIVER]
    parts = [
        _("本机关依法告知了拟作出行政处罚的事实、理由、依据及%(you)s享有的权利。")
        % {"you": _you(case)}
    ]
    for statement in said:
        parts.append(
            _("%(you)s于%(day)s提出%(kind)s意见：%(content)s。经复核，%(handling)s")
            % {
                "you": _you(case),
                "day": cn_date(statement.received_on),
                "kind": statement.get_kind_display(),
                "content": statement.content,
                "handling": statement.handling
                or (_("意见予以采纳。") if statement.adopted else _("意见不予采纳。")),
            }
        )
    if waived:
        parts.append(_("%(you)s书面表示放弃陈述、申辩和听证的权利。") % {"you": _you(case)})
    if case.hearing_held_on:
        parts.append(_("本机关于%(day)s依法举行了听证。") % {"day": cn_date(case.hearing_held_on)})
    return "".join(parts)


def payment_instructions(case: Case, content: dict[str, Any]) -> list[str]:
    if PenaltyKind.FINE not in content.get("penalty_kinds", []):
        return []
    account = getattr(
        settings, "SANXIANG_FINE_PAYMENT_INSTRUCTIONS", _("本机关指定的代收罚款银行（示例）")
    )
    return [
        _(
            "罚款自收到本决定书之日起%(days)s日内缴至%(account)s。到期不缴纳罚款的，本机关可以"
            "每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额"
            "（《中华人民共和国行政处罚法》第七十二条）。"
        )
        % {"days": deadlines.PAYMENT_DAYS, "account": account}
    ]


@in_legal_language
def penalty_decision(case: Case, proposal: Proposal) -> dict[str, Any]:
    content = proposal.content
    decision = _basis_paragraph(case, content) + _("本机关决定：%(penalty)s。") % {
        "penalty": penalty_text(content)
    }
    return {
        "party": party(case),
        "sections": [
            {
                "heading": _("违法事实"),
                "paragraphs": [_("经查明，%(facts)s") % {"facts": content["facts"]}],
            },
            {"heading": _("证据"), "paragraphs": content["evidence"].splitlines()},
            {"heading": _("告知和陈述申辩"), "paragraphs": [_statements_paragraph(case)]},
            {"heading": _("处罚依据和决定"), "paragraphs": [decision]},
            {"heading": _("履行方式和期限"), "paragraphs": payment_instructions(case, content)},
        ],
        "remedies": paperwork.remedies_text(agency=case.agency)
        + _(
            "当事人对行政处罚决定不服申请行政复议或者提起行政诉讼的，行政处罚不停止执行，"
            "法律另有规定的除外。"
        ),
    }


@in_legal_language
def service_receipt(
    case: Case, *, document, served_on, method, recipient, place, officers, showings=()
):
    """送达回执 as the national format has it (ADR 0215): the document served, on whom, where,
    how — every method listed with the one of the service record marked —, the recipient, the
    date, the servers; the signature boxes the method calls for (a witness for 留置送达, the
    arrival for 电子送达). ``method``: the ServiceMethod code of the service record. The
    servers' showing of their certificates at an in-person service goes into the 备注 box,
    printed from its rows (GS-MID-1, ADR 0231)."""
    from sanxiang.inspections import showings as showing_rules

    chosen = ServiceMethod(method)
    boxes = [
        {"label": _("收件人（签名或盖章）"), "value": recipient},
        {"label": _("送达人（签名）"), "value": ""},
    ]
    if chosen == ServiceMethod.LEFT:
        boxes.append({"label": _("见证人（签名）"), "value": ""})
    if chosen == ServiceMethod.ELECTRONIC:
        boxes[0] = {"label": _("电子送达到达情况"), "value": place or "—"}
    return {
        "table": [
            {"label": _("送达文书名称及文号"), "value": f"{document.title} {document.number}"},
            {"label": _("受送达人"), "value": party_name(case)},
            {"label": _("送达地点"), "value": place or "—"},
            {"label": _("送达方式"), "value": str(chosen.label)},
            {"label": _("送达日期"), "value": cn_date(served_on)},
            {
                "label": _("送达人"),
                "value": paperwork.officer_line(officers, served_on) if officers else "—",
            },
        ],
        "methods": [
            {"label": str(label), "chosen": value == chosen}
            for value, label in ServiceMethod.choices
        ],
        "receipt_boxes": boxes,
        "signatures": [box["label"] for box in boxes],
        "remarks": "；".join(showing_rules.showing_lines(showings)),
    }


@in_legal_language
def additional_fine(case: Case, proposal: Proposal) -> dict[str, Any]:
    content = proposal.content
    return {
        "party": party(case),
        "sections": [
            {
                "heading": _("加处罚款决定"),
                "paragraphs": [
                    _(
                        "本机关于%(decided)s作出%(number)s行政处罚决定，对%(you)s罚款人民币%(fine)s元，"
                        "缴款期限至%(due)s。%(you)s到期未缴纳罚款。依据《中华人民共和国行政处罚法》"
                        "第七十二条第一款第（一）项的规定，本机关决定自%(start)s起至%(as_of)s止"
                        "共%(days)s日，每日按罚款数额的百分之三加处罚款，计人民币%(amount)s元"
                        "（加处罚款的数额不超出罚款的数额）。"
                    )
                    % {
                        "decided": cn_date(case.decided_on),
                        "number": content["decision_number"],
                        "you": _you(case),
                        "fine": yuan(case.fine_amount),
                        "due": cn_date(case.payment_due),
                        "start": cn_date(_day(content["first_day"])),
                        "as_of": cn_date(_day(content["as_of"])),
                        "days": content["days"],
                        "amount": yuan(content["amount"]),
                    }
                ],
            }
        ],
        "remedies": paperwork.remedies_text(agency=case.agency),
    }


@in_legal_language
def enforcement_application(case: Case, proposal: Proposal) -> dict[str, Any]:
    content = proposal.content
    return {
        "table": [
            {"label": _("申请人"), "value": case.agency.name},
            {"label": _("被申请人"), "value": party_name(case)},
            {"label": _("受理法院"), "value": content["court"]},
            {"label": _("据以执行的决定"), "value": content["decision_number"]},
        ],
        "sections": [
            {
                "heading": _("申请事项"),
                "paragraphs": [
                    _("请求依法强制执行尚未履行的罚款（含加处罚款）人民币%(amount)s元。")
                    % {"amount": yuan(content["outstanding"])}
                ],
            },
            {
                "heading": _("事实和理由"),
                "paragraphs": [
                    _(
                        "本机关于%(decided)s作出上述行政处罚决定，于%(served)s送达被申请人，"
                        "缴款期限至%(due)s。被申请人在法定期限内未申请行政复议或者提起行政诉讼，"
                        "又不履行行政处罚决定。"
                    )
                    % {
                        "decided": cn_date(case.decided_on),
                        "served": cn_date(case.served_on),
                        "due": cn_date(case.payment_due),
                    }
                ],
            },
        ],
    }


@in_legal_language
def closure_approval(case: Case, summary: str) -> dict[str, Any]:
    return {
        "table": [
            {"label": _("案由"), "value": case.cause},
            {"label": _("当事人"), "value": party_name(case)},
            {"label": _("立案日期"), "value": cn_date(case.filed_on)},
            {
                "label": _("处罚决定"),
                "value": f"{case.decision_document.number}（{cn_date(case.decided_on)}）"
                if case.decision_document_id
                else "—",
            },
            {"label": _("执行情况"), "value": _execution_text(case)},
        ],
        "sections": [{"heading": _("结案情况"), "paragraphs": summary.splitlines()}],
        "opinions": [
            {"label": _("承办人意见"), "value": _("建议结案。")},
            {"label": _("负责人审批意见"), "value": _("同意结案。")},
        ],
    }


def _execution_text(case: Case) -> str:
    if case.enforcement_applied_on:
        return _("已于%(day)s申请人民法院强制执行。") % {
            "day": cn_date(case.enforcement_applied_on)
        }
    if case.amount_due:
        return _("应缴人民币%(due)s元，已缴人民币%(paid)s元。") % {
            "due": yuan(case.amount_due),
            "paid": yuan(case.paid_total),
        }
    return _("已履行完毕。")


@in_legal_language
def act_document(case: Case, act: CaseAct, *, officers, showings=None) -> dict[str, Any]:
    """The record or notice of an investigation act, with the officers' showing of their
    certificates as recorded (GS-MID-1, ADR 0210). Inquiries and surveys have their own
    formats (``record_documents``)."""
    from sanxiang.inspections import showings as showing_rules

    from . import record_documents

    if showings is None:
        showings = showing_rules.showings_of(act)
    if act.kind == ActKind.INQUIRY:
        return record_documents.inquiry_record(case, act, officers=officers, showings=showings)
    if act.kind == ActKind.SURVEY:
        return record_documents.survey_record(case, act, officers=officers, showings=showings)
    start, end = act.started_at, act.ended_at
    return {
        "party": party(case),
        "table": [
            {"label": _("案由"), "value": case.cause},
            {
                "label": _("时间"),
                "value": f"{timezone.localtime(start):%Y-%m-%d %H:%M} 至 "
                f"{timezone.localtime(end):%Y-%m-%d %H:%M}",
            },
            {"label": _("地点"), "value": act.location or "—"},
            {"label": _("执法人员"), "value": paperwork.officer_line(officers, start.date())},
            {
                "label": _("出示证件"),
                "value": "；".join(showing_rules.showing_lines(showings)),
            },
        ],
        "sections": [
            {"heading": str(ActKind(act.kind).label), "paragraphs": act.content.splitlines()}
        ],
        "signatures": [_("当事人或被询问人（签名）"), _("执法人员（签名）")],
    }


@in_legal_language
def emergency_measure(
    case: Case,
    act: CaseAct,
    basis: str,
    matches: list[dict],
    *,
    showings=None,
    items: list[dict] | None = None,
) -> dict[str, Any]:
    """GS-MID-2: even an emergency measure states cause, facts, basis, reasons and rights; the
    officers' showing of their certificates is printed from its rows (GS-MID-1, ADR 0231) and a
    sealing or seizure lists its items (行政强制法第二十四条)."""
    from sanxiang.inspections import showings as showing_rules

    if showings is None:
        showings = showing_rules.showings_of(act)
    finding = act.finding
    return {
        "party": party(case),
        "table": [
            {"label": _("执法人员"), "value": "、".join(str(s.officer) for s in showings) or "—"},
            {"label": _("出示证件"), "value": "；".join(showing_rules.showing_lines(showings))},
        ],
        **({"item_rows": items} if items else {}),
        "sections": [
            {
                "heading": _("事由和事实"),
                "paragraphs": [
                    _("经检查发现%(you)s存在重大事故隐患：%(description)s。具体事实：%(facts)s")
                    % {
                        "you": _you(case),
                        "description": finding.description,
                        "facts": finding.facts,
                    }
                ],
            },
            {"heading": _("依据"), "paragraphs": [basis]},
            {
                "heading": _("决定"),
                "paragraphs": [
                    _("为保障安全生产，本机关决定立即采取以下措施：%(measure)s。%(content)s")
                    % {"measure": act.get_measure_display(), "content": act.content},
                    _("本措施属于重大执法决定（%(items)s），依法先行执行，并于执行后进行法制审核。")
                    % {"items": "；".join(m["title"] for m in matches)},
                ],
            },
        ],
        "remedies": paperwork.remedies_text(agency=case.agency),
        "signatures": [_("当事人（签名）"), _("执法人员（签名）")],
    }
