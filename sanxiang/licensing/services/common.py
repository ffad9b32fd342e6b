"""What the licensing services share: locking, the transition check, dates, steps, documents."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import is_superuser, require_scope
from sanxiang.documents.models import Document
from sanxiang.inspections.paperwork import cn_date, issue_document, party_lines
from sanxiang.org.models import Staff

from .. import workflow
from ..models import Application, ApplicationStep

MATERIAL_MAX = 20 * 1024 * 1024
MATERIAL_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".doc", ".docx", ".xls", ".xlsx"}
TEXT_MAX = 2000


def lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("agency", "mine", "item")
        .get(pk=application.pk)
    )


def require_row(actor: Any, application: Application, action: str) -> workflow.Transition:
    """The transition row of ``action`` from the application's state, and the actor's right to it."""
    row = workflow.transition(application.status, action)
    if row is None:
        raise ValidationError(
            {
                "status": [
                    _("申请当前为“%(state)s”，不能办理该环节。")
                    % {"state": application.get_status_display()}
                ]
            }
        )
    staff_roles = row.roles - {workflow.APPLICANT, workflow.SYSTEM}
    if staff_roles:
        if actor is None or not actor.is_authenticated or not actor.is_active:
            raise PermissionDenied(_("请先登录。"))
        if not (is_superuser(actor) or actor.has_role(*staff_roles)):
            raise PermissionDenied(_("您没有办理“%(step)s”的权限。") % {"step": row.label})
        require_scope(actor, application.agency)
    return row


def action_date(
    on: datetime.date | None, *, earliest: datetime.date, field: str = "on"
) -> datetime.date:
    """The date a step is taken: today unless given; never in the future, never before ``earliest``."""
    today = timezone.localdate()
    on = on or today
    if not isinstance(on, datetime.date):
        raise ValidationError({field: [_("请填写有效的日期。")]})
    if on > today:
        raise ValidationError({field: [_("日期不能晚于今天。")]})
    if on < earliest:
        raise ValidationError({field: [_("日期不能早于%(day)s。") % {"day": cn_date(earliest)}]})
    return on


def clean_text(value: Any, field: str, *, required: bool, label: str, limit: int = TEXT_MAX) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(what)s。") % {"what": label}]})
    if len(text) > limit:
        raise ValidationError(
            {field: [_("%(what)s过长，最多 %(n)s 个字符。") % {"what": label, "n": limit}]}
        )
    return text


def actor_name(actor: Any) -> str:
    if isinstance(actor, Staff):
        return actor.full_name or actor.username
    return ""


def add_step(
    application: Application,
    action: str,
    label: str,
    on: datetime.date,
    *,
    actor: Any = None,
    note: str = "",
    document: Document | None = None,
    next_label: str = "",
    next_due: datetime.date | None = None,
) -> ApplicationStep:
    return ApplicationStep.objects.create(
        application=application,
        action=action,
        label=str(label),
        status=application.status,
        on=on,
        note=note,
        actor_name=actor_name(actor),
        document=document,
        next_label=str(next_label),
        next_due=next_due,
    )


@in_legal_language
def issue(
    *,
    actor: Staff,
    application: Application,
    type_code: str,
    sections: list[dict[str, Any]],
    remedies: str = "",
) -> Document:
    """Issue one numbered licensing document of catalog type ``type_code`` for the application."""
    party = [
        *party_lines(mine=application.mine),
        {"label": _("申请事项"), "value": application.item_name},
        {"label": _("申请编号"), "value": application.number},
        {"label": _("收到申请材料日期"), "value": cn_date(application.received_on)},
    ]
    content = {"party": party, "sections": sections}
    if remedies:
        content["remedies"] = remedies
    return issue_document(
        actor=actor,
        agency=application.agency,
        type_code=type_code,
        content=content,
        subject=application,
    )
