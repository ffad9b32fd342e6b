"""Content of the investigation records (询问笔录, 勘验笔录) in the national formats (ADR 0211).

Each builder fills its own template (``documents/pdf/inquiry_record.html``,
``survey_record.html``) from the act and its recorded showings of certificates (GS-MID-1,
ADR 0210): the names, certificate numbers, times and the person shown to come from the
showing rows, never from a fixed sentence.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.inspections import paperwork
from sanxiang.inspections import showings as showing_rules

from .inquiry import QUESTIONED_FIELDS, qa_blocks
from .models import Case, CaseAct


def _window(act: CaseAct) -> str:
    start, end = timezone.localtime(act.started_at), timezone.localtime(act.ended_at)
    return (
        f"{start.year}年{start.month}月{start.day}日{start.hour}时{start.minute:02d}分至"
        f"{end.year}年{end.month}月{end.day}日{end.hour}时{end.minute:02d}分"
    )


def _officers_named(showings) -> str:
    return "、".join(str(s.officer) for s in showings)


def _common(case: Case, act: CaseAct, officers, showings) -> dict[str, Any]:
    return {
        "cause": case.cause,
        "time": _window(act),
        "place": act.location or "—",
        "officers": paperwork.officer_line(officers, timezone.localdate(act.started_at)),
        "showings": showing_rules.showing_lines(showings),
    }


@in_legal_language
def inquiry_record(case: Case, act: CaseAct, *, officers, showings) -> dict[str, Any]:
    """询问笔录: time and place, the officers, the person questioned, the officers' statement
    (who they are, the certificates shown, the duty to answer truly, the right to ask for
    recusal) with his answer, then the questions and answers."""
    questioned = act.questioned or {}
    return {
        **_common(case, act, officers, showings),
        "questioned": [
            {"label": _(label), "value": questioned.get(key, "")}
            for key, label, _limit, _required in QUESTIONED_FIELDS
            if key != "recusal"
        ],
        "notice": _(
            "我们是%(agency)s的执法人员%(names)s，已向你出示执法证件。现依法就%(cause)s"
            "向你进行询问调查，请你如实回答所问问题，不得隐瞒或者提供虚假情况。执法人员少于"
            "两人或者所出示的执法证件与身份不符的，你有权拒绝接受调查询问；你有陈述和申辩的"
            "权利。执法人员与本案有直接利害关系或者有其他关系可能影响公正执法的，你有权申请"
            "执法人员回避。你是否申请回避？"
        )
        % {
            "agency": case.agency.name,
            "names": _officers_named(showings),
            "cause": case.cause,
        },
        "recusal": questioned.get("recusal", ""),
        "qa": qa_blocks(act.content),
        "closing": _("以上笔录已经本人阅读（或者向本人宣读），与本人所述一致。"),
        "page_signature": _("被询问人签名："),
        "signatures": [_("被询问人（签名）"), _("询问人（签名）"), _("记录人（签名）")],
    }


@in_legal_language
def survey_record(case: Case, act: CaseAct, *, officers, showings) -> dict[str, Any]:
    """勘验笔录: time and place, the officers and the showing of their certificates, the party or
    witness present, what was surveyed and found; signatures of the party, witness and
    officers."""
    present = "、".join(dict.fromkeys(s.shown_to for s in showings))
    return {
        **_common(case, act, officers, showings),
        "party": paperwork.party_lines(mine=case.mine, person=case.person),
        "present": present or "—",
        "paragraphs": act.content.splitlines(),
        "closing": _("以上笔录经当事人（见证人）核对，与勘验情况相符。"),
        "page_signature": _("当事人（见证人）签名："),
        "signatures": [
            _("当事人或其代理人（签名）"),
            _("见证人（签名）"),
            _("勘验人（签名）"),
            _("记录人（签名）"),
        ],
    }
