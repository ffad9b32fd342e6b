"""Uploads (tus, JL-AV-3): the checks of a new upload, the sniffed file type, rejection,
termination, expiry and completion into a recording.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import blobstore
from sanxiang.core.permissions import require_role
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from ..conf import setting
from ..filetypes import content_matches, filename_problem, type_problem
from ..models import (
    Upload,
    UploadStatus,
)
from ..receipts import receipt_sign, receipt_text
from .common import UPLOADER_ROLES, _require_agency
from .recordings import _HEX64, _clean_metadata, _create_recording


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
