"""Writes of 企业端 (ADR 0150): accounts, consent to electronic service, deliveries, reports.

Staff act through ``actor`` (a staff member, checked for role and agency scope here); a mine's
account acts through ``account`` (checked for being active and for its own mine here). A
mine's act is written to the ledger with no staff actor: the account is named in the details.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put, digests
from sanxiang.core.permissions import in_scope, require_role
from sanxiang.core.validation import clean_and_save
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.inspections.models import OnsiteMeasure
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .models import (
    AccountStatus,
    ElectronicDelivery,
    EnterpriseAccount,
    RectificationFile,
    RectificationReport,
    ServiceConsent,
)

#: Who manages a mine's accounts and its consent on file: the supervising agency's officers,
#: heads and administrators, within their scope.
STAFF_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.SYSTEM_ADMIN})
FILE_MAX = 20 * 1024 * 1024
FILES_PER_REPORT = 10
LOGIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def _text(value: Any) -> str:
    return str(value or "").strip()


def _require_staff(actor: Staff, mine: CoalMine, action: str) -> None:
    require_role(actor, STAFF_ROLES, action)
    if not in_scope(actor, mine.supervising_agency):
        raise PermissionDenied(_("该煤矿不在您所在机构的监管范围内。"))


def _require_account(account: EnterpriseAccount | None) -> EnterpriseAccount:
    if not isinstance(account, EnterpriseAccount) or account.status != AccountStatus.ACTIVE:
        raise PermissionDenied(_("请先登录企业账号。"))
    return account


def _account_details(account: EnterpriseAccount, **more: Any) -> dict[str, Any]:
    return {"enterprise_account": account.pk, "mine": account.mine_id, **more}


def _check_password(account: EnterpriseAccount, password: str, errors: dict) -> None:
    try:
        validate_password(password or "", user=account)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)


def _check_login(login: str, errors: dict) -> str:
    login = _text(login).lower()
    if not login:
        errors.setdefault("login", []).append(_("请填写登录名。"))
    elif len(login) < 3 or not set(login) <= LOGIN_CHARS:
        errors.setdefault("login", []).append(
            _("登录名应为3个以上的小写字母、数字、下划线、点或连字符。")
        )
    elif EnterpriseAccount.objects.filter(login__iexact=login).exists():
        errors.setdefault("login", []).append(_("该登录名已被使用。"))
    return login


def _new_account(
    *, mine: CoalMine, login: str, full_name: str, position: str, phone: str, password: str
) -> tuple[EnterpriseAccount, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    login = _check_login(login, errors)
    account = EnterpriseAccount(
        mine=mine,
        login=login,
        full_name=_text(full_name),
        position=_text(position),
        phone=_text(phone),
    )
    if not account.full_name:
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    _check_password(account, password, errors)
    account.set_password(password or "")
    return account, errors


@transaction.atomic
def account_create(
    *,
    actor: Staff,
    mine: CoalMine,
    login: str,
    full_name: str,
    password: str,
    position: str = "",
    phone: str = "",
) -> EnterpriseAccount:
    """The agency opens an account for a mine's staff member (active at once)."""
    _require_staff(actor, mine, _("开设企业账号"))
    account, errors = _new_account(
        mine=mine,
        login=login,
        full_name=full_name,
        position=position,
        phone=phone,
        password=password,
    )
    account.status = AccountStatus.ACTIVE
    account.created_by = actor
    account.verified_by = actor
    account.verified_at = timezone.now()
    clean_and_save(account, extra_errors=errors)
    ledger_append(
        actor=actor, action="enterprise_account.create", obj=account, details={"mine": mine.pk}
    )
    return account


@transaction.atomic
def account_register(
    *,
    credit_code: str,
    login: str,
    full_name: str,
    password: str,
    position: str = "",
    phone: str = "",
) -> EnterpriseAccount:
    """A mine's staff member registers himself; the account waits for the agency's check."""
    mine = CoalMine.objects.filter(credit_code=_text(credit_code).upper()).first()
    if mine is None:
        raise ValidationError({"credit_code": [_("未找到该统一社会信用代码对应的煤矿。")]})
    account, errors = _new_account(
        mine=mine,
        login=login,
        full_name=full_name,
        position=position,
        phone=phone,
        password=password,
    )
    account.self_registered = True
    clean_and_save(account, extra_errors=errors)
    ledger_append(
        actor=None,
        action="enterprise_account.register",
        obj=account,
        details=_account_details(account),
    )
    return account


