"""GS-POST-2: reconsideration and litigation (复议、诉讼) recorded on a case, one service per row of
``appeal_workflow.APPEAL_TRANSITIONS`` (ADR 0155).

Registering an appeal sets the archive's legal hold on the case (ADR 0130); the effective
outcome releases it, stores the effective document (write-once blob, SHA-256 and SM3), and —
when the decision is changed, revoked, confirmed unlawful or void, or ordered remade — opens the
withdrawal of the published result, due 3 working days after the agency received the document
(行政处罚法第四十八条、第八十五条). A changed decision is published as a new record at once; a
remade one when the agency has made it (``appeal_new_decision_publish``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from . import appeal_outcomes
from .appeal_workflow import (
    START,
    AppealKind,
    AppealStatus,
    Transition,
    appeal_transition,
)
from .models import Appeal, Case

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
HOLD_KINDS = {AppealKind.RECONSIDERATION: "reconsideration", AppealKind.LITIGATION: "litigation"}


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _day(value: Any, field: str, errors: dict, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            _add(errors, field, _("请填写日期。"))
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            _add(errors, field, _("日期格式不正确。"))
            return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        _add(errors, field, _("日期格式不正确。"))
        return None
    if value > timezone.localdate():
        _add(errors, field, _("日期不能晚于今天。"))
        return None
    return value


def _check(actor: Staff, case: Case, row: Transition) -> None:
    require_role(actor, row.roles, str(row.label))
    require_scope(actor, case.agency)


def _record(actor: Staff, appeal: Appeal, row: Transition, **details: Any) -> Appeal:
    appeal.save()
    ledger_append(
        actor=actor,
        action=f"case.appeal_{row.action}",
        obj=appeal,
        details={"case": appeal.case_id, "kind": appeal.kind, "to": appeal.status, **details},
    )
    return appeal


@transaction.atomic
def appeal_register(
    *,
    actor: Staff,
    case: Case,
    kind: str,
    applicant: str,
    body: str,
    filed_on: datetime.date | str | None,
    reference: str = "",
) -> Appeal:
    """登记复议申请或起诉: the appeal is pending; the case's archive is held (ADR 0130)."""
    from sanxiang.archive.holds import place_hold

    row = appeal_transition(START, "register")
    case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    _check(actor, case, row)
    errors: dict[str, list[str]] = {}
    if case.decided_on is None:
        _add(errors, "case", _("本案尚未作出处罚决定，不能登记复议或诉讼。"))
    if kind not in AppealKind.values:
        _add(errors, "kind", _("请选择救济方式。"))
    applicant, body = _text(applicant, 200), _text(body, 200)
    if not applicant:
        _add(errors, "applicant", _("请填写申请人（原告）。"))
    if not body:
        _add(errors, "body", _("请填写复议机关或人民法院。"))
    filed = _day(filed_on, "filed_on", errors)
    if filed and case.decided_on and filed < case.decided_on:
        _add(errors, "filed_on", _("申请（起诉）日期不能早于处罚决定日期。"))
    if errors:
        raise ValidationError(errors)
    appeal = Appeal(
        case=case,
        kind=kind,
        applicant=applicant,
        body=body,
        reference=_text(reference, 100),
        filed_on=filed,
        recorded_by=actor,
    )
    appeal.save()
    hold = place_hold(
        case,
        HOLD_KINDS[kind],
        _("%(kind)s未结：%(body)s%(ref)s，%(day)s申请（起诉）。")
        % {
            "kind": appeal.get_kind_display(),
            "body": body,
            "ref": f"（{appeal.reference}）" if appeal.reference else "",
            "day": filed.isoformat(),
        },
        None,
    )
    appeal.hold_id = hold.pk
    return _record(actor, appeal, row, filed_on=filed, hold=hold.pk)


def _document(upload: Any, errors: dict) -> tuple[bytes, str] | None:
    """The effective decision or judgment as uploaded: a PDF of at most 20 MB."""
    if upload is None:
        _add(errors, "document", _("请上传生效的复议决定书或裁判文书（PDF）。"))
        return None
    name = str(getattr(upload, "name", "") or "")[:200]
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        _add(errors, "document", _("文件不能超过 20 MB。"))
        return None
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_DOCUMENT_BYTES:
        _add(errors, "document", _("文件不能超过 20 MB。"))
        return None
    if not data.startswith(b"%PDF-"):
        _add(errors, "document", _("请上传 PDF 格式的文书。"))
        return None
    return data, name or "document.pdf"


