"""From acceptance to the licence: the paused clock of a hearing or expert review, the head's
extension, the decision (published at once), and the licence with its later changes
(行政许可法 arts. 42–50)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.permissions import is_superuser, require_role, require_scope
from sanxiang.inspections.paperwork import cn_date, remedies_text
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import rules, workflow
from ..models import Application, Licence, LicenceChange
from ..workflow import ApplicationStatus, LicenceStatus, Outcome, PauseKind
from .common import action_date, add_step, clean_text, issue, lock, require_row


def _recompute(application: Application) -> datetime.date:
    due = rules.decision_due_of(application)
    application.decision_due, application.decision_due_provisional = due.date, due.provisional
    return application.decision_due


@transaction.atomic
def pause(
    *,
    actor: Staff,
    application: Application,
    kind: str,
    note: str = "",
    on: datetime.date | None = None,
) -> Application:
    """行政许可法 art. 45: a hearing, expert review or test begins; its time is not counted."""
    application = lock(application)
    require_row(actor, application, "pause")
    if kind not in PauseKind.values:
        raise ValidationError({"kind": [_("请选择暂停计时的事由。")]})
    on = action_date(on, earliest=application.accepted_on)
    note = clean_text(note, "note", required=False, label=_("说明"))
    application.status = ApplicationStatus.PAUSED
    application.paused_on = on
    application.pause_kind = kind
    application.save()
    add_step(
        application,
        "pause",
        _("%(kind)s（期间不计入许可期限）") % {"kind": PauseKind(kind).label},
        on,
        actor=actor,
        note=note,
        next_label=_("%(kind)s结束后恢复计时") % {"kind": PauseKind(kind).label},
    )
    ledger_append(
        actor=actor,
        action="licensing.application.pause",
        obj=application,
        details={"on": on, "kind": kind},
    )
    return application


@transaction.atomic
def resume(
    *, actor: Staff, application: Application, on: datetime.date | None = None
) -> Application:
    """The hearing or review is over: the working days it took move the decision due date."""
    application = lock(application)
    require_row(actor, application, "resume")
    on = action_date(on, earliest=application.paused_on)
    days = rules.paused_working_days(application.paused_on, on)
    application.paused_days += days
    application.status = ApplicationStatus.REVIEWING
    label = PauseKind(application.pause_kind).label if application.pause_kind else ""
    application.paused_on, application.pause_kind = None, ""
    due = _recompute(application)
    application.save()
    add_step(
        application,
        "resume",
        _("%(kind)s结束，恢复计时") % {"kind": label},
        on,
        actor=actor,
        note=_("不计入许可期限的工作日：%(n)d日。") % {"n": days},
        next_label=_("作出行政许可决定"),
        next_due=due,
    )
    ledger_append(
        actor=actor,
        action="licensing.application.resume",
        obj=application,
        details={"on": on, "paused_days": days, "decision_due": due},
    )
    return application


@transaction.atomic
def extend(
    *, actor: Staff, application: Application, reason: str, on: datetime.date | None = None
) -> Application:
    """行政许可法 art. 42: once, with the head's approval, by the item's extension period; the
    reason is told to the applicant (shown on the progress page)."""
    application = lock(application)
    require_row(actor, application, "extend")
    if application.extended:
        raise ValidationError({"reason": [_("决定期限只能延长一次。")]})
    if not application.extension_days:
        raise ValidationError({"reason": [_("该许可事项的期限规定不允许延长。")]})
    on = action_date(on, earliest=application.accepted_on)
    if on > application.decision_due:
        raise ValidationError({"on": [_("决定期限已届满，不能再延长。")]})
    reason = clean_text(reason, "reason", required=True, label=_("延长理由"))
    application.extended = True
    application.extension_reason = reason
    due = _recompute(application)
    application.save()
    add_step(
        application,
        "extend",
        _("经负责人批准延长%(n)d个工作日") % {"n": application.extension_days},
        on,
        actor=actor,
        note=reason,
        next_label=_("作出行政许可决定"),
        next_due=due,
    )
    ledger_append(
        actor=actor,
        action="licensing.application.extend",
        obj=application,
        details={"on": on, "days": application.extension_days, "decision_due": due},
    )
    return application


def _decide(
    actor: Staff,
    application: Application,
    action: str,
    on: datetime.date | None,
    reasons: str,
) -> tuple[Application, datetime.date, bool]:
    application = lock(application)
    require_row(actor, application, action)
    on = action_date(on, earliest=application.accepted_on)
    late = on > application.decision_due
    application.decided_on = on
    application.reasons = reasons
    return application, on, late


@transaction.atomic
def grant(
    *,
    actor: Staff,
    application: Application,
    scope: str,
    valid_to: datetime.date,
    on: datetime.date | None = None,
) -> Application:
    """GS-POST-1 / 行政许可法 arts. 38, 44: the head grants in writing; the licence is due within
    the item's issue period and the decision's publication is drafted at once (7 working days)."""
    from sanxiang.publicity.services import publication_draft_for_licensing

    scope = clean_text(scope, "scope", required=True, label=_("许可内容"))
    if not isinstance(valid_to, datetime.date):
        raise ValidationError({"valid_to": [_("请填写许可有效期。")]})
    application, on, late = _decide(actor, application, "grant", on, scope)
    if valid_to <= on:
        raise ValidationError({"valid_to": [_("有效期应晚于决定日期。")]})
    application.outcome = Outcome.GRANT
    application.status = ApplicationStatus.GRANTED
    licence_due = rules.licence_due(on, application.issue_days)
    application.licence_due = licence_due.date
    application.licence_due_provisional = licence_due.provisional
    application.valid_to = valid_to
    document = issue(
        actor=actor,
        application=application,
        type_code="licensing_grant",
        sections=[
            {
                "paragraphs": [
                    _(
                        "你单位于%(day)s提出的%(item)s申请，本机关已于%(acc)s受理。经审查，"
                        "申请符合法定条件、标准，依照《中华人民共和国行政许可法》第三十八条第一款，"
                        "决定准予行政许可。"
                    )
                    % {
                        "day": cn_date(application.received_on),
                        "item": application.item_name,
                        "acc": cn_date(application.accepted_on),
                    },
                    _("许可内容：%(s)s") % {"s": scope},
                    _("有效期：自%(a)s至%(b)s。") % {"a": cn_date(on), "b": cn_date(valid_to)},
                    _("本机关将自本决定作出之日起%(n)d个工作日内颁发许可证件。")
                    % {"n": application.issue_days},
                ]
            }
        ],
    )
    application.save()
    add_step(
        application,
        "grant",
        _("决定准予行政许可"),
        on,
        actor=actor,
        document=document,
        next_label=_("颁发许可证"),
        next_due=application.licence_due,
    )
    ledger_append(
        actor=actor,
        action="licensing.application.grant",
        obj=application,
        details={"on": on, "late": late, "document": document.number.text},
    )
    publication_draft_for_licensing(application_id=application.pk, actor=actor)
    return application


@transaction.atomic
def deny(
    *, actor: Staff, application: Application, reasons: str, on: datetime.date | None = None
) -> Application:
    """行政许可法 art. 38 (2): a written refusal with reasons and the applicant's remedies."""
    reasons = clean_text(reasons, "reasons", required=True, label=_("不予许可的理由"))
    application, on, late = _decide(actor, application, "deny", on, reasons)
    application.outcome = Outcome.DENY
    application.status = ApplicationStatus.DENIED
    document = issue(
        actor=actor,
        application=application,
        type_code="licensing_denial",
        sections=[
            {
                "paragraphs": [
                    _("你单位提出的%(item)s申请，经审查，本机关决定不予行政许可。理由如下：")
                    % {"item": application.item_name},
                    reasons,
                ]
            }
        ],
        remedies=_("如不服本决定，") + remedies_text(agency=application.agency),
    )
    application.save()
    add_step(
        application, "deny", _("决定不予行政许可"), on, actor=actor, note=reasons, document=document
    )
    ledger_append(
        actor=actor,
        action="licensing.application.deny",
        obj=application,
        details={"on": on, "late": late, "document": document.number.text},
    )
    return application