@transaction.atomic
def account_verify(
    *, actor: Staff, account: EnterpriseAccount, approve: bool, note: str = ""
) -> EnterpriseAccount:
    """The agency checks a self-registration (the person works at the mine) and opens or refuses it."""
    account = EnterpriseAccount.objects.select_for_update().get(pk=account.pk)
    _require_staff(actor, account.mine, _("核验企业账号"))
    if account.status != AccountStatus.PENDING:
        raise ValidationError({"status": [_("该账号不在待核验状态。")]})
    if not approve and not _text(note):
        raise ValidationError({"note": [_("不予通过时请写明理由。")]})
    account.status = AccountStatus.ACTIVE if approve else AccountStatus.REFUSED
    account.verified_by, account.verified_at = actor, timezone.now()
    account.status_note = _text(note)[:200]
    account.save()
    ledger_append(
        actor=actor,
        action="enterprise_account.verify" if approve else "enterprise_account.refuse",
        obj=account,
        details={"mine": account.mine_id},
    )
    return account


@transaction.atomic
def account_disable(*, actor: Staff, account: EnterpriseAccount, note: str) -> EnterpriseAccount:
    """Stop an account (the person left the mine, the mine asked): its sessions end at once."""
    account = EnterpriseAccount.objects.select_for_update().get(pk=account.pk)
    _require_staff(actor, account.mine, _("停用企业账号"))
    if account.status == AccountStatus.DISABLED:
        raise ValidationError({"status": [_("该账号已停用。")]})
    if not _text(note):
        raise ValidationError({"note": [_("请写明停用理由。")]})
    account.status = AccountStatus.DISABLED
    account.status_note = _text(note)[:200]
    account.save()
    ledger_append(
        actor=actor,
        action="enterprise_account.disable",
        obj=account,
        details={"mine": account.mine_id},
    )
    return account


@transaction.atomic
def account_password_change(
    *, account: EnterpriseAccount, old_password: str, new_password: str
) -> EnterpriseAccount:
    account = _require_account(account)
    account = EnterpriseAccount.objects.select_for_update().get(pk=account.pk)
    errors: dict[str, list[str]] = {}
    if not account.check_password(old_password or ""):
        errors["old_password"] = [_("原密码不正确。")]
    _check_password(account, new_password, errors)
    if errors:
        if "password" in errors:
            errors["new_password"] = errors.pop("password")
        raise ValidationError(errors)
    account.set_password(new_password)
    account.save()
    ledger_append(
        actor=None,
        action="enterprise_account.password",
        obj=account,
        details=_account_details(account),
    )
    return account


# --- second factor (optional, TOTP as for staff: ADR 0071) ----------------------------------------


def totp_verify(account: EnterpriseAccount, code: str) -> bool:
    """A TOTP code of the account's device: ±1 step, never the same step twice (as django-otp)."""
    from django_otp.oath import TOTP

    code = _text(code).replace(" ", "")
    if not account.totp_key or not code.isdigit() or len(code) != 6:
        return False
    with transaction.atomic():
        row = EnterpriseAccount.objects.select_for_update().get(pk=account.pk)
        totp = TOTP(bytes.fromhex(row.totp_key))
        if not totp.verify(int(code), tolerance=1, min_t=row.totp_last_t + 1):
            return False
        EnterpriseAccount.objects.filter(pk=row.pk).update(totp_last_t=totp.t())
    return True


@transaction.atomic
def second_factor_enrol(*, account: EnterpriseAccount, key_hex: str, code: str) -> None:
    from sanxiang.org.second_factor import code_matches

    account = _require_account(account)
    if not code_matches(key_hex, code):
        raise ValidationError({"code": [_("动态口令不正确，请核对手机时间后重新输入。")]})
    account = EnterpriseAccount.objects.select_for_update().get(pk=account.pk)
    account.totp_key = key_hex
    account.save()
    ledger_append(
        actor=None,
        action="enterprise_account.second_factor",
        obj=account,
        details=_account_details(account),
    )


# --- consent to electronic service ---------------------------------------------------------------


def consent_in_force(mine: CoalMine) -> ServiceConsent | None:
    return ServiceConsent.objects.filter(mine=mine, withdrawn_on__isnull=True).first()


def _check_file(data: bytes | None, name: str, field: str, errors: dict) -> None:
    if data is None or not data:
        errors.setdefault(field, []).append(_("请上传文件（不能是空文件）。"))
    elif len(data) > FILE_MAX:
        errors.setdefault(field, []).append(_("文件不能超过20 MB。"))