@transaction.atomic
def appeal_conclude(
    *,
    actor: Staff,
    appeal: Appeal,
    outcome: str,
    document_number: str,
    decided_on: datetime.date | str | None,
    effective_on: datetime.date | str | None,
    received_on: datetime.date | str | None,
    summary: str = "",
    document: Any = None,
) -> Appeal:
    """登记生效的复议决定或裁判 (GS-POST-2): release the hold; withdraw and republish as the
    outcome requires (``publicity/appeal_effects.py``)."""
    from sanxiang.archive.holds import release_hold
    from sanxiang.archive.models_disposal import LegalHold
    from sanxiang.publicity import appeal_effects

    appeal = Appeal.objects.select_for_update().select_related("case__agency").get(pk=appeal.pk)
    row = appeal_transition(appeal.status, "conclude")
    if row is None:
        raise ValidationError({"status": [_("该复议（诉讼）已登记结果。")]})
    case = appeal.case
    _check(actor, case, row)
    errors: dict[str, list[str]] = {}
    result = appeal_outcomes.outcome_get(outcome)
    if result is None or result.kind != appeal.kind:
        _add(errors, "outcome", _("请选择复议决定或裁判的结果。"))
    number = _text(document_number, 100)
    if not number:
        _add(errors, "document_number", _("请填写生效文书的文号（案号）。"))
    decided = _day(decided_on, "decided_on", errors)
    effective = _day(effective_on, "effective_on", errors)
    received = _day(received_on, "received_on", errors)
    if decided and decided < appeal.filed_on:
        _add(errors, "decided_on", _("作出日期不能早于申请（起诉）日期。"))
    if decided and effective and effective < decided:
        _add(errors, "effective_on", _("生效日期不能早于作出日期。"))
    if decided and received and received < decided:
        _add(errors, "received_on", _("收到日期不能早于作出日期。"))
    summary = _text(summary, 2000)
    if result is not None and result.effect == "replace" and not summary:
        _add(errors, "summary", _("请填写变更后的处罚决定内容（将作为新的公示记录）。"))
    stored = _document(document, errors)
    if errors:
        raise ValidationError(errors)
    blob = blob_put(stored[0])
    appeal.status = row.target
    appeal.outcome, appeal.outcome_name, appeal.outcome_effect = (
        result.code,
        result.name,
        result.effect,
    )
    appeal.outcome_document_number = number
    appeal.outcome_decided_on, appeal.effective_on, appeal.received_on = (
        decided,
        effective,
        received,
    )
    appeal.outcome_summary = summary
    appeal.document_path, appeal.document_name = blob.path, stored[1]
    appeal.document_sha256, appeal.document_sm3 = blob.sha256, blob.sm3
    appeal.concluded_by, appeal.concluded_at = actor, timezone.now()
    effect_note = ""
    if result.withdraws:
        reason = _("%(kind)s结果：%(outcome)s（%(number)s，%(day)s收到）。") % {
            "kind": appeal.get_kind_display(),
            "outcome": result.name,
            "number": number,
            "day": received.isoformat(),
        }
        publication, effect_note = appeal_effects.open_withdrawal(
            case=case,
            reason_kind=result.withdrawal_reason,
            reason=reason,
            received_on=received,
            basis=number,
        )
        if publication is not None:
            appeal.publication_id_withdrawn = publication.pk
            appeal.withdrawal_due = publication.withdrawal_due
            appeal.withdrawal_due_provisional = publication.withdrawal_due_provisional
    if result.effect == "replace":
        new = appeal_effects.draft_new_decision(
            appeal=appeal,
            document_number=number,
            decided_on=decided,
            content=summary,
            clock_from=received,
            actor=actor,
        )
        appeal.new_publication_id = new.pk
    hold = LegalHold.objects.filter(pk=appeal.hold_id, released_at__isnull=True).first()
    if hold is not None:
        release_hold(
            hold,
            _("%(kind)s已审结：%(outcome)s（%(number)s）。")
            % {
                "kind": appeal.get_kind_display(),
                "outcome": result.name,
                "number": number,
            },
            None,
        )
    return _record(
        actor,
        appeal,
        row,
        outcome=result.code,
        effect=result.effect,
        received_on=received,
        document_sha256=blob.sha256,
        withdrawal_due=appeal.withdrawal_due,
        publication=appeal.publication_id_withdrawn,
        new_publication=appeal.new_publication_id,
        note=effect_note,
    )


@transaction.atomic
def appeal_new_decision_publish(
    *,
    actor: Staff,
    appeal: Appeal,
    document_number: str,
    decided_on: datetime.date | str | None,
    content: str,
) -> Appeal:
    """公示重新作出的决定: after 责令重新作出, the agency's new decision is published as a new
    record, due 7 working days after it was made."""
    from sanxiang.publicity import appeal_effects

    appeal = Appeal.objects.select_for_update().select_related("case__agency").get(pk=appeal.pk)
    row = appeal_transition(appeal.status, "publish_new_decision")
    _check(actor, appeal.case, appeal_transition(AppealStatus.CONCLUDED, "publish_new_decision"))
    errors: dict[str, list[str]] = {}
    if row is None or appeal.outcome_effect != "remake":
        _add(errors, "status", _("只有被责令（判决）重新作出的决定需要另行公示。"))
    elif appeal.new_publication_id:
        _add(errors, "status", _("重新作出的决定已生成公示记录。"))
    number = _text(document_number, 100)
    if not number:
        _add(errors, "document_number", _("请填写重新作出的决定书文号。"))
    decided = _day(decided_on, "decided_on", errors)
    if decided and appeal.received_on and decided < appeal.received_on:
        _add(errors, "decided_on", _("重新作出的日期不能早于收到生效文书的日期。"))
    content = _text(content, 2000)
    if not content:
        _add(errors, "content", _("请填写重新作出的处罚决定内容。"))
    if errors:
        raise ValidationError(errors)
    new = appeal_effects.draft_new_decision(
        appeal=appeal,
        document_number=number,
        decided_on=decided,
        content=content,
        clock_from=decided,
        actor=actor,
    )
    appeal.new_publication_id = new.pk
    return _record(actor, appeal, row, new_publication=new.pk, decided_on=decided)
