"""From receipt to acceptance: submission, the one-time correction notice, acceptance, refusal
and acceptance by operation of law (行政许可法 arts. 29–33)."""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, PowerCategory, PowerItem
from sanxiang.catalog.selectors import applicable_version
from sanxiang.core.blobstore import blob_put
from sanxiang.core.permissions import is_superuser, require_scope
from sanxiang.inspections.paperwork import cn_date, remedies_text
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .. import rules, workflow
from ..models import Application, ApplicationMaterial
from ..workflow import ApplicationStatus
from .common import (
    MATERIAL_MAX,
    MATERIAL_TYPES,
    action_date,
    add_step,
    clean_text,
    issue,
    lock,
    require_row,
)

OTHER_MATERIAL = "其他材料"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8


@dataclass(frozen=True)
class Material:
    """One file handed in: which required material it is, its file name and its bytes."""

    name: str
    file_name: str
    data: bytes


def licensing_items(*, agency: Agency, on: datetime.date | None = None) -> list[PowerItem]:
    """The licensing items of the power list governing ``agency`` that carry their periods."""
    version = applicable_version(agency=agency, kind=CatalogKind.POWER_LIST, on=on)
    if version is None:
        return []
    return [
        item
        for item in version.power_items.filter(category=PowerCategory.LICENSING)
        if item.acceptance_days and item.decision_days and item.issue_days
    ]


def handling_agency(mine: CoalMine, item: PowerItem) -> Agency:
    """The agency that decides: the nearest one at or above the mine's supervising agency whose
    level the power list names for the item."""
    agency = mine.supervising_agency
    while agency is not None:
        if not item.responsible_levels or agency.level in item.responsible_levels:
            return agency
        agency = agency.parent
    return mine.supervising_agency


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _check_materials(materials: list[Material], item: PowerItem, field: str) -> None:
    allowed = set(item.material_list) | {OTHER_MATERIAL}
    errors: list[str] = []
    if not materials:
        errors.append(_("请至少提交一份申请材料。"))
    for material in materials:
        extension = os.path.splitext(material.file_name or "")[1].lower()
        if material.name not in allowed:
            errors.append(_("“%(name)s”不是该事项的申请材料。") % {"name": material.name[:50]})
        elif not material.data:
            errors.append(_("“%(name)s”是空文件。") % {"name": material.name})
        elif len(material.data) > MATERIAL_MAX:
            errors.append(_("“%(name)s”超过20 MB。") % {"name": material.name})
        elif extension not in MATERIAL_TYPES:
            errors.append(
                _("“%(name)s”的文件类型不受支持，请提交PDF、OFD、图片或Office文件。")
                % {"name": material.name}
            )
    if errors:
        raise ValidationError({field: errors})


def _store(application: Application, materials: list[Material], *, correction: bool) -> list:
    rows = []
    for material in materials:
        blob = blob_put(material.data)
        rows.append(
            ApplicationMaterial.objects.create(
                application=application,
                name=material.name,
                file_name=os.path.basename(material.file_name)[:200],
                path=blob.path,
                sha256=blob.sha256,
                sm3=blob.sm3,
                size=len(material.data),
                correction=correction,
            )
        )
    return rows


def _submitter(
    mine: CoalMine, submitted_by: Any, registered_by: Staff | None
) -> tuple[str, str, str]:
    """(type, id, name) of whoever brings the application in; checks they may."""
    if registered_by is not None:
        if not (is_superuser(registered_by) or registered_by.has_role(Role.OFFICER, Role.HEAD)):
            raise PermissionDenied(_("您没有代为登记行政许可申请的权限。"))
        require_scope(registered_by, mine.supervising_agency)
    if submitted_by is not None:
        owner = getattr(submitted_by, "mine_id", None)
        if owner != mine.pk:
            raise PermissionDenied(_("只能以本煤矿的名义提出申请。"))
        name = getattr(submitted_by, "display_name", "") or str(submitted_by)
        return object_type_of(submitted_by), str(submitted_by.pk), name[:100]
    if registered_by is None:
        raise PermissionDenied(_("申请须由煤矿账户提交，或由工作人员代为登记。"))
    return "", "", ""


