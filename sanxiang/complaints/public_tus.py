"""The public side of resumable upload (tus 1.0.0 core, creation, termination), under a grant.

The staff endpoint (``evidence/tus.py``, ADR 0020/0090) requires a login and binds an upload
to its creator. A visitor has no login: after the proof of work he gets an upload capability
(``services.grant_issue``) and sends it as ``Sanxiang-Grant`` with every request; an upload
belongs to its grant (anyone else gets 404). The bytes go through the same staging folder, lock
and content-addressed store as evidence (``evidence.ingest``, ``core.blobstore``); the file
stays in quarantine until a report is filed with it and ClamAV has passed it.

Limits (``conf.py``): the public file size (413), photo and video types whose first bytes
match (415), files and bytes per report, bytes per client address and day (413), and the
hourly limit on every request (429).
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sanxiang.core import blobstore
from sanxiang.core.clientip import client_ip
from sanxiang.evidence import ingest
from sanxiang.evidence.filetypes import SNIFF_BYTES, content_matches, filename_problem, type_problem
from sanxiang.evidence.tus import parse_metadata

from .conf import PUBLIC_TYPES, setting
from .models import PublicUpload, PublicUploadStatus, UploadGrant
from .services.common import keyed_digest
from .services.intake import IntakeRefused, grant_find, throttle_hit

TUS_VERSION = "1.0.0"
UPLOADS_PER_HOUR = 120


def _response(status: int, headers: dict[str, Any] | None = None, title: str = "") -> HttpResponse:
    response = HttpResponse(status=status)
    if title:
        body = {"type": "about:blank", "title": title, "status": status}
        response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response["Content-Type"] = "application/problem+json"
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = str(value)
    return response


def _int_header(request: HttpRequest, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ingest.IngestError(400, _("%(h)s 应为非负整数。") % {"h": name})
    return int(raw)


def _entry(handler):
    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _response(
                204,
                {
                    "Tus-Version": TUS_VERSION,
                    "Tus-Extension": "creation,termination",
                    "Tus-Max-Size": setting("SANXIANG_COMPLAINT_FILE_MAX"),
                },
            )
        if request.headers.get("Tus-Resumable") != TUS_VERSION:
            return _response(412, {"Tus-Version": TUS_VERSION}, _("仅支持 tus 1.0.0 协议。"))
        address = client_ip(request)
        try:
            throttle_hit(address=address, kind="upload", limit=UPLOADS_PER_HOUR)
            grant = grant_find(request.headers.get("Sanxiang-Grant", ""))
            if grant is None:
                return _response(403, title=_("附件上传凭证无效或已过期，请重新验证。"))
            return handler(request, grant, address, *args, **kwargs)
        except IntakeRefused as exc:
            return _response(exc.status, {"Retry-After": 3600}, exc.message)
        except ingest.IngestError as exc:
            return _response(exc.status, title=exc.message)

    return view


def _quota_problem(grant: UploadGrant, address: str, length: int) -> str | None:
    if length > setting("SANXIANG_COMPLAINT_FILE_MAX"):
        return _("文件超过 %(n)s MB 的上限。") % {
            "n": setting("SANXIANG_COMPLAINT_FILE_MAX") // (1024 * 1024)
        }
    live = grant.uploads.exclude(status=PublicUploadStatus.REJECTED)
    if live.count() >= setting("SANXIANG_COMPLAINT_FILES_PER_REPORT"):
        return _("每件举报最多附 %(n)s 个文件。") % {
            "n": setting("SANXIANG_COMPLAINT_FILES_PER_REPORT")
        }
    used = live.aggregate(n=Sum("length"))["n"] or 0
    if used + length > setting("SANXIANG_COMPLAINT_BYTES_PER_REPORT"):
        return _("一件举报的附件合计超过上限。")
    since = timezone.now() - datetime.timedelta(days=1)
    day = (
        PublicUpload.objects.filter(
            grant__address_mac=keyed_digest("address", address or "-"), created_at__gte=since
        )
        .exclude(status=PublicUploadStatus.REJECTED)
        .aggregate(n=Sum("length"))["n"]
        or 0
    )
    if day + length > setting("SANXIANG_COMPLAINT_BYTES_PER_ADDRESS_DAY"):
        return _("今日从您的网络上传的附件已达上限，请明天再试。")
    return None


@_entry
def tus_collection(request: HttpRequest, grant: UploadGrant, address: str) -> HttpResponse:
    if request.method != "POST":
        return _response(405, {"Allow": "OPTIONS, POST"})
    length = _int_header(request, "Upload-Length")
    if length is None or length == 0:
        return _response(400, title=_("请提供文件大小（Upload-Length）。"))
    try:
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    except Exception:
        return _response(400, title=_("Upload-Metadata 格式有误。"))
    filename = (metadata.get("filename") or "").strip()
    content_type = (metadata.get("filetype") or "").strip().lower()
    if content_type not in PUBLIC_TYPES:
        return _response(415, title=_("只接受 JPEG、PNG 照片和 MP4、MOV 视频。"))
    problem = filename_problem(filename) or type_problem(filename, content_type)
    if problem:
        return _response(415, title=problem)
    with transaction.atomic():
        grant = UploadGrant.objects.select_for_update().get(pk=grant.pk)
        quota = _quota_problem(grant, address, length)
        if quota:
            return _response(413, title=quota)
        upload = PublicUpload.objects.create(
            id=secrets.token_hex(16),
            grant=grant,
            length=length,
            filename=filename[:200],
            content_type=content_type,
        )
    location = request.build_absolute_uri(
        reverse("portal:complaints_public:tus_upload", args=[upload.pk])
    )
    return _response(201, {"Location": location, "Upload-Offset": 0})


def _upload(grant: UploadGrant, upload_id: str) -> PublicUpload:
    upload = PublicUpload.objects.filter(pk=upload_id[:32], grant=grant).first()
    if upload is None:
        raise ingest.IngestError(404, _("上传任务不存在。"))
    return upload


def _reject(upload: PublicUpload, status: int, message: str) -> None:
    PublicUpload.objects.filter(pk=upload.pk).update(status=PublicUploadStatus.REJECTED)
    ingest.discard_files(upload.pk)
    raise ingest.IngestError(status, message)


def _append(upload: PublicUpload, request: HttpRequest, offset: int, length: int) -> PublicUpload:
    with ingest.upload_lock(upload.pk):
        upload = PublicUpload.objects.get(pk=upload.pk)
        if upload.status != PublicUploadStatus.UPLOADING:
            raise ingest.IngestError(409, _("该上传任务已结束。"))
        if offset != upload.offset:
            raise ingest.IngestError(409, _("Upload-Offset 与服务器已接收的字节数不一致。"))
        if offset + length > upload.length:
            _reject(upload, 413, _("本次写入将超出申报的文件大小。"))
        path = ingest.partial_path(upload.pk)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        written = 0
        with os.fdopen(fd, "r+b") as handle:
            handle.truncate(upload.offset)
            handle.seek(upload.offset)
            remaining = length
            while remaining > 0:
                chunk = request.read(min(ingest.READ_SIZE, remaining))
                if not chunk:
                    break
                handle.write(chunk)
                written += len(chunk)
                remaining -= len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        new_offset = upload.offset + written
        if upload.offset < SNIFF_BYTES <= new_offset or new_offset == upload.length:
            with open(path, "rb") as head:
                if not content_matches(upload.content_type, head.read(SNIFF_BYTES)):
                    _reject(upload, 415, _("文件内容与申报的文件类型不符。"))
        upload.offset = new_offset
        if new_offset == upload.length:
            sha256, sm3 = blobstore.hash_local_file(path).hexdigests()
            blob = blobstore.blob_commit_file(path, sha256=sha256, sm3=sm3, size=upload.length)
            upload.sha256, upload.blob_path = sha256, blob.path
            upload.status = PublicUploadStatus.COMPLETE
            ingest.discard_files(upload.pk)
        upload.save()
        return upload


@_entry
def tus_upload(request: HttpRequest, grant: UploadGrant, address: str, upload_id: str):
    upload = _upload(grant, upload_id)
    if request.method == "HEAD":
        if upload.status == PublicUploadStatus.REJECTED:
            return _response(410)
        return _response(200, {"Upload-Offset": upload.offset, "Upload-Length": upload.length})
    if request.method == "DELETE":
        if upload.status == PublicUploadStatus.UPLOADING:
            _reject_quietly(upload)
        return _response(204)
    if request.method != "PATCH":
        return _response(405, {"Allow": "OPTIONS, HEAD, PATCH, DELETE"})
    if request.content_type != "application/offset+octet-stream":
        return _response(415, title=_("Content-Type 应为 application/offset+octet-stream。"))
    offset = _int_header(request, "Upload-Offset")
    length = _int_header(request, "Content-Length")
    if offset is None or length is None:
        return _response(400, title=_("请提供 Upload-Offset 和 Content-Length。"))
    upload = _append(upload, request, offset, length)
    return _response(204, {"Upload-Offset": upload.offset})


def _reject_quietly(upload: PublicUpload) -> None:
    PublicUpload.objects.filter(pk=upload.pk).update(status=PublicUploadStatus.REJECTED)
    with ingest.upload_lock(upload.pk):
        ingest.discard_files(upload.pk)
