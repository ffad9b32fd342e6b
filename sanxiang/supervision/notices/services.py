"""Writes of 督办 and 问责 (BZ-1, BZ-5): a head issues a notice on a record of his agency or one
below, the unit replies with what it did, the issuer closes it or sends it back; accountability
records name a measure of the catalog and the facts (ADR 0166)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import catalogs
from ..models_notices import AccountabilityRecord, NoticeStatus, SupervisionNotice
from . import targets

TEXT_MAX = 2000
MAX_DAYS_AHEAD = 366
REPLY_ROLES = (Role.HEAD, Role.OFFICER, Role.LEGAL_REVIEWER)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _require_head(actor: Staff, doing: str) -> None:
    if not (is_superuser(actor) or actor.has_role(Role.HEAD)):
        raise PermissionDenied(_("只有单位负责人可以%(d)s。") % {"d": doing})


def _long_text(value: Any, field: str, missing: str, errors: dict) -> str:
    text = _text(value)
    if not text:
        errors[field] = [missing]
    elif len(text) > TEXT_MAX:
        errors[field] = [_("内容过长，最多%(n)s个字符。") % {"n": TEXT_MAX}]
    return text


@transaction.atomic
def notice_issue(
    *, actor: Staff, target: str, requirement: str, due_on: datetime.date | None
) -> SupervisionNotice:
    """BZ-1: a head (of the unit or of an agency above it) tells the unit to act by ``due_on``
    on a record picked from what he sees (``type:id``)."""
    _require_head(actor, _("督办"))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    picked = targets.resolve(actor, target, today)
    if picked is None:
        errors["target"] = [_("请从列表中选择督办事项。")]
    text = _long_text(requirement, "requirement", _("请写明督办要求。"), errors)
    if due_on is None:
        errors["due_on"] = [_("请填写办理期限。")]
    elif due_on < today:
        errors["due_on"] = [_("办理期限不能早于今天。")]
    elif due_on > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors["due_on"] = [_("办理期限不能超过一年。")]
    if errors:
        raise ValidationError(errors)
    issuing = actor.agency if actor.agency is not None else picked.agency
    notice = SupervisionNotice(
        agency=picked.agency,
        issuing_agency=issuing,
        target_type=picked.object_type,
        target_id=str(picked.row.pk),
        target_label=picked.label,
        requirement=text,
        due_on=due_on,
        issued_by=actor,
    )
    clean_and_save(notice)
    ledger_append(actor=actor, action="notice.issue", obj=notice)
    return notice


def _locked(notice: SupervisionNotice) -> SupervisionNotice:
    return SupervisionNotice.objects.select_for_update().get(pk=notice.pk)


def may_reply(actor: Staff, notice: SupervisionNotice) -> bool:
    return (
        notice.status == NoticeStatus.OPEN
        and actor.agency_id == notice.agency_id
        and actor.has_role(*REPLY_ROLES)
    )


def may_close(actor: Staff, notice: SupervisionNotice) -> bool:
    return (
        notice.status == NoticeStatus.REPLIED
        and (is_superuser(actor) or actor.has_role(Role.HEAD))
        and in_scope(actor, notice.issuing_agency)
    )


@transaction.atomic
def notice_reply(*, actor: Staff, notice: SupervisionNotice, reply: str) -> SupervisionNotice:
    """The unit says what it did; the reply's date decides whether it was on time."""
    notice = _locked(notice)
    if actor.agency_id != notice.agency_id or not actor.has_role(*REPLY_ROLES):
        raise PermissionDenied(_("只有承办单位的人员可以回复督办。"))
    if notice.status != NoticeStatus.OPEN:
        raise ValidationError({"status": [_("该督办已回复或已办结。")]})
    errors: dict[str, list[str]] = {}
    text = _long_text(reply, "reply", _("请写明办理情况。"), errors)
    if errors:
        raise ValidationError(errors)
    notice.reply, notice.replied_by = text, actor
    notice.replied_on = timezone.localdate()
    notice.status = NoticeStatus.REPLIED
    notice.save()
    ledger_append(
        actor=actor,
        action="notice.reply",
        obj=notice,
        details={"on_time": notice.answered_on_time},
    )
    return notice


@transaction.atomic
def notice_close(
    *, actor: Staff, notice: SupervisionNotice, accept: bool, note: str = ""
) -> SupervisionNotice:
    """The issuer's head closes the notice on the reply, or sends it back open with a reason."""
    notice = _locked(notice)
    if not (
        (is_superuser(actor) or actor.has_role(Role.HEAD))
        and in_scope(actor, notice.issuing_agency)
    ):
        raise PermissionDenied(_("只有督办单位的负责人可以办结督办。"))
    if notice.status != NoticeStatus.REPLIED:
        raise ValidationError({"status": [_("承办单位回复后才能办结。")]})
    note = _text(note)
    if len(note) > 300:
        raise ValidationError({"note": [_("意见最多300个字符。")]})
    if not accept and not note:
        raise ValidationError({"note": [_("退回重办须说明理由。")]})
    notice.close_note = note
    if accept:
        notice.status, notice.closed_by, notice.closed_on = (
            NoticeStatus.CLOSED,
            actor,
            timezone.localdate(),
        )
    else:
        notice.status = NoticeStatus.OPEN
    notice.save()
    ledger_append(
        actor=actor,
        action="notice.close" if accept else "notice.return",
        obj=notice,
        details={"note": note},
    )
    return notice


@transaction.atomic
def accountability_record(
    *,
    actor: Staff,
    kind: str,
    facts: str,
    decided_on: datetime.date | None,
    notice: SupervisionNotice | None = None,
    target: str = "",
    person: Staff | None = None,
) -> AccountabilityRecord:
    """BZ-5: a criticism or accountability measure (catalog) on a unit or a person, linked to
    the facts — a 督办 notice or a record picked like a notice's."""
    _require_head(actor, _("登记问责"))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    entry = catalogs.accountability_kind(str(kind or ""))
    if entry is None:
        errors["kind"] = [_("请从目录中选择问责方式。")]
    text = _long_text(facts, "facts", _("请写明事实和理由。"), errors)
    if decided_on is None:
        errors["decided_on"] = [_("请填写决定日期。")]
    elif decided_on > today:
        errors["decided_on"] = [_("决定日期不能晚于今天。")]
    agency = None
    picked = None
    if notice is not None:
        if not in_scope(actor, notice.agency):
            errors["notice"] = [_("请从列表中选择督办。")]
        agency = notice.agency
    elif _text(target):
        picked = targets.resolve(actor, target, today)
        if picked is None:
            errors["target"] = [_("请从列表中选择所涉事项。")]
        else:
            agency = picked.agency
    else:
        errors["notice"] = [_("请选择所涉的督办或事项，问责须有事实依据。")]
    if person is not None:
        if not in_scope(actor, person.agency):
            errors["person"] = [_("请从列表中选择被问责人员。")]
        elif agency is not None and not person.agency.path.startswith(agency.path):
            errors["person"] = [_("被问责人员不属于所涉单位。")]
    if errors:
        raise ValidationError(errors)
    record = AccountabilityRecord(
        agency=agency,
        person=person,
        kind=entry["code"],
        kind_label=entry["label"],
        facts=text,
        notice=notice,
        target_type=picked.object_type if picked else "",
        target_id=str(picked.row.pk) if picked else "",
        target_label=picked.label if picked else "",
        decided_on=decided_on,
        recorded_by=actor,
    )
    clean_and_save(record)
    ledger_append(actor=actor, action="accountability.record", obj=record)
    return record