@transaction.atomic
def submit_application(
    *,
    mine: CoalMine,
    item: PowerItem,
    materials: list[Material],
    request: str = "",
    contact: str = "",
    submitted_by: Any = None,
    registered_by: Staff | None = None,
    received_on: datetime.date | None = None,
) -> Application:
    """GS-MID-3: a mine's licensing application, online (``submitted_by`` its enterprise account)
    or on paper registered by staff (``registered_by``, who may give the day the paper arrived).

    Starts the acceptance clock (行政许可法 art. 32). The returned application carries the query
    code in clear once, as ``application.query_code``; only its hash is stored."""
    sub_type, sub_id, sub_name = _submitter(mine, submitted_by, registered_by)
    errors: dict[str, list[str]] = {}
    agency = handling_agency(mine, item)
    if item.category != PowerCategory.LICENSING or item not in licensing_items(agency=agency):
        errors["item"] = [_("该事项不是本机关可网上办理的行政许可事项。")]
    try:
        request = clean_text(request, "request", required=False, label=_("申请内容")) or (
            _("申请办理%(item)s。") % {"item": item.name}
        )
        contact = clean_text(contact, "contact", required=False, label=_("联系方式"), limit=100)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    if registered_by is None:
        received_on = today
    received_on = action_date(
        received_on, earliest=today - datetime.timedelta(days=365), field="received_on"
    )
    _check_materials(materials, item, "materials")
    due = rules.acceptance_due(received_on, item.acceptance_days)
    code = new_query_code()
    application = Application(
        agency=agency,
        mine=mine,
        item=item,
        item_name=item.name,
        request=request,
        contact=contact,
        query_code_hash=make_password(code),
        submitted_by_type=sub_type,
        submitted_by_id=sub_id,
        submitted_by_name=sub_name,
        registered_by=registered_by,
        received_on=received_on,
        acceptance_days=item.acceptance_days,
        decision_days=item.decision_days,
        extension_days=item.extension_days or 0,
        issue_days=item.issue_days,
        period_basis=item.period_basis,
        acceptance_due=due.date,
        acceptance_due_provisional=due.provisional,
    )
    for _attempt in range(5):
        application.number = f"XK{received_on:%Y%m%d}{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                application.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - a million numbers a day
        raise ValidationError({"number": [_("申请编号分配失败，请重试。")]})
    _store(application, materials, correction=False)
    add_step(
        application,
        "submit",
        _("提交申请") if registered_by is None else _("窗口登记纸质申请"),
        received_on,
        actor=registered_by,
        note=_("提交材料%(n)d份。") % {"n": len(materials)},
        next_label=_("受理、不予受理或一次性告知补正"),
        next_due=due.date,
    )
    ledger_append(
        actor=registered_by,
        action="licensing.application.submit",
        obj=application,
        details={
            "number": application.number,
            "item": item.code,
            "received_on": received_on,
            "acceptance_due": due.date,
            "submitted_by": f"{sub_type}:{sub_id}" if sub_type else "",
        },
    )
    application.query_code = code
    return application


def _within_acceptance(application: Application, on: datetime.date) -> None:
    if on > application.acceptance_due:
        raise ValidationError(
            {
                "on": [
                    _(
                        "受理期限已于%(day)s届满，依照行政许可法第三十二条，该申请自收到申请材料之日起"
                        "即为受理，不能再告知补正或不予受理。"
                    )
                    % {"day": cn_date(application.acceptance_due)}
                ]
            }
        )


