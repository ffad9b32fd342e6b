"""Writes to evidence: devices, uploads and recordings, custody, retrieval approval, access, alerts.

Every function is one transaction that checks permission and scope, validates every field
(all errors at once, in Chinese), changes state and appends the ledger event. The byte
streaming of uploads lives in ``ingest.py``; it calls the upload services here for each state
change (creation, completion, rejection, termination).
"""

from __future__ import annotations

import datetime
import re
import secrets
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
from sanxiang.core.language import in_legal_language
from sanxiang.core.periods import period_errors
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.core.validation import apply_changes, clean_and_save
from sanxiang.core.workdays import day_status
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from . import access as access_rules
from .conf import setting
from .filetypes import FILE_TYPES, SNIFF_BYTES, content_matches, filename_problem, type_problem
from .models import (
    AccessAlert,
    Activity,
    AlertKind,
    Confidentiality,
    DerivedFile,
    DerivedKind,
    Recording,
    RecordingDevice,
    RetrievalRequest,
    RetrievalScope,
    RetrievalStatus,
    Upload,
    UploadStatus,
)
from .receipts import receipt_sign, receipt_text

UPLOADER_ROLES = frozenset({Role.OFFICER, Role.CUSTODIAN, Role.HEAD})
DEVICE_ROLES = frozenset({Role.CUSTODIAN, Role.HEAD, Role.SYSTEM_ADMIN})
CUSTODY_ROLES = frozenset({Role.CUSTODIAN, Role.HEAD})
# Subjects a recording may be linked to (app_label.model); the case workflow adds its own.
LINKABLE_SUBJECTS = ["registry.coalmine", "inspections.inspection", "cases.case"]
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _require_agency(actor: Staff) -> Agency:
    if actor.agency_id is None:
        raise PermissionDenied(_("只有所属执法机构的工作人员可以登记音像记录。"))
    return actor.agency


# --- devices ---------------------------------------------------------------------------------

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


# --- recording metadata ------------------------------------------------------------------------

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
    from .tasks import make_playable_copy, make_thumbnail

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


# --- derived files ---------------------------------------------------------------------------


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


# --- uploads ---------------------------------------------------------------------------------


