"""Retrieval approval (JL-USE-2) and access: who asks to see a recording, for what purpose and
how long, the decision, and every view, stream and download as a ledger event with its alerts
(out of hours, many in a short time).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.periods import period_errors
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.core.workdays import day_status
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from .. import access as access_rules
from ..conf import setting
from ..models import (
    AccessAlert,
    AlertKind,
    Recording,
    RetrievalRequest,
    RetrievalScope,
    RetrievalStatus,
)
from .common import CUSTODY_ROLES

MAX_RECORD_NUMBER = 2**63 - 1


@transaction.atomic
def retrieval_request_create(
    *,
    actor: Staff,
    purpose: str,
    scope: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime,
    recording: Recording | None = None,
    number: int | None = None,
) -> RetrievalRequest:
    """JL-USE-2: ask to view or download a recording, named by ``number`` (or ``recording``),
    for a stated purpose and period.

    Anyone may name any number (ADR 0021), so the answer must not tell whether it exists or
    what it is (ADR 0065): the checks here depend only on what the requester wrote, the row
    names the number and is linked to a recording only when an approver decides, and its
    ledger event is the same either way. Whether a state secret may be downloaded is settled
    by the approval (:func:`retrieval_decide`), not here."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    requested_id = recording.pk if recording is not None else number
    errors: dict[str, list[str]] = {}
    if not isinstance(requested_id, int) or not 1 <= requested_id <= MAX_RECORD_NUMBER:
        errors["recording"] = [_("请填写音像记录编号（YX 后的数字）。")]
        requested_id = None
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("请说明调阅事由。")]
    if scope not in RetrievalScope.values:
        errors["scope"] = [_("请选择调阅方式。")]
    errors |= period_errors(
        valid_from,
        valid_until,
        longest_days=setting("SANXIANG_EVIDENCE_MAX_RETRIEVAL_DAYS"),
        verb=_("调阅"),
    )
    retrieval = RetrievalRequest(
        requested_id=requested_id or 0,
        requester=actor,
        purpose=purpose,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    clean_and_save(retrieval, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="retrieval.request",
        obj=retrieval,
        details={"recording_id": requested_id, "scope": scope},
    )
    return retrieval


@transaction.atomic
def retrieval_decide(
    *, actor: Staff, retrieval: RetrievalRequest, approve: bool, note: str = ""
) -> RetrievalRequest:
    """JL-USE-2: the custodian or the head approves or refuses (secrets: the head only).

    The decision links the request to the recording it names. JL-ARC-2: a download of a
    state-secret record is approved as viewing only (its content never leaves as a file)."""
    retrieval = RetrievalRequest.objects.select_for_update().get(pk=retrieval.pk)
    recording = Recording.objects.select_related("agency").filter(pk=retrieval.requested_id).first()
    if recording is None:
        raise ValidationError({"recording": [_("没有该编号的音像记录，无从审批。")]})
    require_role(actor, access_rules.approver_roles(recording), _("审批调阅申请"))
    require_scope(actor, recording.agency)
    if retrieval.requester_id == actor.pk:
        raise PermissionDenied(_("不能审批本人的调阅申请。"))
    if retrieval.status != RetrievalStatus.PENDING:
        raise ValidationError({"status": [_("该申请已审批，不能重复审批。")]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("不予批准时请说明理由。")]})
    details: dict[str, Any] = {
        "recording_id": recording.pk,
        "requester_id": retrieval.requester_id,
        "valid_until": retrieval.valid_until.isoformat(),
    }
    if (
        approve
        and retrieval.scope == RetrievalScope.DOWNLOAD
        and not access_rules.may_download_at_all(recording)
    ):
        retrieval.scope = RetrievalScope.VIEW
        details["scope_narrowed"] = RetrievalScope.VIEW
        note = (note + " " if note else "") + _("涉密记录只能在线查看，已按查看批准。")
    retrieval.recording = recording
    retrieval.status = RetrievalStatus.APPROVED if approve else RetrievalStatus.REFUSED
    retrieval.decided_by = actor
    retrieval.decided_at = timezone.now()
    retrieval.decision_note = note[:300]
    retrieval.save()
    ledger_append(
        actor=actor,
        action="retrieval.approve" if approve else "retrieval.refuse",
        obj=retrieval,
        details=details,
    )
    return retrieval


