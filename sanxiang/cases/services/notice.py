"""Prior notice, statements and hearing (GS-MID-2): the 行政处罚告知书, the party's statements
and defence, a hearing requested and held, and the close of the notice period.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.stages import Stage
from sanxiang.core.permissions import in_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.inspections import paperwork
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .. import deadlines, gate, recordings
from .. import documents as content
from ..models import (
    Case,
    ProposalKind,
    Statement,
    StatementKind,
)
from ..steps import begin, finish
from .common import _add, _moment, _propose, _raise_if, _text


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