def upload_problems(
    *, actor: Staff, length: int | None, metadata: dict[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Everything wrong with a new upload's declaration, before a byte is sent."""
    errors: dict[str, list[str]] = {}
    filename = metadata.get("filename", "")
    content_type = metadata.get("filetype", "")
    problem = filename_problem(filename)
    if problem:
        errors["filename"] = [problem]
    else:
        problem = type_problem(filename, content_type)
        if problem:
            errors["filetype"] = [problem]
    maximum = setting("SANXIANG_EVIDENCE_MAX_SIZE")
    if length is None or length <= 0:
        errors["length"] = [_("请申报文件大小（Upload-Length），不能为空文件。")]
    elif length > maximum:
        errors["length"] = [
            _("文件大小 %(n)s 字节超过允许的上限 %(max)s 字节。") % {"n": length, "max": maximum}
        ]
    declared = {}
    for algorithm in ("sha256", "sm3"):
        value = (metadata.get(algorithm) or "").strip().lower()
        if value and not _HEX64.match(value):
            errors[algorithm] = [_("%(alg)s 应为64位十六进制。") % {"alg": algorithm.upper()}]
        declared[algorithm] = value
    if not declared["sha256"] and not declared["sm3"]:
        errors["sha256"] = [_("请申报整个文件的 SHA-256 或 SM3 校验值，服务器据此核验后出具回执。")]
    record_metadata = {
        k: v for k, v in metadata.items() if k not in ("filename", "filetype", "sha256", "sm3")
    }
    values, metadata_errors = _clean_metadata(actor, record_metadata)
    errors.update(metadata_errors)
    return {"values": values, "declared": declared}, errors


@transaction.atomic
def upload_create(*, actor: Staff, length: int | None, metadata: dict[str, str]) -> Upload:
    """Open a resumable upload; every declared field is checked before any byte is accepted."""
    require_role(actor, UPLOADER_ROLES, _("上传音像记录"))
    _require_agency(actor)
    checked, errors = upload_problems(actor=actor, length=length, metadata=metadata)
    if errors:
        raise ValidationError(errors)
    upload = Upload(
        id=secrets.token_hex(16),
        owner=actor,
        length=length,
        filename=metadata["filename"],
        content_type=metadata["filetype"],
        declared_sha256=checked["declared"]["sha256"],
        declared_sm3=checked["declared"]["sm3"],
        metadata={k: str(v) for k, v in metadata.items()},
        expires_at=timezone.now()
        + datetime.timedelta(hours=setting("SANXIANG_EVIDENCE_UPLOAD_HOURS")),
    )
    clean_and_save(upload)
    ledger_append(
        actor=actor,
        action="evidence.upload.create",
        obj=upload,
        details={
            "filename": upload.filename,
            "length": upload.length,
            "declared_sha256": upload.declared_sha256,
            "declared_sm3": upload.declared_sm3,
        },
    )
    return upload


def sniff_problem(upload: Upload, head: bytes) -> str | None:
    if not content_matches(upload.content_type, head):
        return _("文件内容与申报的文件类型 %(t)s 不符。") % {"t": upload.content_type}
    return None


@transaction.atomic
def upload_reject(*, upload: Upload, reason: str, details: dict[str, Any] | None = None) -> Upload:
    """Refuse an upload for good (wrong content type, whole-file digest mismatch)."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.UPLOADING:
        return upload
    upload.status = UploadStatus.REJECTED
    upload.failure_reason = reason[:200]
    upload.save(update_fields=["status", "failure_reason", "updated_at"])
    ledger_append(
        actor=upload.owner,
        action="evidence.upload.reject",
        obj=upload,
        details={"reason": upload.failure_reason, **(details or {})},
    )
    return upload


@transaction.atomic
def upload_terminate(*, actor: Staff, upload: Upload) -> Upload:
    """tus termination: the owner abandons an unfinished upload."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.owner_id != actor.pk:
        raise PermissionDenied(_("只能取消自己的上传任务。"))
    if upload.status != UploadStatus.UPLOADING:
        raise ValidationError({"status": [_("该上传任务已结束，不能取消。")]})
    upload.status = UploadStatus.TERMINATED
    upload.save(update_fields=["status", "updated_at"])
    ledger_append(actor=actor, action="evidence.upload.terminate", obj=upload)
    return upload


@transaction.atomic
def upload_expire(*, upload: Upload) -> Upload:
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.UPLOADING:
        return upload
    upload.status = UploadStatus.EXPIRED
    upload.save(update_fields=["status", "updated_at"])
    ledger_append(actor=None, action="evidence.upload.expire", obj=upload)
    return upload


@transaction.atomic
def upload_complete(*, upload: Upload, blob: blobstore.BlobRef) -> Upload:
    """The last byte arrived and the digests match: register the recording, sign the receipt.

    Metadata that became invalid since the upload began (a device retired meanwhile) is left
    out rather than losing the verified file; it can be completed on the recording's page.
    """
    upload = Upload.objects.select_for_update().select_related("owner").get(pk=upload.pk)
    if upload.status == UploadStatus.COMPLETE:
        return upload
    if upload.status != UploadStatus.UPLOADING:
        raise ValidationError({"status": [_("该上传任务已结束。")]})
    owner = upload.owner
    record_metadata = {
        k: v
        for k, v in upload.metadata.items()
        if k not in ("filename", "filetype", "sha256", "sm3")
    }
    values, errors = _clean_metadata(owner, record_metadata)
    for field in errors:
        values.pop(field, None)
        if field == "device":
            values.pop("underground", None)
    recording = _create_recording(
        actor=owner,
        blob=blob,
        original_name=upload.filename,
        content_type=upload.content_type,
        values=values,
    )
    now = timezone.now()
    receipt, receipt_sm3 = receipt_sign(
        receipt_text(
            upload_id=upload.pk,
            recording_number=recording.number,
            filename=upload.filename,
            content_type=upload.content_type,
            size=blob.size,
            sha256=blob.sha256,
            sm3=blob.sm3,
            stored_at=now,
            stored_by=owner.username,
        )
    )
    upload.status = UploadStatus.COMPLETE
    upload.offset = upload.length
    upload.sha256, upload.sm3 = blob.sha256, blob.sm3
    upload.recording = recording
    upload.receipt, upload.receipt_sm3 = receipt, receipt_sm3
    upload.completed_at = now
    upload.save()
    ledger_append(
        actor=owner,
        action="evidence.upload.complete",
        obj=upload,
        details={
            "recording_id": recording.pk,
            "sha256": blob.sha256,
            "sm3": blob.sm3,
            "size": blob.size,
            "receipt_sm3": receipt_sm3,
            "metadata_dropped": sorted(errors),
        },
    )
    return upload


# --- retrieval approval (JL-USE-2) -------------------------------------------------------------


MAX_RECORD_NUMBER = 2**63 - 1


@transaction.atomic
def retrieval_request_create(
    *,
    actor: Staff,
    purpose: str,
    scope: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime,
    recording: Recording | None = None,
    number: int | None = None,
) -> RetrievalRequest:
    """JL-USE-2: ask to view or download a recording, named by ``number`` (or ``recording``),
    for a stated purpose and period.

    Anyone may name any number (ADR 0021), so the answer must not tell whether it exists or
    what it is (ADR 0065): the checks here depend only on what the requester wrote, the row
    names the number and is linked to a recording only when an approver decides, and its
    ledger event is the same either way. Whether a state secret may be downloaded is settled
    by the approval (:func:`retrieval_decide`), not here."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    requested_id = recording.pk if recording is not None else number
    errors: dict[str, list[str]] = {}
    if not isinstance(requested_id, int) or not 1 <= requested_id <= MAX_RECORD_NUMBER:
        errors["recording"] = [_("请填写音像记录编号（YX 后的数字）。")]
        requested_id = None
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("请说明调阅事由。")]
    if scope not in RetrievalScope.values:
        errors["scope"] = [_("请选择调阅方式。")]
    errors |= period_errors(
        valid_from,
        valid_until,
        longest_days=setting("SANXIANG_EVIDENCE_MAX_RETRIEVAL_DAYS"),
        verb=_("调阅"),
    )
    retrieval = RetrievalRequest(
        requested_id=requested_id or 0,
        requester=actor,
        purpose=purpose,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    clean_and_save(retrieval, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="retrieval.request",
        obj=retrieval,
        details={"recording_id": requested_id, "scope": scope},
    )
    return retrieval


@transaction.atomic
def retrieval_decide(
    *, actor: Staff, retrieval: RetrievalRequest, approve: bool, note: str = ""
) -> RetrievalRequest:
    """JL-USE-2: the custodian or the head approves or refuses (secrets: the head only).

    The decision links the request to the recording it names. JL-ARC-2: a download of a
    state-secret record is approved as viewing only (its content never leaves as a file)."""
    retrieval = RetrievalRequest.objects.select_for_update().get(pk=retrieval.pk)
    recording = Recording.objects.select_related("agency").filter(pk=retrieval.requested_id).first()
    if recording is None:
        raise ValidationError({"recording": [_("没有该编号的音像记录，无从审批。")]})
    require_role(actor, access_rules.approver_roles(recording), _("审批调阅申请"))
    require_scope(actor, recording.agency)
    if retrieval.requester_id == actor.pk:
        raise PermissionDenied(_("不能审批本人的调阅申请。"))
    if retrieval.status != RetrievalStatus.PENDING:
        raise ValidationError({"status": [_("该申请已审批，不能重复审批。")]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("不予批准时请说明理由。")]})
    details: dict[str, Any] = {
        "recording_id": recording.pk,
        "requester_id": retrieval.requester_id,
        "valid_until": retrieval.valid_until.isoformat(),
    }
    if (
        approve
        and retrieval.scope == RetrievalScope.DOWNLOAD
        and not access_rules.may_download_at_all(recording)
    ):
        retrieval.scope = RetrievalScope.VIEW
        details["scope_narrowed"] = RetrievalScope.VIEW
        note = (note + " " if note else "") + _("涉密记录只能在线查看，已按查看批准。")
    retrieval.recording = recording
    retrieval.status = RetrievalStatus.APPROVED if approve else RetrievalStatus.REFUSED
    retrieval.decided_by = actor
    retrieval.decided_at = timezone.now()
    retrieval.decision_note = note[:300]
    retrieval.save()
    ledger_append(
        actor=actor,
        action="retrieval.approve" if approve else "retrieval.refuse",
        obj=retrieval,
        details=details,
    )
    return retrieval


# --- access: every view, stream and download is a ledger event ----------------------------------

_ACCESS_ACTIONS = {
    access_rules.VIEW: "recording.view",
    access_rules.STREAM: "recording.stream",
    access_rules.DOWNLOAD: "recording.download",
}


@transaction.atomic
def recording_access(
    *, actor: Staff, recording: Recording, mode: str, detail: dict[str, Any] | None = None
) -> access_rules.Access:
    """JL-USE-2 / JL-USE-3: decide, and record in the ledger, one access to a recording's content.

    A refusal is recorded too (and committed: the caller raises only after this returns).
    Granted accesses are checked for bulk or off-hours patterns, which alert the custodians.
    """
    if mode not in access_rules.MODES:
        raise ValueError(f"unknown access mode {mode!r}")
    decision = access_rules.access_for(actor, recording)
    details = {"mode": mode, "basis": decision.basis, **(detail or {})}
    if not decision.allows(mode):
        if decision.view and mode == access_rules.DOWNLOAD:
            decision = access_rules.Access(
                decision.view,
                False,
                decision.basis,
                decision.retrieval,
                reason=_("您获准的调阅方式不含下载，或该记录不允许下载。"),
            )
        ledger_append(
            actor=actor, action="recording.access_refused", obj=recording, details=details
        )
        return decision
    ledger_append(actor=actor, action=_ACCESS_ACTIONS[mode], obj=recording, details=details)
    if decision.basis != "team":
        _check_alerts(actor, recording)
    return decision


def _office_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    working, _provisional = day_status(local.date())
    start, end = setting("SANXIANG_EVIDENCE_OFFICE_START"), setting("SANXIANG_EVIDENCE_OFFICE_END")
    return working and start <= local.hour < end


def _raise_alert(actor: Staff, recording: Recording, kind: str, detail: str) -> None:
    since = timezone.now() - datetime.timedelta(hours=1)
    if AccessAlert.objects.filter(actor=actor, kind=kind, created_at__gte=since).exists():
        return
    alert = AccessAlert.objects.create(
        agency=recording.agency, actor=actor, kind=kind, recording=recording, detail=detail
    )
    ledger_append(
        actor=actor,
        action="evidence.alert",
        obj=alert,
        details={"kind": kind, "recording_id": recording.pk},
    )


@in_legal_language  # the alert's text is stored once and shown to every custodian
def _check_alerts(actor: Staff, recording: Recording) -> None:
    now = timezone.now()
    if not _office_hours(now):
        _raise_alert(
            actor,
            recording,
            AlertKind.OFF_HOURS,
            _("%(who)s 于 %(t)s（非工作时间）调阅 %(n)s。")
            % {
                "who": actor,
                "t": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                "n": recording.number,
            },
        )
    threshold = setting("SANXIANG_EVIDENCE_BULK_THRESHOLD")
    distinct = (
        LedgerEntry.objects.filter(
            actor_id=actor.pk,
            action__in=list(_ACCESS_ACTIONS.values()),
            object_type="evidence.recording",
            recorded_at__gte=now - datetime.timedelta(hours=1),
        )
        .values("object_id")
        .distinct()
        .count()
    )
    if distinct > threshold:
        _raise_alert(
            actor,
            recording,
            AlertKind.BULK,
            _("%(who)s 在一小时内调阅了 %(n)s 份音像记录（阈值 %(t)s）。")
            % {"who": actor, "n": distinct, "t": threshold},
        )


@transaction.atomic
def alert_acknowledge(*, actor: Staff, alert: AccessAlert, note: str) -> AccessAlert:
    require_role(actor, CUSTODY_ROLES, _("处理调阅告警"))
    require_scope(actor, alert.agency)
    alert = AccessAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationError({"note": [_("该告警已处理。")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写处理意见。")]})
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.acknowledgement = note.strip()[:300]
    alert.save()
    ledger_append(actor=actor, action="evidence.alert.acknowledge", obj=alert)
    return alert
