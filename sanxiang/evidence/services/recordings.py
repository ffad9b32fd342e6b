"""Recordings and their metadata: the checked fields, the subject the recording
belongs to, creation from an ingested stream with its derivatives queued, custodian and
confidentiality, and the derived files (thumbnails, playable copies) made from an original.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sanxiang.core import blobstore
from sanxiang.core.confidentiality import state_secret_refusal
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import access as access_rules
from ..conf import setting
from ..filetypes import FILE_TYPES, SNIFF_BYTES, content_matches, filename_problem, type_problem
from ..models import (
    Activity,
    Confidentiality,
    DerivedFile,
    DerivedKind,
    Recording,
    RecordingDevice,
)
from .common import CUSTODY_ROLES, LINKABLE_SUBJECTS, UPLOADER_ROLES, _require_agency

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


METADATA_FIELDS = (
    "title",
    "activity",
    "subject",
    "stage",
    "device",
    "started_at",
    "ended_at",
    "location",
    "underground",
    "confidentiality",
    "officers",
    "notes",
)


_TRUE = {"1", "true", "yes", "on", "是"}


_FALSE = {"", "0", "false", "no", "off", "否"}


def _parse_moment(value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def subject_resolve(actor: Staff, reference: str) -> models.Model:
    """``app_label.model:pk`` → the object, if linkable and within the actor's scope."""
    label, _sep, pk = (reference or "").strip().partition(":")
    if label not in LINKABLE_SUBJECTS or not pk or len(pk) > 64:
        raise ValueError(_("关联对象应写作“类型:编号”，如 registry.coalmine:12。"))
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise ValueError(_("关联对象类型 %(label)s 尚未启用。") % {"label": label}) from None
    manager = model._default_manager
    queryset = manager.restrict(actor) if hasattr(manager, "restrict") else manager.none()
    try:
        obj = queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        obj = None
    if obj is None:
        raise ValueError(_("关联对象不存在或不在您的管辖范围内。"))
    return obj