@transaction.atomic
def correction_notice(
    *,
    actor: Staff,
    application: Application,
    missing: list[str],
    note: str = "",
    on: datetime.date | None = None,
) -> Application:
    """行政许可法 art. 32 (4): one notice naming everything to be completed, within the
    acceptance period."""
    application = lock(application)
    require_row(actor, application, "correction_notice")
    on = action_date(on, earliest=rules.acceptance_clock_start(application))
    _within_acceptance(application, on)
    missing = [m.strip() for m in missing if m and m.strip()]
    if not missing:
        raise ValidationError({"missing": [_("请列明需要补正的全部材料。")]})
    note = clean_text(note, "note", required=False, label=_("补正说明"))
    lines = "；".join(missing)
    document = issue(
        actor=actor,
        application=application,
        type_code="licensing_correction",
        sections=[
            {
                "paragraphs": [
                    _(
                        "你单位于%(day)s提出的%(item)s申请，经审查，申请材料不齐全或者不符合法定"
                        "形式。依照《中华人民共和国行政许可法》第三十二条第一款第（四）项，现一次性"
                        "告知需要补正的全部内容如下："
                    )
                    % {"day": cn_date(application.received_on), "item": application.item_name},
                    lines + "。",
                    *([note] if note else []),
                    _("请补正全部材料后重新提交。本机关自收到补正材料之日起重新计算受理期限。"),
                ]
            }
        ],
    )
    application.status = ApplicationStatus.CORRECTION
    application.save()
    add_step(
        application,
        "correction_notice",
        _("一次性告知补正"),
        on,
        actor=actor,
        note=_("需补正：%(list)s") % {"list": lines},
        document=document,
        next_label=_("申请人补正材料"),
    )
    ledger_append(
        actor=actor,
        action="licensing.application.correction_notice",
        obj=application,
        details={"on": on, "missing": missing, "document": document.number.text},
    )
    return application


@transaction.atomic
def correction_complete(
    *,
    application: Application,
    materials: list[Material],
    submitted_by: Any = None,
    registered_by: Staff | None = None,
    on: datetime.date | None = None,
) -> Application:
    """The applicant hands in what the notice asked for; the acceptance clock starts again."""
    application = lock(application)
    require_row(registered_by, application, "correction_complete")
    _submitter(application.mine, submitted_by, registered_by)
    if registered_by is None:
        on = None
    on = action_date(on, earliest=application.received_on)
    _check_materials(materials, application.item, "materials")
    _store(application, materials, correction=True)
    due = rules.acceptance_due(on, application.acceptance_days)
    application.status = ApplicationStatus.SUBMITTED
    application.complete_on = on
    application.acceptance_due = due.date
    application.acceptance_due_provisional = due.provisional
    application.save()
    add_step(
        application,
        "correction_complete",
        _("申请人补正材料"),
        on,
        actor=registered_by,
        note=_("补正材料%(n)d份。") % {"n": len(materials)},
        next_label=_("受理或不予受理"),
        next_due=due.date,
    )
    ledger_append(
        actor=registered_by,
        action="licensing.application.correction_complete",
        obj=application,
        details={"on": on, "acceptance_due": due.date},
    )
    return application


def _start_review(application: Application, accepted_on: datetime.date) -> datetime.date:
    application.status = ApplicationStatus.REVIEWING
    application.accepted_on = accepted_on
    due = rules.decision_due(accepted_on, application.decision_days)
    application.decision_due, application.decision_due_provisional = due.date, due.provisional
    return application.decision_due


