"""Second-factor devices: TOTP (django-otp) and one-time recovery codes (ADR 0071).

Every write to the devices goes through these services with a ledger event: enrolment,
issuing recovery codes, using one, removing the devices (after an approved reset). The
secret never enters the ledger; the device's digest leaves out the counters django-otp moves
at every verification (``last_t``, throttling), as the staff digest leaves out ``last_login``.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append

from .models import Staff
from .roles import ORG_ADMIN_ROLES

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"
# What django-otp moves on each verification: bookkeeping, like Staff.last_login. The TOTP
# secret and the recovery codes enter the digest only as keyed MACs (ADR 0061): a replaced
# secret is found by ledger_verify without the ledger holding anything that helps guess it.
TOTPDevice.ledger_excluded_fields = (
    "last_t",
    "drift",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
TOTPDevice.ledger_secret_fields = ("key",)
StaticDevice.ledger_excluded_fields = (
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
StaticToken.ledger_secret_fields = ("token",)


def _delete_devices(devices, *, actor) -> None:
    """Delete devices, each with its deletion in the ledger (ADR 0060 ``deleted=True``)."""
    for device in list(devices):
        ledger_append(actor=actor, action="staff.second_factor_removed", obj=device, deleted=True)
        device.delete()


def new_secret() -> str:
    """A fresh 20-byte TOTP secret, as hex (django-otp's storage format)."""
    return secrets.token_hex(20)


def secret_base32(key_hex: str) -> str:
    """The secret as people type it into an authenticator app (Base32, grouped by four)."""
    text = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(staff: Staff, key_hex: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    device = TOTPDevice(user=staff, name=DEVICE_NAME, key=key_hex)
    return device.config_url


def code_matches(key_hex: str, code: str) -> bool:
    """Whether ``code`` is the current (or adjacent) code of an enrolment secret."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    try:
        totp = TOTP(bytes.fromhex(key_hex))
    except (ValueError, binascii.Error):
        return False
    return totp.verify(int(code), tolerance=1)


def confirmed_totp(staff: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=staff, confirmed=True).first()


@transaction.atomic
def second_factor_enrol(*, staff: Staff, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Enrol the TOTP secret shown to ``staff`` once he typed a code it gives; issue recovery codes."""
    if not staff.is_authenticated or not staff.is_active:
        raise PermissionDenied(_("请先登录。"))
    if not code_matches(key_hex, code):
        raise ValidationError({"code": [_("动态口令不正确，请核对手机时间后重新输入。")]})
    _delete_devices(TOTPDevice.objects.filter(user=staff), actor=staff)
    device = TOTPDevice.objects.create(user=staff, name=DEVICE_NAME, key=key_hex, confirmed=True)
    device.verify_token(code.strip().replace(" ", ""))  # the code is used: no replay
    ledger_append(actor=staff, action="staff.second_factor_enrol", obj=device)
    codes = recovery_codes_issue(staff=staff)
    return device, codes


@transaction.atomic
def recovery_codes_issue(*, staff: Staff) -> list[str]:
    """Replace ``staff``'s recovery codes with new ones, returned once for him to keep."""
    device, _created = StaticDevice.objects.get_or_create(
        user=staff, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    ledger_append(
        actor=staff,
        action="staff.recovery_codes_issue",
        obj=device,
        details={"count": len(codes)},
    )
    return codes


def recovery_codes_left(staff: Staff) -> int:
    return StaticToken.objects.filter(device__user=staff, device__confirmed=True).count()


class TooManyAttempts(Exception):
    pass


@transaction.atomic
def second_factor_check(*, staff: Staff, code: str):
    """The device that accepts ``code`` (a TOTP code or a recovery code), or None.

    django-otp throttles each device after failures (doubling waits); when every device is
    throttled, :class:`TooManyAttempts` is raised. A used recovery code is deleted by
    django-otp and recorded in the ledger here.
    """
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not code:
        return None
    devices = list(TOTPDevice.objects.select_for_update().filter(user=staff, confirmed=True))
    devices += list(StaticDevice.objects.select_for_update().filter(user=staff, confirmed=True))
    allowed = [d for d in devices if d.verify_is_allowed()[0]]
    if devices and not allowed:
        raise TooManyAttempts()
    for device in allowed:
        if isinstance(device, TOTPDevice) and not code.isdigit():
            continue
        if device.verify_token(code):
            if isinstance(device, StaticDevice):
                ledger_append(
                    actor=staff,
                    action="staff.recovery_code_use",
                    obj=device,
                    details={"left": device.token_set.count()},
                )
            return device
    return None


@transaction.atomic
def devices_remove(*, staff: Staff) -> None:
    """Remove every second-factor device of ``staff``: he enrols again at his next sign-in.

    Called by an approved reset (``privileges``) or, for an account without a privileged role,
    by :func:`second_factor_reset`.
    """
    _delete_devices(TOTPDevice.objects.filter(user=staff), actor=None)
    _delete_devices(StaticDevice.objects.filter(user=staff), actor=None)


@transaction.atomic
def second_factor_reset(*, actor: Staff, staff: Staff, reason: str = ""):
    """An administrator resets someone's second factor (lost phone).

    For an account with a privileged role this opens a request a head must approve and
    returns it; otherwise the devices go at once and ``None`` is returned.
    """
    from .privileges import is_privileged, needs_approval, notice_send, privilege_request_open

    require_role(actor, ORG_ADMIN_ROLES, _("重置动态口令"))
    require_scope(actor, staff.agency)
    if is_privileged(staff) and needs_approval():
        return privilege_request_open(
            actor=actor, staff=staff, kind="second_factor_reset", reason=reason
        )
    devices_remove(staff=staff)
    ledger_append(
        actor=actor,
        action="staff.second_factor_reset",
        obj=staff,
        details={"reason": (reason or "").strip()[:200]},
    )
    notice_send(
        staff=staff, text=_("%(who)s重置了您的动态口令，请在下次登录时重新绑定。") % {"who": actor}
    )
    return None