def _clean_metadata(
    actor: Staff, data: dict[str, Any], *, current: Recording | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate recording metadata given as text (tus Upload-Metadata) or objects (forms, API).

    Returns the values to set on a Recording (only for keys present in ``data``) and every
    error found, keyed by field.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    unknown = sorted(set(data) - set(METADATA_FIELDS))
    for name in unknown:
        err(name, _("未知的记录信息项。"))
    for name in ("title", "location", "stage", "notes"):
        if name in data:
            text = str(data[name] or "").strip()
            limit = {"title": 200, "location": 200, "stage": 60, "notes": 2000}[name]
            if len(text) > limit:
                err(name, _("内容过长，最多 %(n)s 个字符。") % {"n": limit})
            values[name] = text
    if "activity" in data:
        activity = str(data["activity"] or "").strip()
        if activity and activity not in Activity.values:
            err("activity", _("未知的执法活动类型。"))
        values["activity"] = activity
    if "confidentiality" in data:
        level = str(data["confidentiality"] or Confidentiality.ORDINARY).strip()
        if level not in Confidentiality.values:
            err("confidentiality", _("未知的密级。"))
        elif level == Confidentiality.STATE_SECRET and current is None:
            # ADR 0128: state-secret content is never uploaded; register the original instead.
            err("confidentiality", state_secret_refusal())
        values["confidentiality"] = level
    if "underground" in data:
        raw = data["underground"]
        if isinstance(raw, bool):
            values["underground"] = raw
        elif str(raw).strip().lower() in _TRUE | _FALSE:
            values["underground"] = str(raw).strip().lower() in _TRUE
        else:
            err("underground", _("应为是或否。"))
    for name in ("started_at", "ended_at"):
        if name in data:
            try:
                values[name] = _parse_moment(data[name])
            except (ValueError, TypeError):
                err(name, _("时间格式应为 ISO 8601，如 2026-03-01T09:30:00+08:00。"))
    if "subject" in data:
        reference = data["subject"]
        if isinstance(reference, models.Model):
            reference = f"{reference._meta.label_lower}:{reference.pk}"
        if reference in (None, ""):
            values["subject_type"], values["subject_id"] = "", ""
        else:
            try:
                subject = subject_resolve(actor, str(reference))
            except ValueError as exc:
                err("subject", str(exc))
            else:
                values["subject_type"] = subject._meta.label_lower
                values["subject_id"] = str(subject.pk)
    if "device" in data:
        device = data["device"]
        if device in (None, ""):
            values["device"] = None
        else:
            devices = RecordingDevice.objects.restrict(actor).filter(is_active=True)
            if isinstance(device, RecordingDevice):
                found = devices.filter(pk=device.pk).first()
            else:
                found = devices.filter(serial_number__iexact=str(device).strip()[:60]).first()
            if found is None:
                err("device", _("记录设备未登记、已停用或不在您的管辖范围内。"))
            values["device"] = found
    if "officers" in data:
        raw = data["officers"]
        if isinstance(raw, str):
            names = [n.strip() for n in raw.split(",") if n.strip()]
            people = list(Staff.objects.restrict(actor).filter(username__in=names))
            missing = sorted(set(names) - {p.username for p in people})
        else:
            people = list(raw or [])
            allowed = set(Staff.objects.restrict(actor).values_list("pk", flat=True))
            missing = [str(p) for p in people if p.pk not in allowed]
        if missing:
            err(
                "officers",
                _("以下执法人员不存在或不在您的管辖范围内：%(n)s") % {"n": "、".join(missing)},
            )
        values["officers"] = people

    def final(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(current, name, None) if current is not None else None

    started, ended = final("started_at"), final("ended_at")
    if started and ended and ended < started:
        err("ended_at", _("结束时间不能早于开始时间。"))
    if final("underground"):
        device = final("device")
        day = timezone.localdate(started) if started else timezone.localdate()
        if device is None:
            err("device", _("井下音像记录须注明所用的防爆记录设备（《实施办法》四（二）1）。"))
        elif not device.underground_ready_on(day):
            err(
                "device",
                _(
                    "井下只能使用防爆且煤安证在有效期内的记录设备（《实施办法》四（二）1）：%(d)s 不符合。"
                )
                % {"d": device},
            )
    return values, errors


def recording_validate_metadata(*, actor: Staff, metadata: dict[str, Any]) -> dict[str, Any]:
    values, errors = _clean_metadata(actor, metadata)
    if errors:
        raise ValidationError(errors)
    return values


def _set_values(recording: Recording, values: dict[str, Any]) -> list[Staff] | None:
    officers = values.pop("officers", None)
    for name, value in values.items():
        setattr(recording, name, value)
    return officers


def _create_recording(
    *,
    actor: Staff,
    blob: blobstore.BlobRef,
    original_name: str,
    content_type: str,
    values: dict[str, Any],
) -> Recording:
    recording = Recording(
        agency=_require_agency(actor),
        media_kind=FILE_TYPES[content_type].kind,
        original_name=original_name,
        content_type=content_type,
        size=blob.size,
        sha256=blob.sha256,
        sm3=blob.sm3,
        blob_path=blob.path,
        uploaded_by=actor,
        title=original_name,
    )
    officers = _set_values(recording, dict(values))
    if not recording.title:
        recording.title = original_name
    clean_and_save(recording)
    if officers is None:
        officers = [actor] if actor.has_role(Role.OFFICER) else []
    recording.officers.set(officers)
    ledger_append(
        actor=actor,
        action="recording.create",
        obj=recording,
        details={
            "sha256": blob.sha256,
            "sm3": blob.sm3,
            "size": blob.size,
            "officers": sorted(p.pk for p in officers),
        },
    )
    transaction.on_commit(lambda: _enqueue_derivatives(recording.pk))
    return recording


def _enqueue_derivatives(recording_pk: int) -> None:
    from ..tasks import make_playable_copy, make_thumbnail

    make_thumbnail.enqueue(recording_pk)
    make_playable_copy.enqueue(recording_pk)


@transaction.atomic
def recording_create_from_stream(
    *,
    actor: Staff,
    chunks: Iterable[bytes],
    filename: str,
    content_type: str,
    metadata: dict[str, Any] | None = None,
) -> Recording:
    """Store a (small or large) file and register it, for forms and imports: the same checks
    as the resumable upload, in one call."""
    require_role(actor, UPLOADER_ROLES, _("登记音像记录"))
    _require_agency(actor)
    errors: dict[str, list[str]] = {}
    problem = filename_problem(filename) or type_problem(filename, content_type)
    if problem:
        errors["file"] = [problem]
    values, metadata_errors = _clean_metadata(actor, metadata or {})
    errors.update(metadata_errors)
    if errors:
        raise ValidationError(errors)
    iterator = iter(chunks)
    head = b""
    buffered: list[bytes] = []
    for chunk in iterator:
        buffered.append(chunk)
        head += chunk[:SNIFF_BYTES]
        if len(head) >= SNIFF_BYTES:
            break
    if not content_matches(content_type, head):
        raise ValidationError({"file": [_("文件内容与申报的文件类型不符。")]})

    def everything():
        yield from buffered
        yield from iterator

    blob = blobstore.blob_put_stream(everything(), max_size=setting("SANXIANG_EVIDENCE_MAX_SIZE"))
    return _create_recording(
        actor=actor, blob=blob, original_name=filename, content_type=content_type, values=values
    )


def may_edit_recording(actor: Staff, recording: Recording) -> bool:
    if is_superuser(actor):
        return True
    if actor.pk in access_rules.team_member_ids(recording):
        return True
    return actor.has_role(*CUSTODY_ROLES) and in_scope(actor, recording.agency)


@transaction.atomic
def recording_update(*, actor: Staff, recording: Recording, **changes: Any) -> Recording:
    """Correct or complete a recording's metadata and links; the original is never touched."""
    if not may_edit_recording(actor, recording):
        raise PermissionDenied(_("只有记录人员、保管人或负责人可以修改音像记录信息。"))
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if "confidentiality" in changes:
        raise ValidationError({"confidentiality": [_("密级请通过“变更密级”办理。")]})
    values, errors = _clean_metadata(actor, changes, current=recording)
    if errors:
        raise ValidationError(errors)
    before_officers = sorted(recording.officers.values_list("pk", flat=True))
    officers = values.pop("officers", None)
    changed = [name for name, value in values.items() if getattr(recording, name) != value]
    _set_values(recording, values)
    clean_and_save(recording)
    details: dict[str, Any] = {"fields": changed}
    if officers is not None and sorted(p.pk for p in officers) != before_officers:
        recording.officers.set(officers)
        details["officers"] = sorted(p.pk for p in officers)
        changed.append("officers")
    if changed:
        ledger_append(actor=actor, action="recording.update", obj=recording, details=details)
    return recording


@transaction.atomic
def recording_assign_custodian(
    *, actor: Staff, recording: Recording, custodian: Staff
) -> Recording:
    """JL-AV-3: designate the custodian of a recording."""
    require_role(actor, CUSTODY_ROLES, _("指定音像记录保管人"))
    require_scope(actor, recording.agency)
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if not (custodian.is_active and custodian.has_role(Role.CUSTODIAN)):
        raise ValidationError({"custodian": [_("保管人须具有音像记录/档案管理员角色。")]})
    if not in_scope(custodian, recording.agency):
        raise ValidationError({"custodian": [_("保管人须为该记录所属机构或其上级机构的人员。")]})
    recording.custodian = custodian
    recording.save(update_fields=["custodian"])
    ledger_append(
        actor=actor,
        action="recording.custodian",
        obj=recording,
        details={"custodian_id": custodian.pk},
    )
    return recording


@transaction.atomic
def recording_set_confidentiality(
    *, actor: Staff, recording: Recording, level: str, reason: str
) -> Recording:
    """JL-ARC-2: classify a recording; trade and state secrets are classified by a head."""
    require_role(actor, CUSTODY_ROLES, _("变更音像记录密级"))
    require_scope(actor, recording.agency)
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    errors: dict[str, list[str]] = {}
    if level not in Confidentiality.values:
        errors["level"] = [_("未知的密级。")]
    elif (
        level in (Confidentiality.TRADE_SECRET, Confidentiality.STATE_SECRET) or recording.is_secret
    ) and not (is_superuser(actor) or actor.has_role(Role.HEAD)):
        errors["level"] = [_("涉及商业秘密、国家秘密的定密和解密须由负责人办理。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请说明变更密级的理由。")]
    if errors:
        raise ValidationError(errors)
    before = recording.confidentiality
    recording.confidentiality = level
    recording.save(update_fields=["confidentiality"])
    ledger_append(
        actor=actor,
        action="recording.confidentiality",
        obj=recording,
        details={"from": before, "to": level, "reason": reason.strip()},
    )
    return recording


@transaction.atomic
def derived_file_add(
    *,
    actor: Staff | None,
    recording: Recording,
    kind: str,
    chunks: Iterable[bytes],
    content_type: str,
    tool: str = "",
    note: str = "",
) -> DerivedFile:
    """Store a file made from an original as its own object (the original stays as it is)."""
    if actor is not None:
        require_role(actor, CUSTODY_ROLES, _("添加派生文件"))
        require_scope(actor, recording.agency)
    if kind not in DerivedKind.values:
        raise ValidationError({"kind": [_("未知的派生文件类别。")]})
    if kind == DerivedKind.REDACTED and not (note or "").strip():
        raise ValidationError({"note": [_("请说明脱敏处理的内容。")]})
    blob = blobstore.blob_put_stream(chunks, max_size=setting("SANXIANG_EVIDENCE_MAX_SIZE"))
    derived = DerivedFile.objects.create(
        recording=recording,
        kind=kind,
        content_type=content_type[:100],
        size=blob.size,
        sha256=blob.sha256,
        sm3=blob.sm3,
        blob_path=blob.path,
        tool=tool[:100],
        note=(note or "").strip()[:200],
        created_by=actor,
    )
    ledger_append(
        actor=actor,
        action="derived.create",
        obj=derived,
        details={"recording_id": recording.pk, "kind": kind, "sha256": blob.sha256},
    )
    return derived
