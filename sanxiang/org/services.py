"""Writes to the organisation: agencies, staff and roles, certificates, legal advisers.

Each function is one transaction that checks permission and scope, validates every
field, saves, and records the event in the ledger.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.audit import current as current_audit
from sanxiang.core.identifiers import validate_credit_code
from sanxiang.core.permissions import is_superuser, require_role, require_scope
from sanxiang.core.validation import apply_changes, clean_and_save
from sanxiang.ledger.services import ledger_append

from .models import (
    Agency,
    AgencyLevel,
    Certificate,
    CertificateStatus,
    LegalAdviser,
    Staff,
    StaffRole,
)
from .roles import ORG_ADMIN_ROLES, Role


def _privileges():
    from . import privileges  # privileges imports this module's models only

    return privileges


AGENCY_FIELDS = (
    "name",
    "short_name",
    "level",
    "credit_code",
    "enforcement_scope",
    "division_code",
    "address",
    "phone",
    "is_active",
)
_LEVEL_BELOW = {
    AgencyLevel.NATIONAL: None,
    AgencyLevel.PROVINCIAL: AgencyLevel.NATIONAL,
    AgencyLevel.SUB_BUREAU: AgencyLevel.PROVINCIAL,
}


def _hierarchy_errors(level: str, parent: Agency | None) -> dict[str, list[str]]:
    expected_parent = _LEVEL_BELOW.get(level)
    if level not in _LEVEL_BELOW:
        return {}
    if expected_parent is None and parent is not None:
        return {"parent": [_("国家局不能有上级机构。")]}
    if expected_parent is not None and (parent is None or parent.level != expected_parent):
        return {
            "parent": [
                _("该层级的上级机构应为%(level)s。") % {"level": AgencyLevel(expected_parent).label}
            ]
        }
    return {}


@transaction.atomic
def agency_create(*, actor: Staff, parent: Agency | None, **fields: Any) -> Agency:
    require_role(actor, ORG_ADMIN_ROLES, _("新增执法机构"))
    if parent is None:
        if not is_superuser(actor):
            raise ValidationError({"parent": [_("请选择上级机构。")]})
    else:
        require_scope(actor, parent)
    agency = Agency(parent=parent, path="/")
    apply_changes(agency, fields, AGENCY_FIELDS)
    clean_and_save(
        agency,
        normalisers={"credit_code": validate_credit_code},
        extra_errors=_hierarchy_errors(agency.level, parent),
    )
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    ledger_append(actor=actor, action="agency.create", obj=agency)
    return agency


@transaction.atomic
def agency_update(*, actor: Staff, agency: Agency, **changes: Any) -> Agency:
    require_role(actor, ORG_ADMIN_ROLES, _("修改执法机构"))
    require_scope(actor, agency)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    changed = apply_changes(agency, changes, AGENCY_FIELDS)
    clean_and_save(
        agency,
        normalisers={"credit_code": validate_credit_code},
        extra_errors=_hierarchy_errors(agency.level, agency.parent),
    )
    if changed:
        ledger_append(actor=actor, action="agency.update", obj=agency, details={"fields": changed})
    return agency


# Who holds a personal signing certificate (documents.services.ISSUER_ROLES).
SIGNING_ROLES = (Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER)
STAFF_FIELDS = ("full_name", "position", "phone", "email", "has_legal_qualification", "is_active")


def _role_errors(roles: list[str]) -> dict[str, list[str]]:
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        return {"roles": [_("未知角色：%(roles)s") % {"roles": "、".join(unknown)}]}
    if not roles:
        return {"roles": [_("至少选择一个角色。")]}
    return {}


def _set_roles(staff: Staff, roles: list[str]) -> None:
    StaffRole.objects.filter(staff=staff).exclude(role__in=roles).delete()
    for role in roles:
        StaffRole.objects.get_or_create(staff=staff, role=role)
    staff._role_codes = None


@transaction.atomic
def staff_create(
    *,
    actor: Staff,
    username: str,
    agency: Agency,
    roles: list[str],
    password: str,
    **fields: Any,
) -> Staff:
    require_role(actor, ORG_ADMIN_ROLES, _("新增工作人员"))
    require_scope(actor, agency)
    staff = Staff(username=(username or "").strip(), agency=agency)
    apply_changes(staff, fields, STAFF_FIELDS)
    errors = _role_errors(list(roles))
    if Staff.objects.filter(username__iexact=staff.username).exists():
        errors.setdefault("username", []).append(_("该登录名已被使用。"))
    try:
        validate_password(password, staff)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if not staff.full_name:
        errors.setdefault("full_name", []).append(_("请填写姓名。"))
    staff.set_password(password)
    staff._ledger_by_service = True  # recorded below, not by Staff.save
    clean_and_save(staff, extra_errors=errors)
    privileges = _privileges()
    held_back = privileges.privileged(roles) if privileges.needs_approval() else []
    _set_roles(staff, [r for r in roles if r not in held_back])
    ledger_append(
        actor=actor,
        action="staff.create",
        obj=staff,
        details={"roles": sorted(staff.role_codes), "awaiting_approval": held_back},
    )
    staff.pending_request = (
        privileges.privilege_request_open(actor=actor, staff=staff, kind="grant", roles=held_back)
        if held_back
        else None
    )
    return staff


@transaction.atomic
def staff_update(
    *, actor: Staff, staff: Staff, roles: list[str] | None = None, **changes: Any
) -> Staff:
    require_role(actor, ORG_ADMIN_ROLES, _("修改工作人员"))
    require_scope(actor, staff.agency)
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    changed = apply_changes(staff, changes, STAFF_FIELDS)
    errors = _role_errors(list(roles)) if roles is not None else {}
    if staff.pk == actor.pk and changes.get("is_active") is False:
        errors.setdefault("is_active", []).append(_("不能停用自己的账号。"))
    clean_and_save(staff, extra_errors=errors)
    privileges = _privileges()
    held_back: list[str] = []
    if roles is not None and privileges.needs_approval():
        held_back = privileges.privileged(set(roles) - set(staff.role_codes))
        roles = [r for r in roles if r not in held_back]
    if roles is not None and set(roles) != set(staff.role_codes):
        _set_roles(staff, list(roles))
        changed.append("roles")
    staff.pending_request = (
        privileges.privilege_request_open(actor=actor, staff=staff, kind="grant", roles=held_back)
        if held_back
        else None
    )
    left = "is_active" in changed and not staff.is_active
    unsigned = "roles" in changed and not staff.has_role(*SIGNING_ROLES)
    if left or unsigned:
        # He leaves, or no longer signs for the agency: his personal signing certificate goes
        # on the CRL (ADR 0200, 0225).
        from sanxiang.documents.certificates import staff_certificate_revoke

        staff_certificate_revoke(
            actor=actor,
            staff=staff,
            reason="staff deactivated" if left else "signing roles removed",
        )
    if changed:
        ledger_append(
            actor=actor,
            action="staff.update",
            obj=staff,
            details={"fields": changed, "roles": sorted(staff.role_codes)},
        )
    return staff


@transaction.atomic
def staff_password_set(
    *, actor: Staff, staff: Staff, password: str, current_password: str | None = None
) -> Staff:
    """Change one's own password (giving the current one), or reset another's as an org admin.

    The ledger event says who changed whose password and whether it was a reset; it never
    holds the hash, which enters the staff row's digest only as a keyed MAC (ADR 0061).
    The hash is stored without Django's "set by set_password" mark, so ``Staff.save`` does not
    record the change a second time as one made outside the services.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    own = actor.pk == staff.pk
    if not own:
        require_role(actor, ORG_ADMIN_ROLES, _("重置工作人员密码"))
        require_scope(actor, staff.agency)
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    errors: dict[str, list[str]] = {}
    if own and not staff.check_password(current_password or ""):
        errors["current_password"] = [_("当前密码不正确。")]
    try:
        validate_password(password, staff)
    except ValidationError as exc:
        errors["password"] = exc.messages
    else:
        if own and current_password == password:
            errors["password"] = [_("新密码不能与当前密码相同。")]
    if errors:
        raise ValidationError(errors)
    privileges = _privileges()
    if not own and privileges.is_privileged(staff) and privileges.needs_approval():
        staff.pending_request = privileges.privilege_request_open(
            actor=actor, staff=staff, kind="password_reset", password_hash=make_password(password)
        )
        return staff
    staff.pending_request = None
    staff.password = make_password(password)
    staff.save(update_fields=["password"])
    password_validation.password_changed(password, staff)
    ledger_append(
        actor=actor, action="staff.password_change", obj=staff, details={"reset": not own}
    )
    return staff