@transaction.atomic
def accept(
    *, actor: Staff, application: Application, on: datetime.date | None = None
) -> Application:
    """行政许可法 art. 32 (5): accept complete materials with a dated, stamped notice; the
    decision clock starts."""
    application = lock(application)
    require_row(actor, application, "accept")
    on = action_date(on, earliest=rules.acceptance_clock_start(application))
    _within_acceptance(application, on)
    due = _start_review(application, on)
    document = issue(
        actor=actor,
        application=application,
        type_code="licensing_acceptance",
        sections=[
            {
                "paragraphs": [
                    _("你单位提出的%(item)s申请，申请材料齐全、符合法定形式，本机关决定予以受理。")
                    % {"item": application.item_name},
                    _(
                        "本机关将在%(days)d个工作日内（%(basis)s）作出行政许可决定，即不迟于"
                        "%(due)s；依法需要听证、专家评审的，所需时间不计算在上述期限内。"
                    )
                    % {
                        "days": application.decision_days,
                        "basis": application.period_basis or _("行政许可法第四十二条"),
                        "due": cn_date(due),
                    },
                ]
            }
        ],
    )
    application.save()
    add_step(
        application,
        "accept",
        _("受理"),
        on,
        actor=actor,
        document=document,
        next_label=_("作出行政许可决定"),
        next_due=due,
    )
    ledger_append(
        actor=actor,
        action="licensing.application.accept",
        obj=application,
        details={"on": on, "decision_due": due, "document": document.number.text},
    )
    return application


@transaction.atomic
def deem_accepted(*, application: Application, today: datetime.date | None = None) -> Application:
    """行政许可法 art. 32: no decision and no notice by the end of the acceptance period — the
    application counts as accepted on the day the (completed) materials were received."""
    application = lock(application)
    require_row(None, application, "deem_accepted")
    today = today or timezone.localdate()
    if today <= application.acceptance_due:
        raise ValidationError({"status": [_("受理期限尚未届满。")]})
    accepted_on = rules.acceptance_clock_start(application)
    due = _start_review(application, accepted_on)
    application.deemed_accepted = True
    application.save()
    add_step(
        application,
        "deem_accepted",
        _("逾期视为受理"),
        accepted_on,
        note=_(
            "受理期限（%(end)s）届满未作出受理决定或告知补正，依照行政许可法第三十二条，"
            "自收到申请材料之日起即为受理。"
        )
        % {"end": cn_date(application.acceptance_due)},
        next_label=_("作出行政许可决定"),
        next_due=due,
    )
    ledger_append(
        actor=None,
        action="licensing.application.deem_accepted",
        obj=application,
        details={"accepted_on": accepted_on, "decision_due": due},
    )
    return application


def applications_deem_accepted(*, today: datetime.date | None = None) -> list[Application]:
    """The daily sweep: every application whose acceptance period ran out untouched."""
    today = today or timezone.localdate()
    late = Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, acceptance_due__lt=today
    ).values_list("pk", flat=True)
    return [deem_accepted(application=Application(pk=pk), today=today) for pk in list(late)]


@transaction.atomic
def reject(
    *, actor: Staff, application: Application, reasons: str, on: datetime.date | None = None
) -> Application:
    """行政许可法 art. 32 (1)/(2), art. 38: refuse to accept, in writing with reasons and the
    applicant's remedies."""
    application = lock(application)
    require_row(actor, application, "reject")
    on = action_date(on, earliest=rules.acceptance_clock_start(application))
    _within_acceptance(application, on)
    reasons = clean_text(reasons, "reasons", required=True, label=_("不予受理的理由"))
    document = issue(
        actor=actor,
        application=application,
        type_code="licensing_rejection",
        sections=[
            {
                "paragraphs": [
                    _("你单位提出的%(item)s申请，经审查，本机关决定不予受理。理由如下：")
                    % {"item": application.item_name},
                    reasons,
                ]
            }
        ],
        remedies=_("如不服本决定，") + remedies_text(agency=application.agency),
    )
    application.status = ApplicationStatus.REJECTED
    application.reasons = reasons
    application.save()
    add_step(application, "reject", _("不予受理"), on, actor=actor, note=reasons, document=document)
    ledger_append(
        actor=actor,
        action="licensing.application.reject",
        obj=application,
        details={"on": on, "document": document.number.text},
    )
    return application


STEP_LABELS = {row.action: row.label for row in workflow.TRANSITIONS}