@transaction.atomic
def consent_record(
    *,
    actor: Staff,
    mine: CoalMine,
    signed_on: datetime.date,
    signatory: str,
    file: bytes | None,
    file_name: str,
) -> ServiceConsent:
    """Record the mine's signed written consent to electronic service, with the scanned form."""
    _require_staff(actor, mine, _("登记电子送达同意书"))
    errors: dict[str, list[str]] = {}
    if consent_in_force(mine) is not None:
        errors["mine"] = [_("该煤矿已有有效的电子送达同意书，请先撤回后再登记新的。")]
    if signed_on is None or signed_on > timezone.localdate():
        errors["signed_on"] = [_("签署日期不能晚于今天。")]
    if not _text(signatory):
        errors["signatory"] = [_("请填写签署人。")]
    _check_file(file, file_name, "file", errors)
    if errors:
        raise ValidationError(errors)
    blob = blob_put(file)
    consent = ServiceConsent(
        mine=mine,
        signed_on=signed_on,
        signatory=_text(signatory),
        file_name=(_text(file_name) or _("同意书"))[:200],
        file_path=blob.path,
        file_sha256=blob.sha256,
        file_size=blob.size,
        recorded_by=actor,
    )
    clean_and_save(consent)
    ledger_append(
        actor=actor,
        action="service_consent.record",
        obj=consent,
        details={"mine": mine.pk, "file_sha256": blob.sha256},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: Staff, consent: ServiceConsent, withdrawn_on: datetime.date, note: str = ""
) -> ServiceConsent:
    """The mine withdrew its consent: no electronic service from now on."""
    consent = ServiceConsent.objects.select_for_update().get(pk=consent.pk)
    _require_staff(actor, consent.mine, _("撤回电子送达同意"))
    errors: dict[str, list[str]] = {}
    if consent.withdrawn_on is not None:
        errors["status"] = [_("该同意书已撤回。")]
    if withdrawn_on is None or not consent.signed_on <= withdrawn_on <= timezone.localdate():
        errors["withdrawn_on"] = [_("撤回日期应在签署之后、今天之前。")]
    if errors:
        raise ValidationError(errors)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_note = _text(note)[:200]
    consent.withdrawn_by = actor
    consent.save()
    ledger_append(
        actor=actor,
        action="service_consent.withdraw",
        obj=consent,
        details={"mine": consent.mine_id},
    )
    return consent


# --- electronic service ---------------------------------------------------------------------------


def document_mine(document: Document) -> CoalMine | None:
    """The mine a document is addressed to, from the object it was issued on (case, inspection…)."""
    if not document.subject_type or not document.subject_id:
        return None
    try:
        model = apps.get_model(document.subject_type)
        subject = model._base_manager.get(pk=document.subject_id)
    except (LookupError, ValueError, ObjectDoesNotExist):
        return None
    mine = getattr(subject, "mine", None)
    if mine is None and hasattr(subject, "inspection"):
        mine = getattr(subject.inspection, "mine", None)
    return mine if isinstance(mine, CoalMine) else None


def electronic_service_problem(*, mine: CoalMine | None) -> str | None:
    """Why a document cannot be served electronically on ``mine`` now (None: it can)."""
    if mine is None:
        return _("电子送达只适用于煤矿（单位）当事人。")
    if consent_in_force(mine) is None:
        return _("该煤矿没有有效的书面电子送达同意书，不能电子送达。")
    if not EnterpriseAccount.objects.filter(mine=mine, status=AccountStatus.ACTIVE).exists():
        return _("该煤矿没有已启用的企业账号，不能电子送达。")
    return None


def _receipt(document: Document, mine: CoalMine, consent: ServiceConsent, at) -> str:
    body = {
        "document": document.number.text if document.number else str(document.pk),
        "pdf_sha256": document.pdf_sha256,
        "pdf_sm3": document.pdf_sm3,
        "mine": mine.credit_code,
        "consent": consent.pk,
        "arrived_at": at,
    }
    return digests(canonical_json(body))[1]


@transaction.atomic
def delivery_send(*, actor: Staff, document: Document, mine: CoalMine) -> ElectronicDelivery:
    """Serve ``document`` on ``mine``'s accounts (电子送达): it is served on arrival, now.

    Only with the mine's written consent in force and an active account; only a document of
    the actor's scope issued on this mine's matter; each document once per mine.
    """
    _require_staff(actor, mine, _("电子送达"))
    document = Document.objects.restrict(actor).select_related("number").get(pk=document.pk)
    errors: dict[str, list[str]] = {}
    problem = electronic_service_problem(mine=mine)
    if problem:
        errors["mine"] = [problem]
    if document.status != DocumentStatus.ISSUED:
        errors.setdefault("document", []).append(_("已作废的文书不能送达。"))
    if document_mine(document) != mine:
        errors.setdefault("document", []).append(_("该文书不是向该煤矿作出的。"))
    if ElectronicDelivery.objects.filter(document=document, mine=mine).exists():
        errors.setdefault("document", []).append(_("该文书已向该煤矿电子送达。"))
    if errors:
        raise ValidationError(errors)
    consent = consent_in_force(mine)
    arrived_at = timezone.now()
    delivery = ElectronicDelivery(
        document=document,
        mine=mine,
        consent=consent,
        sent_by=actor,
        arrived_at=arrived_at,
        receipt_sm3=_receipt(document, mine, consent, arrived_at),
    )
    clean_and_save(delivery)
    ledger_append(
        actor=actor,
        action="delivery.arrive",
        obj=delivery,
        details={
            "document": document.number.text if document.number else document.pk,
            "mine": mine.pk,
            "consent": consent.pk,
            "arrived_at": arrived_at,
            "receipt_sm3": delivery.receipt_sm3,
        },
    )
    return delivery