def staff_password_record_outside(*, staff: Staff) -> None:
    """Record a password changed by Django's own tools rather than :func:`staff_password_set`.

    Called by ``Staff.save`` inside the saving transaction: ``manage.py changepassword`` (no
    person acting: the event names the system and the command channel's context, if any),
    or an auth view or form someone adds later (the audit context names the signed-in user).
    """
    context = current_audit()
    actor = Staff.objects.filter(pk=context.actor_id).first() if context.actor_id else None
    ledger_append(
        actor=actor,
        action="staff.password_change",
        obj=staff,
        details={"reset": actor is None or actor.pk != staff.pk, "outside_services": True},
    )


def staff_record_outside(*, staff: Staff) -> None:
    """Record an account created by Django's own tools (``createsuperuser``), not a service."""
    context = current_audit()
    actor = Staff.objects.filter(pk=context.actor_id).first() if context.actor_id else None
    ledger_append(
        actor=actor,
        action="staff.create",
        obj=staff,
        details={"roles": sorted(staff.role_codes), "outside_services": True},
    )


def staff_password_record_rehash(*, staff: Staff) -> None:
    """Record the re-encoding of a password hash at login (stronger hasher parameters).

    Not a password change: the password is the same, only its stored encoding moved on. The
    event carries the row's new digest, so the upgraded hash verifies and a swapped one does
    not (ADR 0061). The account holder is signing in: he is the actor.
    """
    ledger_append(
        actor=staff,
        action="staff.password_rehash",
        obj=staff,
        details={"algorithm": staff.password.split("$", 1)[0]},
    )


