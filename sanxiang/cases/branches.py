"""The procedure branches of a case, one service per row of ``branch_workflow`` (ADR 0205).

:func:`branch_start` takes a branch's first row (from ``START``), :func:`branch_step` any later
row. Both lock, check the row, the role (``steps.may_take``: officers of the case, the head),
the limits (``branch_rules``), issue the row's document and append one ledger event; bad input
is field-level errors with nothing written. A step after its limit (a handling decision after
the 7th working day, a release after the sealing term) is allowed but recorded as late.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.documents.services import made_on_site_problems
from sanxiang.inspections import paperwork
from sanxiang.inspections.paperwork import cn_date
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from . import branch_rules as rules
from . import notice_documents as notices
from .branch_workflow import START, BranchKind, BranchStatus, branch_transition
from .documents import party, yuan
from .item_lists import items_parse
from .models import Case, CaseBranch, PenaltyKind
from .steps import may_take
from .workflow import FINAL, CaseStatus

# Which document type each branch row issues, and which service issues it (ISSUERS).
OPEN_KINDS = {
    BranchKind.PRESERVATION: (BranchStatus.PRESERVED,),
    BranchKind.SEALING: (BranchStatus.SEALED, BranchStatus.EXTENDED),
    BranchKind.DEFERRAL: (BranchStatus.APPLIED,),
    BranchKind.RECUSAL: (BranchStatus.APPLIED,),
}


def _text(value: Any, limit: int = 2000) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _check(actor: Staff, case: Case, row) -> None:
    if row is None:
        raise ValidationError({"status": [_("该程序当前状态下不能执行该操作。")]})
    require_role(actor, row.roles, str(row.label))
    require_scope(actor, case.agency)
    if not may_take(actor, case, row):
        raise PermissionDenied(_("只有本案承办人员或负责人可以%(doing)s。") % {"doing": row.label})


@in_legal_language
def _content(case: Case, heading: str, paragraphs: list[str], table: list[tuple[str, str]]):
    return {
        "party": party(case),
        "table": [{"label": label, "value": value} for label, value in table],
        "sections": [{"heading": heading, "paragraphs": paragraphs}],
        "remedies": paperwork.remedies_text(agency=case.agency),
        "signatures": [_("当事人（签名）"), _("执法人员（签名）")],
    }


def _issue(
    actor: Staff,
    case: Case,
    row,
    heading: str,
    paragraphs,
    table=(),
    content=None,
    made_on_site_at: datetime.datetime | None = None,
):
    """Issue the row's document: ``content`` from its own format (``notice_documents``) where the
    type has one, else the generic heading, paragraphs and table (made on site at
    ``made_on_site_at`` and signed now, on return: ADR 0226)."""
    if not row.issues:
        return None
    return paperwork.issue_document(
        actor=actor,
        agency=case.agency,
        type_code=row.issues,
        content=content or _content(case, heading, list(paragraphs), list(table)),
        subject=case,
        made_on_site_at=made_on_site_at,
    )


def _collect(errors: dict[str, list[str]], parse, *args, **kwargs):
    """Run a parser that raises field errors, adding them to ``errors`` (all errors at once)."""
    try:
        return parse(*args, **kwargs)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


def _handling(raw: Any, items: list[dict]) -> list[str] | None:
    """The handling of each preserved item: one line per item, or one line for all."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    lines = [_text(line, 200) for line in lines if _text(line, 200)]
    if len(lines) == 1:
        lines = lines * len(items)
    if not items or len(lines) != len(items):
        raise ValidationError(
            {
                "handling": [
                    _("请逐项写明处理意见（共%(n)s项，每行一项；各项相同时写一行）。")
                    % {"n": len(items)}
                ]
            }
        )
    return lines


def _record(actor: Staff, branch: CaseBranch, row, document=None, **details: Any) -> CaseBranch:
    branch.status = row.target
    if document is not None:
        branch.document = document
        # Every document the branch issued, in order, for the branch page (the field keeps
        # only the latest: a sealing's decision, extension and release are three).
        numbers = [*branch.details.get("documents", []), document.number.text]
        branch.details = {**branch.details, "documents": numbers}
    branch.save()
    ledger_append(
        actor=actor,
        action=f"case.branch_{branch.kind}_{row.action}",
        obj=branch,
        details={
            "case": branch.case_id,
            "to": branch.status,
            "document": document.number.text if document is not None else "",
            **{k: str(v) for k, v in details.items()},
        },
    )
    return branch


