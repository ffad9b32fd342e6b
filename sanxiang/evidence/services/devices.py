"""Recording devices (执法记录仪 and other equipment), registered and updated by custodians and
heads of the agency that holds them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import apply_changes, clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff

from ..models import (
    RecordingDevice,
)
from .common import DEVICE_ROLES

DEVICE_FIELDS = (
    "serial_number",
    "model_name",
    "explosion_proof",
    "mine_safety_certificate",
    "mine_safety_valid_until",
    "keeper",
    "is_active",
)


def _device_errors(actor: Staff, device: RecordingDevice) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    device.serial_number = (device.serial_number or "").strip()
    duplicate = RecordingDevice.objects.filter(serial_number__iexact=device.serial_number)
    if device.pk:
        duplicate = duplicate.exclude(pk=device.pk)
    if device.serial_number and duplicate.exists():
        errors["serial_number"] = [_("该序列号的设备已登记。")]
    if device.mine_safety_certificate and not device.mine_safety_valid_until:
        errors["mine_safety_valid_until"] = [_("请填写煤安证有效期。")]
    if device.mine_safety_valid_until and not device.mine_safety_certificate:
        errors["mine_safety_certificate"] = [_("请填写煤安标志证书编号。")]
    if device.mine_safety_certificate and not device.explosion_proof:
        errors["explosion_proof"] = [_("取得煤安证的设备应为防爆型。")]
    keeper = device.keeper
    if keeper is not None and not Staff.objects.restrict(actor).filter(pk=keeper.pk).exists():
        errors["keeper"] = [_("所选保管人不存在或不在您的管辖范围内。")]
    return errors


@transaction.atomic
def device_register(*, actor: Staff, agency: Agency, **fields: Any) -> RecordingDevice:
    """JL-AV-1 / JL-AV-5: register a recording device (with its 煤安 certificate for underground)."""
    require_role(actor, DEVICE_ROLES, _("登记执法记录仪"))
    require_scope(actor, agency)
    device = RecordingDevice(agency=agency)
    apply_changes(device, fields, DEVICE_FIELDS)
    clean_and_save(device, extra_errors=_device_errors(actor, device))
    ledger_append(actor=actor, action="device.register", obj=device)
    return device


@transaction.atomic
def device_update(*, actor: Staff, device: RecordingDevice, **changes: Any) -> RecordingDevice:
    require_role(actor, DEVICE_ROLES, _("修改执法记录仪"))
    require_scope(actor, device.agency)
    device = RecordingDevice.objects.select_for_update().get(pk=device.pk)
    changed = apply_changes(device, changes, DEVICE_FIELDS)
    clean_and_save(device, extra_errors=_device_errors(actor, device))
    if changed:
        ledger_append(actor=actor, action="device.update", obj=device, details={"fields": changed})
    return device