@transaction.atomic
def certificate_issue(
    *,
    actor: Staff,
    holder: Staff,
    number: str,
    issuing_authority: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
) -> Certificate:
    require_role(actor, ORG_ADMIN_ROLES, _("登记执法证"))
    require_scope(actor, holder.agency)
    certificate = Certificate(
        holder=holder,
        number=(number or "").strip(),
        issuing_authority=issuing_authority,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    errors = {}
    if issued_on and expires_on and expires_on <= issued_on:
        errors["expires_on"] = [_("有效期截止日期应晚于发证日期。")]
    if not holder.has_role(Role.OFFICER):
        errors["holder"] = [_("只有执法人员可以持有执法证。")]
    clean_and_save(certificate, extra_errors=errors)
    ledger_append(actor=actor, action="certificate.issue", obj=certificate)
    return certificate


@transaction.atomic
def certificate_set_status(
    *, actor: Staff, certificate: Certificate, status: str, reason: str
) -> Certificate:
    require_role(actor, ORG_ADMIN_ROLES, _("变更执法证状态"))
    require_scope(actor, certificate.holder.agency)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    errors = {}
    if status not in CertificateStatus.values:
        errors["status"] = [_("未知的执法证状态。")]
    if certificate.status == CertificateStatus.REVOKED:
        errors["status"] = [_("已注销的执法证不能再变更状态。")]
    if status != CertificateStatus.ACTIVE and not (reason or "").strip():
        errors["status_reason"] = [_("暂扣或注销执法证须说明理由。")]
    certificate.status, certificate.status_reason = status, (reason or "").strip()
    clean_and_save(certificate, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="certificate.status",
        obj=certificate,
        details={"status": status, "reason": certificate.status_reason},
    )
    return certificate


@transaction.atomic
def staff_legal_qualification_set(
    *, actor: Staff, staff: Staff, qualified: bool, basis: str
) -> Staff:
    """BZ-3: mark whether ``staff`` holds the legal professional qualification. Called by the
    supervision app when the qualification is recorded with its evidence (``basis`` names the
    evidence record in the event); the flag alone changes, without the step-up of a staff edit."""
    require_role(actor, ORG_ADMIN_ROLES, _("登记法律职业资格"))
    require_scope(actor, staff.agency)
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    staff.has_legal_qualification = bool(qualified)
    staff.save(update_fields=["has_legal_qualification"])
    ledger_append(
        actor=actor,
        action="staff.legal_qualification",
        obj=staff,
        details={"qualified": bool(qualified), "basis": basis},
    )
    return staff


ADVISER_FIELDS = (
    "name",
    "kind",
    "organisation",
    "licence_number",
    "specialties",
    "phone",
    "shared_pool",
    "engaged_from",
    "engaged_until",
)


@transaction.atomic
def adviser_create(*, actor: Staff, agency: Agency, **fields: Any) -> LegalAdviser:
    require_role(actor, ORG_ADMIN_ROLES, _("登记法律顾问"))
    require_scope(actor, agency)
    adviser = LegalAdviser(agency=agency)
    apply_changes(adviser, fields, ADVISER_FIELDS)
    errors = {}
    if (
        adviser.engaged_from
        and adviser.engaged_until
        and adviser.engaged_until < adviser.engaged_from
    ):
        errors["engaged_until"] = [_("聘用截止日期不能早于起始日期。")]
    clean_and_save(adviser, extra_errors=errors)
    ledger_append(actor=actor, action="adviser.create", obj=adviser)
    return adviser