def _start_errors(case: Case, kind: str, data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if case.status in FINAL:
        errors["case"] = [_("案件已办结，不能再启动该程序。")]
    if kind == BranchKind.SIMPLE:
        amount = _amount(data.get("amount")) if data.get("amount") not in (None, "") else None
        penalty = data.get("penalty_kind")
        if penalty not in (PenaltyKind.WARNING, PenaltyKind.FINE):
            errors["penalty_kind"] = [_("当场处罚只能是警告或者罚款。")]
        elif not rules.simple_procedure_allowed(case.party_kind, penalty, amount):
            errors["amount"] = [
                _("当场罚款对公民不得超过二百元、对法人或者其他组织不得超过三千元（第五十一条）。")
            ]
    if kind == BranchKind.SEALING and data.get("major") and not _text(data.get("review_reference")):
        errors["review_reference"] = [
            _("重大的查封（扣押）须先经法制审核，请填写法制审核意见书文号。")
        ]
    if kind in (BranchKind.PRESERVATION, BranchKind.SEALING):
        _collect(errors, items_parse, data.get("items"))
    if kind == BranchKind.SEALING and not _text(data.get("basis"), 300):
        errors["basis"] = [_("请填写查封（扣押）的法律依据（法律、法规的名称和条款）。")]
    if kind == BranchKind.DEFERRAL and (case.status != CaseStatus.SERVED or not case.fine_amount):
        errors["case"] = [_("只有已送达、尚未缴清罚款的案件可以申请暂缓或分期缴纳。")]
    if kind == BranchKind.RECUSAL and not data.get("officer"):
        errors["officer"] = [_("请选择申请回避的执法人员。")]
    if kind == BranchKind.EXTENSION:
        if not case.filed_on or case.status not in (
            set(CaseStatus.values) - FINAL - {CaseStatus.FILING_PENDING}
        ):
            errors["case"] = [_("只有已立案、尚未办结的案件可以延长办案期限。")]
        elif case.branches.filter(kind=BranchKind.EXTENSION).exists():
            errors["case"] = [_("本案办案期限已延长过。")]
    if (
        kind in (BranchKind.DEFERRAL, BranchKind.RECUSAL)
        and case.branches.filter(kind=kind, status__in=OPEN_KINDS[kind]).exists()
    ):
        errors["case"] = [_("本案已有尚未决定的同类申请。")]
    return errors


@transaction.atomic
def branch_start(
    *,
    actor: Staff,
    case: Case,
    kind: str,
    subject: str,
    started_on: datetime.date | None = None,
    **data: Any,
) -> CaseBranch:
    """Take the first row of branch ``kind`` on ``case`` (``data`` per kind: ``penalty_kind`` and
    ``amount`` for the simple procedure, ``major``/``review_reference`` for a sealing,
    ``officer`` for a recusal)."""
    if kind not in BranchKind.values:
        raise ValidationError({"kind": [_("请选择程序类别。")]})
    case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    row = branch_transition(kind, START, _first_action(kind))
    _check(actor, case, row)
    errors = _start_errors(case, kind, data)
    if started_on and started_on > timezone.localdate():
        errors["started_on"] = [_("日期不能晚于今天。")]
    made_on_site_at = data.get("made_on_site_at") if kind == BranchKind.SIMPLE else None
    problems = made_on_site_problems(
        made_on_site_at,
        not_before=case.inspection.started_at if case.inspection_id else None,
        act=_("现场检查开始时间"),
    )
    if problems:
        errors["made_on_site_at"] = problems
    elif made_on_site_at and started_on and started_on != timezone.localdate(made_on_site_at):
        errors["started_on"] = [_("决定日期应为现场制作的日期。")]
    subject = _text(subject, 500)
    if not subject:
        errors["subject"] = [_("请写明事项（物品清单、申请理由或决定内容）。")]
    if errors:
        raise ValidationError(errors)
    on = started_on or (
        timezone.localdate(made_on_site_at) if made_on_site_at else timezone.localdate()
    )
    branch = CaseBranch(case=case, kind=kind, started_on=on, subject=subject, created_by=actor)
    details: dict[str, Any] = {}
    table = [(_("事项"), subject), (_("日期"), cn_date(on))]
    content = None
    if kind == BranchKind.SIMPLE:
        amount = _amount(data.get("amount"))
        branch.details = {"penalty_kind": data["penalty_kind"], "amount": str(amount or "")}
        paragraphs = [
            _("依据《中华人民共和国行政处罚法》第五十一条，当场作出处罚决定：%(p)s。")
            % {
                "p": _("罚款人民币%(a)s元") % {"a": yuan(amount)}
                if data["penalty_kind"] == PenaltyKind.FINE
                else _("警告")
            }
        ]
    elif kind == BranchKind.PRESERVATION:
        due = rules.preservation_decision_due(on)
        branch.due_on, branch.due_provisional = due.date, due.provisional
        items = items_parse(data.get("items"))
        branch.details = {"items": items}
        paragraphs = []
        content = notices.preservation_notice(
            case, items=items, reason=subject, on=on, due=due.date
        )
    elif kind == BranchKind.SEALING:
        due = rules.sealing_term_end(on)
        branch.due_on = due.date
        items = items_parse(data.get("items"))
        basis = _text(data.get("basis"), 300)
        reference = _text(data.get("review_reference"), 100)
        branch.details = {"review_reference": reference, "items": items, "basis": basis}
        paragraphs = []
        content = notices.sealing_decision(
            case,
            items=items,
            reason=subject,
            basis=basis,
            start=on,
            end=due.date,
            days=rules.SEALING_DAYS,
            review_reference=reference,
        )
    elif kind == BranchKind.RECUSAL:
        officer = data["officer"]
        branch.details = {"officer": officer.pk, "officer_name": officer.full_name}
        paragraphs = []
    elif kind == BranchKind.EXTENSION:
        due = rules.case_time_limit_end(case.filed_on, extended=True)
        branch.due_on, branch.extended = due.date, True
        paragraphs = [
            _("本案办案期限延长至%(d)s。理由：%(s)s") % {"d": cn_date(due.date), "s": subject}
        ]
    else:
        paragraphs = []
    details["due"] = branch.due_on or ""
    document = _issue(actor, case, row, str(row.label), paragraphs, table, content, made_on_site_at)
    if document is not None:
        branch.details = {**branch.details, "first_number": document.number.text}
    return _record(actor, branch, row, document, **details)


def _first_action(kind: str) -> str:
    from .branch_workflow import TABLES

    rows = [t for t in TABLES.get(kind, ()) if t.source == START]
    return rows[0].action if rows else ""


@transaction.atomic
def branch_step(
    *,
    actor: Staff,
    branch: CaseBranch,
    action: str,
    note: str = "",
    on: datetime.date | None = None,
    **data: Any,
) -> CaseBranch:
    """Take row ``action`` from the branch's state (the handling decision, an extension, a
    release, the report for the record, a decision on a deferral or recusal)."""
    branch = CaseBranch.objects.select_for_update().select_related("case__agency").get(pk=branch.pk)
    case = branch.case
    row = branch_transition(branch.kind, branch.status, action)
    _check(actor, case, row)
    on = on or timezone.localdate()
    note = _text(note)
    errors: dict[str, list[str]] = {}
    if on > timezone.localdate() or on < branch.started_on:
        errors["on"] = [_("日期应在开始日期和今天之间。")]
    if row.action in ("handle", "grant", "refuse", "decide", "release") and not note:
        errors["note"] = [_("请写明决定内容或理由。")]
    if row.action == "extend" and branch.due_on and on > branch.due_on:
        errors["on"] = [_("查封（扣押）期限已届满，不能再延长，应当解除。")]
    items = branch.details.get("items") or []
    handling = (
        _collect(errors, _handling, data.get("handling"), items)
        if row.action == "handle" and items
        else None
    )
    if errors:
        raise ValidationError(errors)
    details: dict[str, Any] = {"on": on}
    table = [(_("事项"), branch.subject), (_("日期"), cn_date(on))]
    paragraphs = [note] if note else []
    term_end = branch.due_on
    if row.action == "extend":
        due = rules.sealing_term_end(branch.started_on, extended=True)
        branch.due_on, branch.extended = due.date, True
        paragraphs.append(_("查封（扣押）期限延长至%(d)s。") % {"d": cn_date(due.date)})
        details["due"] = due.date
    if row.action in ("handle", "release") and branch.due_on:
        branch.late = rules.is_late(on, branch.due_on)
        details["late"] = branch.late
    if row.action == "decide":
        branch.details = {**branch.details, "granted": bool(data.get("granted"))}
        paragraphs.insert(
            0,
            (_("%(n)s回避。") if data.get("granted") else _("%(n)s不予回避。"))
            % {"n": branch.details.get("officer_name", "")},
        )
    content = None
    first = branch.details.get("first_number", "")
    if row.action == "handle" and items:
        handled = [{**item, "handling": h} for item, h in zip(items, handling, strict=True)]
        branch.details = {**branch.details, "items": handled}
        content = notices.preservation_decision(
            case,
            items=handled,
            notice_number=first,
            preserved_on=branch.started_on,
            decided_on=on,
            note=note,
        )
    if row.action == "extend" and items:
        content = notices.sealing_extension(
            case,
            items=items,
            decision_number=first,
            sealed_on=branch.started_on,
            term_end=term_end,
            extended_to=branch.due_on,
            reason=note,
        )
    if row.action == "release" and items:
        content = notices.sealing_release(
            case,
            items=items,
            decision_number=first,
            sealed_on=branch.started_on,
            released_on=on,
            reason=note,
        )
    branch.details = {**branch.details, f"{row.action}_on": on.isoformat()}
    document = _issue(actor, case, row, str(row.label), paragraphs, table, content)
    return _record(actor, branch, row, document, **details)


def case_limit_end(case: Case) -> datetime.date | None:
    """The last day of an open case's time limit (第六十条, or its extension), else None."""
    if not case.filed_on or case.status not in BEFORE_DECISION_OPEN:
        return None
    extended = any(b.kind == BranchKind.EXTENSION for b in case.branches.all())
    return rules.case_time_limit_end(case.filed_on, extended=extended).date


def branch_deadlines(case: Case) -> list[tuple[str, datetime.date, bool]]:
    """(label, last day, provisional) of the running limits of a case's branches and of the case
    time limit, for the case page and the dashboard (``selectors.case_deadlines``)."""
    out = []
    end = case_limit_end(case)
    if end is not None:
        out.append((_("办案期限（立案之日起九十日）"), end, False))
    for branch in case.branches.all():
        if branch.due_on and branch.status == BranchStatus.PRESERVED:
            out.append((_("先行登记保存处理决定"), branch.due_on, branch.due_provisional))
        if branch.due_on and branch.status in (BranchStatus.SEALED, BranchStatus.EXTENDED):
            out.append((_("查封（扣押）期限"), branch.due_on, False))
    return out


def case_limit_reminders(cases, *, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Open cases whose time limit ends within the reminder window or has passed: the case, the
    last day and the days left (negative: late)."""
    today = today or timezone.localdate()
    out = []
    for case in cases:
        end = case_limit_end(case)
        if end is not None and (end - today).days <= rules.CASE_REMINDER_DAYS:
            out.append({"case": case, "ends_on": end, "days_left": (end - today).days})
    return sorted(out, key=lambda r: r["days_left"])


def startable_kinds(user: Staff, case: Case) -> list[str]:
    """The branch kinds ``user`` may start on ``case`` now: the role of the kind's first row and
    the case's state (the conditions ``_start_errors`` reports under ``case``); the service
    still checks everything on submission."""
    out = []
    for kind in BranchKind.values:
        row = branch_transition(kind, START, _first_action(kind))
        if row is None or not may_take(user, case, row):
            continue
        if "case" not in _start_errors(case, kind, {}):
            out.append(kind)
    return out


def next_rows(user: Staff, branch: CaseBranch) -> list:
    """The rows ``user`` may take from the branch's state (the branch page's buttons)."""
    from .branch_workflow import TABLES

    return [
        row
        for row in TABLES.get(branch.kind, ())
        if row.source == branch.status and may_take(user, branch.case, row)
    ]


REMINDER_DAYS = 7  # 工作台在查封（扣押）期限、先行登记保存处理期限届满前7日起提醒


def branch_reminders(cases, *, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Running sealing terms and preservation handling limits of ``cases`` that end within
    ``REMINDER_DAYS`` or have passed: the branch, its last day and the days left."""
    today = today or timezone.localdate()
    out = []
    for case in cases:
        for branch in case.branches.all():
            if not branch.due_on or branch.status not in (
                BranchStatus.PRESERVED,
                BranchStatus.SEALED,
                BranchStatus.EXTENDED,
            ):
                continue
            left = (branch.due_on - today).days
            if left <= REMINDER_DAYS:
                out.append({"branch": branch, "ends_on": branch.due_on, "days_left": left})
    return sorted(out, key=lambda r: r["days_left"])


BEFORE_DECISION_OPEN = frozenset(
    {
        CaseStatus.INVESTIGATING,
        CaseStatus.REPORTED,
        CaseStatus.REPORT_APPROVED,
        CaseStatus.NOTIFIED,
        CaseStatus.HEARING,
        CaseStatus.PENDING_DECISION,
    }
)

# The document types the branches issue, and the service that issues each.
ISSUERS = {
    "simple_decision": "sanxiang.cases.branches.branch_start",
    "preservation_notice": "sanxiang.cases.branches.branch_start",
    "preservation_decision": "sanxiang.cases.branches.branch_step",
    "sealing_decision": "sanxiang.cases.branches.branch_start",
    "sealing_extension": "sanxiang.cases.branches.branch_step",
    "sealing_release": "sanxiang.cases.branches.branch_step",
    "payment_deferral": "sanxiang.cases.branches.branch_step",
    "recusal_decision": "sanxiang.cases.branches.branch_step",
    "case_extension": "sanxiang.cases.branches.branch_start",
}
