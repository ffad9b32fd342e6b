"""Issuing, revoking and checking API tokens (``Authorization: Bearer sx_…``), ADR 0075.

A token has a name, scopes and an expiry (90 days unless said otherwise). The raw key is
shown once; only its SHA-256 is stored. Scopes are read or write per API router
(``cases:read``, ``cases:write`` — write includes read) plus ``upload`` for the tus endpoints.
Personal tokens act as their holder and stop working when he changes his password, is
deactivated or locked out. Device tokens carry ``upload`` only, are issued by a custodian for
one registered recording device and act as that device's keeper (docking stations upload
for the officer who carries the device); they survive his password change.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.ledger.services import ledger_append
from sanxiang.org.roles import Role

from .models import ApiToken, RevokeReason, TokenKind

TOKEN_PREFIX = "sx_"
DEFAULT_VALID_DAYS = 90
MAX_VALID_DAYS = 366
UPLOAD_SCOPE = "upload"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: One entry per API router (the path segment after /api/); a test keeps it equal to the API.
ROUTER_LABELS = {
    "org": gettext_lazy("组织机构与人员"),
    "registry": gettext_lazy("煤矿与自然人名录"),
    "ledger": gettext_lazy("执法全过程账本"),
    "evidence": gettext_lazy("音像证据"),
    "catalog": gettext_lazy("执法目录"),
    "inspections": gettext_lazy("监察检查"),
    "cases": gettext_lazy("行政处罚案件"),
    "review": gettext_lazy("法制审核"),
    "publicity": gettext_lazy("执法公示"),
    "documents": gettext_lazy("执法文书与借阅"),
    "archive": gettext_lazy("执法档案"),
    "complaints": gettext_lazy("投诉举报"),
    "supervision": gettext_lazy("执法监督"),
    "enterprise": gettext_lazy("企业账号与电子送达"),
    "licensing": gettext_lazy("行政许可"),
}
#: Who may issue device tokens, and who may revoke anyone's token.
DEVICE_TOKEN_ROLES = frozenset({Role.CUSTODIAN})
TOKEN_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN})


def scope_choices() -> list[tuple[str, str]]:
    """Every scope with its Chinese label, in the order the form shows them."""
    choices = []
    for name, label in ROUTER_LABELS.items():
        choices.append((f"{name}:read", _("%(area)s：只读") % {"area": label}))
        choices.append((f"{name}:write", _("%(area)s：读写") % {"area": label}))
    choices.append((UPLOAD_SCOPE, _("上传音像记录（断点续传）")))
    return choices


ALL_SCOPES = frozenset(code for code, _label in scope_choices())


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_common(name: str, valid_days: int) -> tuple[str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写令牌用途。")]
    elif len(name) > 100:
        errors["name"] = [_("令牌用途最多 100 个字符。")]
    if not isinstance(valid_days, int) or not 1 <= valid_days <= MAX_VALID_DAYS:
        errors["valid_days"] = [_("有效天数应在 1 到 %(max)s 天之间。") % {"max": MAX_VALID_DAYS}]
    return name, errors


def _new_token(**fields) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(prefix=raw[:8], key_digest=_digest(raw), **fields)
    return token, raw


@transaction.atomic
def api_token_create(
    *,
    actor,
    name: str,
    scopes: Iterable[str],
    valid_days: int = DEFAULT_VALID_DAYS,
) -> tuple[ApiToken, str]:
    """Issue a personal token for the actor himself; the raw key is returned once only.

    The web page asks for a fresh second factor before calling this (step-up, ADR 0075).
    """
    name, errors = _clean_common(name, valid_days)
    scopes = sorted(set(scopes or ()))
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if not scopes:
        errors["scopes"] = [_("请至少选择一项权限范围。")]
    elif unknown:
        errors["scopes"] = [_("无效的权限范围：%(s)s。") % {"s": "、".join(unknown)}]
    if not actor.is_active:
        errors.setdefault("__all__", []).append(_("账号已停用，不能签发令牌。"))
    if errors:
        raise ValidationError(errors)
    token, raw = _new_token(
        staff=actor,
        kind=TokenKind.PERSONAL,
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + datetime.timedelta(days=valid_days),
    )
    ledger_append(
        actor=actor,
        action="api_token.create",
        obj=token,
        details={"name": token.name, "kind": token.kind, "scopes": scopes},
    )
    return token, raw


@transaction.atomic
def api_token_create_for_device(
    *, actor, device, name: str, valid_days: int = DEFAULT_VALID_DAYS
) -> tuple[ApiToken, str]:
    """A custodian issues an upload-only token for a docking station bound to one device."""
    if not actor.has_role(*DEVICE_TOKEN_ROLES):
        raise PermissionDenied(_("只有音像记录管理员可以签发采集站设备令牌。"))
    name, errors = _clean_common(name, valid_days)
    from sanxiang.evidence.models import RecordingDevice

    in_scope = RecordingDevice.objects.restrict(actor).filter(pk=getattr(device, "pk", None))
    if device is None or not in_scope.exists():
        errors["device"] = [_("执法记录仪未登记或不在您的管辖范围内。")]
    elif not device.is_active:
        errors["device"] = [_("该执法记录仪已停用。")]
    elif device.keeper_id is None:
        errors["device"] = [_("该执法记录仪未指定保管人，上传的记录无人负责，请先指定保管人。")]
    if errors:
        raise ValidationError(errors)
    token, raw = _new_token(
        staff=actor,
        kind=TokenKind.DEVICE,
        device=device,
        name=name,
        scopes=[UPLOAD_SCOPE],
        expires_at=timezone.now() + datetime.timedelta(days=valid_days),
    )
    ledger_append(
        actor=actor,
        action="api_token.create",
        obj=token,
        details={
            "name": token.name,
            "kind": token.kind,
            "scopes": [UPLOAD_SCOPE],
            "device": device.serial_number,
        },
    )
    return token, raw


def may_revoke(actor, token: ApiToken) -> bool:
    if token.staff_id == actor.pk or actor.has_role(*TOKEN_ADMIN_ROLES) or actor.is_superuser:
        return True
    # Custodians of the device's agency look after its docking-station tokens.
    if token.kind == TokenKind.DEVICE and actor.has_role(*DEVICE_TOKEN_ROLES):
        from sanxiang.evidence.models import RecordingDevice

        return RecordingDevice.objects.restrict(actor).filter(pk=token.device_id).exists()
    return False


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token: its holder, or an administrator (anyone's). Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not may_revoke(actor, token):
        raise PermissionDenied(_("只能吊销自己的令牌；管理员可以吊销任何人的令牌。"))
    if token.revoked_at is not None:
        return token
    if not reason:
        reason = RevokeReason.BY_HOLDER if token.staff_id == actor.pk else RevokeReason.BY_ADMIN
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.revoke_reason = reason
    token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    ledger_append(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        details={"name": token.name, "reason": reason},
    )
    return token


def revoke_personal_tokens_on_password_change(staff) -> int:
    """Called when ``staff`` gets a new password: his personal tokens die (device ones live)."""
    live = ApiToken.objects.filter(
        staff=staff, kind=TokenKind.PERSONAL, revoked_at__isnull=True
    ).select_for_update()
    count = 0
    with transaction.atomic():
        for token in live:
            api_token_revoke(actor=staff, token=token, reason=RevokeReason.PASSWORD_CHANGE)
            count += 1
    return count


def account_locked_out(staff) -> bool:
    """Whether django-axes holds a current lockout of this login name (from any address)."""
    if not getattr(settings, "AXES_ENABLED", True):
        return False
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    if not isinstance(limit, int):
        return False
    attempts = AccessAttempt.objects.filter(
        username=staff.get_username(), failures_since_start__gte=limit
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()


@dataclass(frozen=True)
class Authenticated:
    token: ApiToken
    staff: object  # the staff member the request acts as

    def allows(self, scope: str) -> bool:
        scopes = set(self.token.scopes or ())
        if scope in scopes:
            return True
        area, _sep, level = scope.partition(":")
        return level == "read" and f"{area}:write" in scopes


def api_token_lookup(raw: str) -> Authenticated | None:
    """The live token a raw key belongs to and whom it acts as, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("staff", "device", "device__keeper")
        .filter(key_digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at < now):
        return None
    if token.kind == TokenKind.DEVICE:
        device = token.device
        staff = device.keeper if device is not None and device.is_active else None
        if staff is None or not staff.is_active or not token.staff.is_active:
            return None
    else:
        staff = token.staff
        if not staff.is_active or account_locked_out(staff):
            return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Authenticated(token=token, staff=staff)


def api_token_authenticate(raw: str, scope: str | None = None):
    """The staff member a raw token acts as (optionally: only if it has ``scope``), or None."""
    found = api_token_lookup(raw)
    if found is None or (scope is not None and not found.allows(scope)):
        return None
    return found.staff


def required_scope(method: str, path: str) -> str:
    """The scope an API request needs: ``<router>:read`` or ``<router>:write``."""
    parts = path.split("/")
    area = parts[2] if len(parts) > 2 and parts[1] == "api" else ""
    return f"{area}:{'read' if method.upper() in READ_METHODS else 'write'}"


def bind_device_metadata(token: ApiToken | None, metadata: dict[str, str]) -> dict[str, str]:
    """A device token uploads for its own device only: fill in its serial, refuse another."""
    if token is None or token.kind != TokenKind.DEVICE:
        return metadata
    serial = token.device.serial_number
    named = (metadata.get("device") or "").strip()
    if named and named.casefold() != serial.casefold():
        raise ValidationError(
            {"device": [_("该设备令牌只能上传执法记录仪 %(serial)s 的记录。") % {"serial": serial}]}
        )
    return {**metadata, "device": serial}