@transaction.atomic
def delivery_open(
    *, account: EnterpriseAccount, delivery: ElectronicDelivery
) -> ElectronicDelivery:
    """Record the first opening by the mine (separate from the service, which was on arrival)."""
    account = _require_account(account)
    delivery = ElectronicDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.mine_id != account.mine_id:
        raise PermissionDenied(_("不是本企业的文书。"))
    if delivery.opened_at is not None:
        return delivery
    delivery.opened_at, delivery.opened_by = timezone.now(), account
    delivery.save(update_fields=["opened_at", "opened_by"])
    ledger_append(
        actor=None,
        action="delivery.open",
        obj=delivery,
        details=_account_details(account, opened_at=delivery.opened_at),
    )
    return delivery


# --- rectification reports ------------------------------------------------------------------------


def rectification_orders(mine: CoalMine):
    """The on-site measures with a time limit taken against ``mine`` (责令限期整改 and the like)."""
    return (
        OnsiteMeasure.objects.filter(inspection__mine=mine, due_on__isnull=False)
        .select_related("inspection", "finding", "document__number")
        .order_by("-due_on", "-pk")
    )


@transaction.atomic
def rectification_report_submit(
    *,
    account: EnterpriseAccount,
    measure: OnsiteMeasure,
    content: str,
    files: list[tuple[str, bytes]] | None = None,
) -> RectificationReport:
    """The mine reports how it rectified (整改报告), with evidence files; the officers see it."""
    account = _require_account(account)
    if not rectification_orders(account.mine).filter(pk=measure.pk).exists():
        raise PermissionDenied(_("不是本企业的整改指令。"))
    errors: dict[str, list[str]] = {}
    if not _text(content):
        errors["content"] = [_("请填写整改情况。")]
    elif len(_text(content)) > 5000:
        errors["content"] = [_("整改情况不能超过5000字。")]
    files = list(files or [])
    if len(files) > FILES_PER_REPORT:
        errors["files"] = [_("证明材料最多%(n)d个文件。") % {"n": FILES_PER_REPORT}]
    for name, data in files:
        _check_file(data, name, "files", errors)
    if measure.verification:
        errors.setdefault("measure", []).append(_("该整改指令已复查完毕，不再接收整改报告。"))
    if errors:
        raise ValidationError(errors)
    report = RectificationReport(measure=measure, account=account, content=_text(content))
    clean_and_save(report)
    for name, data in files:
        blob = blob_put(data)
        RectificationFile.objects.create(
            report=report,
            name=(_text(name) or _("证明材料"))[:200],
            path=blob.path,
            sha256=blob.sha256,
            size=blob.size,
        )
    ledger_append(
        actor=None,
        action="rectification_report.submit",
        obj=report,
        details=_account_details(account, measure=measure.pk, files=len(files)),
    )
    return report


# --- the mine reading its own documents ----------------------------------------------------------


def document_read_by_mine(*, account: EnterpriseAccount, document: Document):
    """One opening of a document addressed to the account's mine, logged with its ground
    (``document.view``, ground ``enterprise:<account>``: ADR 0065 ground 16, ADR 0150) through
    the documents app's one reading path. The caller found the document among the mine's own
    orders or served documents."""
    from sanxiang.documents.access import Grant
    from sanxiang.documents.reading import VIEW, record_read

    account = _require_account(account)
    if document_mine(document) != account.mine:
        raise PermissionDenied(_("不是本企业的文书。"))
    return record_read(
        actor=None,
        obj=document,
        grant=Grant(True, False, ground=f"enterprise:{account.pk}"),
        pdf_path=document.pdf_path,
        mode=VIEW,
        actions={VIEW: "document.view", "download": "document.download"},
        refused_action="document.access_refused",
        channel_detail=_account_details(account),
    )