_ACCESS_ACTIONS = {
    access_rules.VIEW: "recording.view",
    access_rules.STREAM: "recording.stream",
    access_rules.DOWNLOAD: "recording.download",
}


@transaction.atomic
def recording_access(
    *, actor: Staff, recording: Recording, mode: str, detail: dict[str, Any] | None = None
) -> access_rules.Access:
    """JL-USE-2 / JL-USE-3: decide, and record in the ledger, one access to a recording's content.

    A refusal is recorded too (and committed: the caller raises only after this returns).
    Granted accesses are checked for bulk or off-hours patterns, which alert the custodians.
    """
    if mode not in access_rules.MODES:
        raise ValueError(f"unknown access mode {mode!r}")
    decision = access_rules.access_for(actor, recording)
    details = {"mode": mode, "basis": decision.basis, **(detail or {})}
    if not decision.allows(mode):
        if decision.view and mode == access_rules.DOWNLOAD:
            decision = access_rules.Access(
                decision.view,
                False,
                decision.basis,
                decision.retrieval,
                reason=_("您获准的调阅方式不含下载，或该记录不允许下载。"),
            )
        ledger_append(
            actor=actor, action="recording.access_refused", obj=recording, details=details
        )
        return decision
    ledger_append(actor=actor, action=_ACCESS_ACTIONS[mode], obj=recording, details=details)
    if decision.basis != "team":
        _check_alerts(actor, recording)
    return decision


def _office_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    working, _provisional = day_status(local.date())
    start, end = setting("SANXIANG_EVIDENCE_OFFICE_START"), setting("SANXIANG_EVIDENCE_OFFICE_END")
    return working and start <= local.hour < end


def _raise_alert(actor: Staff, recording: Recording, kind: str, detail: str) -> None:
    since = timezone.now() - datetime.timedelta(hours=1)
    if AccessAlert.objects.filter(actor=actor, kind=kind, created_at__gte=since).exists():
        return
    alert = AccessAlert.objects.create(
        agency=recording.agency, actor=actor, kind=kind, recording=recording, detail=detail
    )
    ledger_append(
        actor=actor,
        action="evidence.alert",
        obj=alert,
        details={"kind": kind, "recording_id": recording.pk},
    )


@in_legal_language  # the alert's text is stored once and shown to every custodian
def _check_alerts(actor: Staff, recording: Recording) -> None:
    now = timezone.now()
    if not _office_hours(now):
        _raise_alert(
            actor,
            recording,
            AlertKind.OFF_HOURS,
            _("%(who)s 于 %(t)s（非工作时间）调阅 %(n)s。")
            % {
                "who": actor,
                "t": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                "n": recording.number,
            },
        )
    threshold = setting("SANXIANG_EVIDENCE_BULK_THRESHOLD")
    distinct = (
        LedgerEntry.objects.filter(
            actor_id=actor.pk,
            action__in=list(_ACCESS_ACTIONS.values()),
            object_type="evidence.recording",
            recorded_at__gte=now - datetime.timedelta(hours=1),
        )
        .values("object_id")
        .distinct()
        .count()
    )
    if distinct > threshold:
        _raise_alert(
            actor,
            recording,
            AlertKind.BULK,
            _("%(who)s 在一小时内调阅了 %(n)s 份音像记录（阈值 %(t)s）。")
            % {"who": actor, "n": distinct, "t": threshold},
        )


@transaction.atomic
def alert_acknowledge(*, actor: Staff, alert: AccessAlert, note: str) -> AccessAlert:
    require_role(actor, CUSTODY_ROLES, _("处理调阅告警"))
    require_scope(actor, alert.agency)
    alert = AccessAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationError({"note": [_("该告警已处理。")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写处理意见。")]})
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.acknowledgement = note.strip()[:300]
    alert.save()
    ledger_append(actor=actor, action="evidence.alert.acknowledge", obj=alert)
    return alert