def _registry_record(actor: Staff, licence: Licence, valid_until: datetime.date | None) -> None:
    from sanxiang.registry.services import mine_licence_record

    mine_licence_record(
        actor=actor, mine=licence.mine, number=licence.number, valid_until=valid_until
    )


@transaction.atomic
def licence_issue(
    *,
    actor: Staff,
    application: Application,
    number: str,
    on: datetime.date | None = None,
) -> Licence:
    """行政许可法 art. 44: the licence, within the item's issue period of the grant; its number and
    validity go to the mine's record in the registry."""
    application = lock(application)
    require_row(actor, application, "licence_issue")
    on = action_date(on, earliest=application.decided_on)
    number = clean_text(number, "number", required=True, label=_("许可证编号"), limit=50)
    if Licence.objects.filter(number=number).exists():
        raise ValidationError({"number": [_("该许可证编号已被使用。")]})
    licence = Licence.objects.create(
        number=number,
        application=application,
        agency=application.agency,
        mine=application.mine,
        item_name=application.item_name,
        scope=application.reasons,
        issued_on=on,
        valid_from=application.decided_on,
        valid_to=application.valid_to,
    )
    application.status = ApplicationStatus.LICENSED
    application.save()
    add_step(
        application,
        "licence_issue",
        _("颁发许可证"),
        on,
        actor=actor,
        note=_("许可证编号%(n)s，有效期至%(d)s。") % {"n": number, "d": cn_date(licence.valid_to)},
    )
    ledger_append(
        actor=actor,
        action="licensing.application.licence_issue",
        obj=application,
        details={"on": on, "late": on > application.licence_due, "licence": number},
    )
    ledger_append(actor=actor, action="licensing.licence.issue", obj=licence)
    _registry_record(actor, licence, licence.valid_to)
    return licence


