"""The content of the notices and decisions with a list of items (ADR 0215, JL-TXT-1).

先行登记保存证据通知书 and its 处理决定书, 查封（扣押）决定书, 延长查封（扣押）期限决定书 and
解除查封（扣押）决定书, 抽样取证通知书:
each follows its national format (煤矿安全监察行政执法文书式样) and its own template
(``documents/pdf/<type>.html``): the party, the text of the format filled from the record, the
table of items (``item_lists``), the term and its basis where the law sets one, the remedies
where the document is a decision the party can contest, the signatures and the seal.
Statutory wording names its source; nothing here is sample law.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.inspections import paperwork
from sanxiang.inspections.paperwork import cn_date

from .documents import party
from .models import Case

PRESERVATION_BASIS = "《中华人民共和国行政处罚法》第五十六条"
SEALING_PROCEDURE_BASIS = "《中华人民共和国行政强制法》第二十四条、第二十五条"
RELEASE_BASIS = "《中华人民共和国行政强制法》第二十八条"
EXTENSION_BASIS = "《中华人民共和国行政强制法》第二十五条"


def _you(case: Case) -> str:
    return _("你") if case.person_id else _("你单位")


def _text(paragraphs: list[str], heading: str = "") -> dict[str, Any]:
    return {"heading": heading, "paragraphs": [p for p in paragraphs if p]}


@in_legal_language
def preservation_notice(
    case: Case, *, items: list[dict], reason: str, on: datetime.date, due: datetime.date
) -> dict[str, Any]:
    """先行登记保存证据通知书: why, on what basis, the list, what the party must not do, and when
    the handling decision comes (seven working days, 第五十六条、第八十五条)."""
    you = _you(case)
    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _(
                        "因调查%(cause)s一案，%(reason)s，证据可能灭失或者以后难以取得，经本机关负责人"
                        "批准，依据%(basis)s的规定，自%(on)s起对%(you)s的下列物品予以先行登记保存。"
                    )
                    % {
                        "cause": case.cause,
                        "reason": reason.rstrip("。，；"),
                        "basis": PRESERVATION_BASIS,
                        "on": cn_date(on),
                        "you": you,
                    },
                    _(
                        "在先行登记保存期间，%(you)s不得销毁、转移、使用或者改变被登记保存的物品。"
                        "本机关将于%(due)s前（七个工作日内）作出处理决定。"
                    )
                    % {"you": you, "due": cn_date(due)},
                ]
            )
        ],
        "item_rows": items,
        "signatures": [_("当事人（签名或盖章）"), _("执法人员（签名）")],
    }


@in_legal_language
def preservation_decision(
    case: Case,
    *,
    items: list[dict],
    notice_number: str,
    preserved_on: datetime.date,
    decided_on: datetime.date,
    note: str,
) -> dict[str, Any]:
    """先行登记保存证据处理决定书: the notice it answers, then each item with its handling."""
    you = _you(case)
    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _(
                        "本机关于%(on)s以%(number)s先行登记保存证据通知书对%(you)s的物品予以先行登记保存。"
                        "依据%(basis)s的规定，现作出如下处理决定："
                    )
                    % {
                        "on": cn_date(preserved_on),
                        "number": notice_number,
                        "you": you,
                        "basis": PRESERVATION_BASIS,
                    },
                    note,
                ]
            )
        ],
        "item_rows": items,
        "handling": True,
        "table": [{"label": _("处理决定日期"), "value": cn_date(decided_on)}],
        "remedies": paperwork.remedies_text(agency=case.agency),
        "signatures": [_("当事人（签名或盖章）")],
    }


@in_legal_language
def sealing_decision(
    case: Case,
    *,
    items: list[dict],
    reason: str,
    basis: str,
    start: datetime.date,
    end: datetime.date,
    days: int,
    review_reference: str = "",
) -> dict[str, Any]:
    """查封（扣押）决定书 with what 行政强制法第二十四条 asks: the reason, the basis and the term,
    the list with quantities, and how to contest it."""
    you = _you(case)
    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _("经查，%(you)s%(reason)s。") % {"you": you, "reason": reason},
                    _(
                        "依据%(basis)s和%(procedure)s的规定，本机关决定对%(you)s的下列场所、设施或者财物"
                        "予以查封（扣押）。查封（扣押）期间，%(you)s不得擅自启封、使用、转移或者损毁。"
                    )
                    % {"basis": basis, "procedure": SEALING_PROCEDURE_BASIS, "you": you},
                ]
            )
        ],
        "item_rows": items,
        "table": [
            {
                "label": _("查封（扣押）期限"),
                "value": _("%(days)s日，自%(start)s起至%(end)s止")
                % {"days": days, "start": cn_date(start), "end": cn_date(end)},
            },
            {"label": _("期限依据"), "value": _("《中华人民共和国行政强制法》第二十五条")},
            *(
                [{"label": _("法制审核意见书"), "value": review_reference}]
                if review_reference
                else []
            ),
        ],
        "remedies": paperwork.remedies_text(agency=case.agency),
        "signatures": [_("当事人（签名或盖章）"), _("执法人员（签名）")],
    }


@in_legal_language
def sealing_release(
    case: Case,
    *,
    items: list[dict],
    decision_number: str,
    sealed_on: datetime.date,
    released_on: datetime.date,
    reason: str,
) -> dict[str, Any]:
    """解除查封（扣押）决定书: the decision released, why, from when, and the list (第二十八条)."""
    you = _you(case)
    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _(
                        "本机关于%(on)s以%(number)s查封（扣押）决定书对%(you)s的下列场所、设施或者财物"
                        "予以查封（扣押）。因%(reason)s，依据%(basis)s的规定，本机关决定自%(from)s起"
                        "解除查封（扣押）。"
                    )
                    % {
                        "on": cn_date(sealed_on),
                        "number": decision_number,
                        "you": you,
                        "reason": reason.rstrip("。"),
                        "basis": RELEASE_BASIS,
                        "from": cn_date(released_on),
                    },
                ]
            )
        ],
        "item_rows": items,
        "signatures": [_("当事人（签名或盖章）"), _("执法人员（签名）")],
    }


@in_legal_language
def sealing_extension(
    case: Case,
    *,
    items: list[dict],
    decision_number: str,
    sealed_on: datetime.date,
    term_end: datetime.date,
    extended_to: datetime.date,
    reason: str,
) -> dict[str, Any]:
    """延长查封（扣押）期限决定书: the decision whose term is extended, the reason, the new end and
    the basis — 行政强制法第二十五条: the term of thirty days may be extended once, by at most
    thirty days, with the head's approval, and the party is told in writing with the reason —,
    the same list of items, and how to contest it."""
    you = _you(case)
    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _(
                        "本机关于%(on)s以%(number)s查封（扣押）决定书对%(you)s的下列场所、设施或者财物"
                        "予以查封（扣押），期限至%(end)s止。因%(reason)s，情况复杂，经本机关负责人批准，"
                        "依据%(basis)s的规定，决定将查封（扣押）期限延长至%(to)s。"
                    )
                    % {
                        "on": cn_date(sealed_on),
                        "number": decision_number or "—",
                        "you": you,
                        "end": cn_date(term_end),
                        "reason": reason.rstrip("。，；"),
                        "basis": EXTENSION_BASIS,
                        "to": cn_date(extended_to),
                    },
                    _(
                        "延长期间，%(you)s不得擅自启封、使用、转移或者损毁被查封（扣押）的场所、设施或者财物。"
                    )
                    % {"you": you},
                ]
            )
        ],
        "item_rows": items,
        "table": [
            {
                "label": _("原查封（扣押）期限"),
                "value": _("自%(start)s起至%(end)s止")
                % {"start": cn_date(sealed_on), "end": cn_date(term_end)},
            },
            {"label": _("延长至"), "value": cn_date(extended_to)},
            {"label": _("延长依据"), "value": EXTENSION_BASIS},
        ],
        "remedies": paperwork.remedies_text(agency=case.agency),
        "signatures": [_("当事人（签名或盖章）"), _("执法人员（签名）")],
    }


@in_legal_language
def sampling_notice(
    case: Case, *, items: list[dict], purpose: str, officers, location: str, start, end
) -> dict[str, Any]:
    """抽样取证通知书: why samples are taken, on what basis, the samples, where and by whom."""
    from django.utils import timezone

    return {
        "party": party(case),
        "sections": [
            _text(
                [
                    _(
                        "因调查%(cause)s一案需要，依据%(basis)s的规定，本机关对%(you)s的下列物品"
                        "抽样取证。%(purpose)s"
                    )
                    % {
                        "cause": case.cause,
                        "basis": PRESERVATION_BASIS,
                        "you": _you(case),
                        "purpose": purpose,
                    }
                ]
            )
        ],
        "item_rows": items,
        "table": [
            {
                "label": _("抽样时间"),
                "value": f"{timezone.localtime(start):%Y-%m-%d %H:%M} 至 "
                f"{timezone.localtime(end):%Y-%m-%d %H:%M}",
            },
            {"label": _("抽样地点"), "value": location or "—"},
            {"label": _("执法人员"), "value": paperwork.officer_line(officers, start.date())},
        ],
        "signatures": [_("当事人（签名或盖章）"), _("执法人员（签名）")],
    }


def act_notice(case: Case, kind: str, *, items, content_text, officers, location, start, end):
    """The notice of an investigation act that lists items: a 先行登记保存证据通知书 (its handling
    decision due on the seventh working day) or a 抽样取证通知书."""
    from django.utils import timezone

    from . import branch_rules
    from .models import ActKind

    if kind == ActKind.SAMPLING:
        return sampling_notice(
            case,
            items=items,
            purpose=content_text,
            officers=officers,
            location=location,
            start=start,
            end=end,
        )
    on = timezone.localdate(start)
    due = branch_rules.preservation_decision_due(on)
    return preservation_notice(case, items=items, reason=content_text, on=on, due=due.date)
