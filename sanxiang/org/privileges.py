"""Changes to privileged accounts need a second person: a head's approval (ADR 0070).

Granting head, legal reviewer, custodian or administrator — on an existing account or a new
one — and resetting the password or the second factor of an account holding such a role
are asked for by an administrator (:func:`privilege_request_open`) and take effect only when
a head of the staff's agency or a superior agency approves (:func:`privilege_request_approve`).
Neither the requester nor the account holder may approve. The account holder is told at each
step (:func:`notice_send`), and each step is a ledger event.

Changes asked for outside a web or API request (a management command such as
``bootstrap_accounts`` or ``demo_load``, run by whoever operates the server) apply at once and
say so in their ledger event: whoever runs commands on the server could write the database
anyway, and a fresh installation needs its first head.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.audit import current as current_audit
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.stepup import REQUEST_CHANNELS
from sanxiang.ledger.services import ledger_append

from .models import (
    PrivilegeKind,
    PrivilegeRequest,
    PrivilegeState,
    Staff,
    StaffRole,
)
from .roles import ORG_ADMIN_ROLES, PRIVILEGED_ROLES, Role


def needs_approval() -> bool:
    """Whether the change comes from a person's request (web or API) and so needs a head."""
    return current_audit().channel in REQUEST_CHANNELS


def is_privileged(staff: Staff) -> bool:
    return staff.has_role(*PRIVILEGED_ROLES)


def privileged(roles) -> list[str]:
    return sorted(set(roles) & PRIVILEGED_ROLES)


def notice_send(*, staff: Staff, text: str):
    """Tell the account holder (the system notice on his dashboard and his account page).

    The notice restates a ledgered event (the request, its approval or rejection); like the
    other system notices it is not itself in the ledger (``core.staffnotice`` in ADR 0060).
    """
    from django.urls import reverse

    from sanxiang.core.models import StaffNotice

    return StaffNotice.objects.create(recipient=staff, message=text[:500], link=reverse("account"))


def _describe(request: PrivilegeRequest) -> str:
    if request.kind == PrivilegeKind.GRANT:
        return _("授予%(roles)s角色") % {"roles": "、".join(request.role_labels())}
    return request.get_kind_display()


@transaction.atomic
def privilege_request_open(
    *,
    actor: Staff,
    staff: Staff,
    kind: str,
    roles: list[str] | None = None,
    password_hash: str = "",
    reason: str = "",
) -> PrivilegeRequest:
    """Ask for a change to a privileged account; it waits for a head's approval."""
    require_role(actor, ORG_ADMIN_ROLES, _("申请账号权限变更"))
    require_scope(actor, staff.agency)
    if kind not in PrivilegeKind.values:
        raise ValidationError({"kind": [_("未知的变更事项。")]})
    if kind == PrivilegeKind.GRANT and not privileged(roles or []):
        raise ValidationError({"roles": [_("请选择需要批准的角色。")]})
    request = PrivilegeRequest.objects.create(
        staff=staff,
        kind=kind,
        roles=privileged(roles or []),
        password_hash=password_hash,
        reason=(reason or "").strip()[:200],
        requested_by=actor,
        requested_at=timezone.now(),
    )
    ledger_append(
        actor=actor,
        action="staff.privilege_request",
        obj=request,
        details={"kind": kind, "roles": request.roles, "staff": staff.pk},
    )
    notice_send(
        staff=staff,
        text=_("%(who)s申请对您的账号%(what)s，待负责人批准。")
        % {"who": actor, "what": _describe(request)},
    )
    return request


def may_decide(actor: Staff, request: PrivilegeRequest) -> bool:
    """A head of the staff's agency or a superior one, who neither asked nor is concerned."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if not actor.has_role(Role.HEAD) or actor.agency is None or request.staff.agency is None:
        return False
    if actor.pk in (request.requested_by_id, request.staff_id):
        return False
    return request.staff.agency.path.startswith(actor.agency.path)


def _require_decider(actor: Staff, request: PrivilegeRequest) -> None:
    if actor is not None and actor.pk in (request.requested_by_id, request.staff_id):
        raise PermissionDenied(_("不能批准自己提出或涉及自己账号的申请。"))
    if not may_decide(actor, request):
        raise PermissionDenied(_("只有本机构或上级机构的负责人可以批准此申请。"))


def _locked_pending(request: PrivilegeRequest) -> PrivilegeRequest:
    request = PrivilegeRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != PrivilegeState.PENDING:
        raise ValidationError({"state": [_("该申请已处理。")]})
    return request


def _apply(actor: Staff, request: PrivilegeRequest) -> None:
    staff = Staff.objects.select_for_update().get(pk=request.staff_id)
    if request.kind == PrivilegeKind.GRANT:
        for role in request.roles:
            StaffRole.objects.get_or_create(staff=staff, role=role)
        staff._role_codes = None
        details = {"kind": request.kind, "roles": sorted(staff.role_codes)}
    elif request.kind == PrivilegeKind.PASSWORD_RESET:
        staff.password = request.password_hash
        staff.save(update_fields=["password"])
        details = {"kind": request.kind}
    else:
        from .second_factor import devices_remove

        devices_remove(staff=staff)
        details = {"kind": request.kind}
    ledger_append(actor=actor, action="staff.privilege_apply", obj=staff, details=details)


@transaction.atomic
def privilege_request_approve(
    *, actor: Staff, request: PrivilegeRequest, opinion: str = ""
) -> PrivilegeRequest:
    request = _locked_pending(request)
    _require_decider(actor, request)
    _apply(actor, request)
    request.state = PrivilegeState.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.reason = (opinion or "").strip()[:200]
    request.password_hash = ""
    request.save()
    ledger_append(actor=actor, action="staff.privilege_approve", obj=request)
    notice_send(
        staff=request.staff,
        text=_("%(who)s已批准对您的账号%(what)s。") % {"who": actor, "what": _describe(request)},
    )
    return request


@transaction.atomic
def privilege_request_reject(
    *, actor: Staff, request: PrivilegeRequest, reason: str = ""
) -> PrivilegeRequest:
    request = _locked_pending(request)
    _require_decider(actor, request)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("驳回须说明理由。")]})
    request.state = PrivilegeState.REJECTED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.reason = (reason or "").strip()[:200]
    request.password_hash = ""
    request.save()
    ledger_append(actor=actor, action="staff.privilege_reject", obj=request)
    notice_send(
        staff=request.staff,
        text=_("%(who)s驳回了对您的账号%(what)s的申请。")
        % {"who": actor, "what": _describe(request)},
    )
    return request