@transaction.atomic
def licence_change(
    *,
    actor: Staff,
    licence: Licence,
    action: str,
    reason: str,
    valid_to: datetime.date | None = None,
    on: datetime.date | None = None,
) -> Licence:
    """A later step on a licence (变更、延续、暂扣、恢复、吊销或撤销); the registry follows."""
    roles = {Role.HEAD} if action in {"suspend", "revoke", "extend"} else {Role.OFFICER, Role.HEAD}
    require_role(actor, frozenset(roles), _("办理许可证变更"))
    licence = Licence.objects.select_for_update().select_related("mine").get(pk=licence.pk)
    require_scope(actor, licence.agency)
    if action not in workflow.LICENCE_ACTIONS:
        raise ValidationError({"action": [_("请选择办理事项。")]})
    label, status = workflow.LICENCE_ACTIONS[action]
    if licence.status == LicenceStatus.REVOKED:
        raise ValidationError({"action": [_("许可证已吊销或撤销。")]})
    if action == "restore" and licence.status != LicenceStatus.SUSPENDED:
        raise ValidationError({"action": [_("只有暂扣的许可证可以恢复。")]})
    on = action_date(on, earliest=licence.issued_on)
    reason = clean_text(reason, "reason", required=True, label=_("理由或内容"))
    if action == "extend":
        if valid_to is None or valid_to <= licence.valid_to:
            raise ValidationError({"valid_to": [_("延续后的有效期应晚于原有效期。")]})
        licence.valid_to = valid_to
    if action == "change":
        licence.scope = reason
    if status is not None:
        licence.status = status
    licence.save()
    LicenceChange.objects.create(
        licence=licence,
        action=action,
        label=str(label),
        on=on,
        reason=reason,
        valid_to=licence.valid_to,
        actor_name=actor.full_name or actor.username,
    )
    ledger_append(
        actor=actor,
        action=f"licensing.licence.{action}",
        obj=licence,
        details={"on": on, "status": licence.status, "valid_to": licence.valid_to},
    )
    in_force = licence.status == LicenceStatus.VALID
    _registry_record(actor, licence, licence.valid_to if in_force else on - datetime.timedelta(1))
    return licence


def may_decide(actor: Staff) -> bool:
    return is_superuser(actor) or actor.has_role(Role.HEAD)
