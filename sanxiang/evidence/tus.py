"""tus 1.0.0 resumable upload endpoints (core, creation, termination, checksum, expiration).

Plain Django views, not part of the JSON API: the bodies are raw bytes, read from the request
stream in chunks (``request.body`` is never touched, so nothing is held in memory and
``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply). See ADR 0020 for the protocol choice.

* ``OPTIONS /evidence/tus/``      capabilities
* ``POST    /evidence/tus/``      create (``Upload-Length``, ``Upload-Metadata``)
* ``HEAD    /evidence/tus/<id>``  current offset
* ``PATCH   /evidence/tus/<id>``  append at ``Upload-Offset`` (optional ``Upload-Checksum``)
* ``DELETE  /evidence/tus/<id>``  terminate
* ``GET     /evidence/tus/<id>/receipt``  the signed receipt of a completed upload

Authentication: a bearer API token (``Authorization: Bearer sx_…``, for the CLI at docking
stations) with the ``upload`` scope, or the browser session. A device token acts as the
device's keeper and always names its own device (ADR 0075). CSRF is waived only for token requests; session requests
must carry the CSRF token as usual. An upload belongs to the person who created it: anyone
else gets 404 for it, whatever their role.

Metadata keys (values base64, per tus): ``filename``, ``filetype`` and ``sha256`` and/or
``sm3`` (hex digests of the whole file) are required; ``title``, ``activity``, ``subject``
(``registry.coalmine:12``), ``stage``, ``device`` (serial number), ``started_at``,
``ended_at`` (ISO 8601), ``location``, ``underground`` (1/0), ``confidentiality``,
``officers`` (comma-separated user names) and ``notes`` describe the recording.

Status codes beyond tus's own: 413 for a declared size over the limit, 415 for a file whose
first bytes are not of its declared type, 423 while another request holds the upload, 460
when a chunk's or the whole file's checksum does not match (the upload is then refused).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sanxiang.api.tokens import UPLOAD_SCOPE, api_token_lookup, bind_device_metadata
from sanxiang.core.audit import audit_context
from sanxiang.core.validation import error_dict

from . import ingest, services
from .conf import setting
from .models import Upload, UploadStatus

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"
_BEARER = re.compile(r"^Bearer\s+(\S+)$", re.IGNORECASE)
_METADATA_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _response(status: int, headers: dict[str, Any] | None = None, body: Any = None) -> HttpResponse:
    response = HttpResponse(status=status)
    if status == 460:
        response.reason_phrase = "Checksum Mismatch"
    if body is not None:
        response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response["Content-Type"] = "application/problem+json"
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = str(value)
    return response


def _problem(status: int, title: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if errors:
        body["errors"] = [
            {"field": field, "message": message}
            for field, messages in errors.items()
            for message in messages
        ]
    return _response(status, body=body)


def _csrf_failure(request: HttpRequest) -> bool:
    check = CsrfViewMiddleware(lambda req: HttpResponse())
    check.process_request(request)
    return check.process_view(request, None, (), {}) is not None


def _authenticate(request: HttpRequest):
    """(user, via token?) — or (None, False). Session requests must pass CSRF."""
    match = _BEARER.match(request.headers.get("Authorization", ""))
    if match:
        found = api_token_lookup(match.group(1))
        if found is None or not found.allows(UPLOAD_SCOPE):
            return None, True
        request.user = found.staff
        request.api_token = found.token
        return found.staff, True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS") and _csrf_failure(request):
            raise PermissionDenied(_("CSRF 校验失败，请刷新页面后重试。"))
        return user, False
    return None, False


def _entry(handler):
    """Common protocol checks, authentication, the audit context and error mapping."""

    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _options()
        if request.headers.get("Tus-Resumable") != TUS_VERSION and request.method != "GET":
            return _response(
                412,
                {"Tus-Version": TUS_VERSION},
                {"title": _("仅支持 tus 1.0.0 协议。"), "status": 412},
            )
        try:
            user, _via_token = _authenticate(request)
        except PermissionDenied as exc:
            return _problem(403, str(exc))
        if user is None:
            response = _problem(401, _("未登录或令牌无效。"))
            response["WWW-Authenticate"] = "Bearer"
            return response
        with audit_context(
            actor=user,
            channel="api",
            request_id=getattr(request, "request_id", "") or None,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        ):
            try:
                return handler(request, user, *args, **kwargs)
            except ingest.IngestError as exc:
                return _problem(exc.status, exc.message)
            except ValidationError as exc:
                return _problem(400, _("上传信息有误"), error_dict(exc))
            except PermissionDenied as exc:
                return _problem(403, str(exc) or _("没有权限。"))

    return view


def _options() -> HttpResponse:
    return _response(
        204,
        {
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Max-Size": setting("SANXIANG_EVIDENCE_MAX_SIZE"),
            "Tus-Checksum-Algorithm": ",".join(ingest.CHECKSUM_ALGORITHMS),
        },
    )


def parse_metadata(header: str) -> dict[str, str]:
    """tus ``Upload-Metadata``: ``key base64,key base64`` (values UTF-8)."""
    metadata: dict[str, str] = {}
    if not header.strip():
        return metadata
    for pair in header.split(","):
        key, _sep, encoded = pair.strip().partition(" ")
        if not _METADATA_KEY.match(key) or key in metadata:
            raise ValidationError({"metadata": [_("Upload-Metadata 格式有误。")]})
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise ValidationError(
                {key: [_("Upload-Metadata 中的值应为 UTF-8 文本的 Base64 编码。")]}
            ) from None
        metadata[key] = value
    return metadata


def _int_header(request: HttpRequest, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ingest.IngestError(400, _("%(h)s 应为非负整数。") % {"h": name})
    return int(raw)


def _upload_url(upload: Upload) -> str:
    return reverse("evidence:tus_upload", args=[upload.pk])


def _receipt_url(upload: Upload) -> str:
    return reverse("evidence:tus_receipt", args=[upload.pk])


@_entry
def tus_collection(request: HttpRequest, user) -> HttpResponse:
    if request.method != "POST":
        return _response(405, {"Allow": "OPTIONS, POST"})
    if request.headers.get("Upload-Defer-Length"):
        return _problem(400, _("不支持延后申报文件大小，请提供 Upload-Length。"))
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _problem(400, _("请提供 Upload-Length。"))
    maximum = setting("SANXIANG_EVIDENCE_MAX_SIZE")
    if length > maximum:
        return _problem(
            413,
            _("文件大小 %(n)s 字节超过允许的上限 %(max)s 字节。") % {"n": length, "max": maximum},
        )
    if _int_header(request, "Content-Length"):
        return _problem(400, _("创建上传任务时请求体应为空（不支持 creation-with-upload）。"))
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    metadata = bind_device_metadata(getattr(request, "api_token", None), metadata)
    upload = services.upload_create(actor=user, length=length, metadata=metadata)
    return _response(
        201,
        {
            "Location": request.build_absolute_uri(_upload_url(upload)),
            "Upload-Offset": 0,
            "Upload-Expires": _http_date(upload.expires_at),
        },
    )


def _http_date(moment) -> str:
    from django.utils.http import http_date

    return http_date(moment.timestamp())


def _own_upload(user, upload_id: str) -> Upload:
    upload = Upload.objects.filter(pk=upload_id[:32], owner=user).first()
    if upload is None:
        raise ingest.IngestError(404, _("上传任务不存在。"))
    return upload


def _offset_headers(upload: Upload) -> dict[str, Any]:
    headers: dict[str, Any] = {
        "Upload-Offset": upload.offset,
        "Upload-Length": upload.length,
        "Upload-Expires": _http_date(upload.expires_at),
    }
    if upload.status == UploadStatus.COMPLETE:
        headers["Sanxiang-Receipt"] = _receipt_url(upload)
        headers["Sanxiang-Recording"] = upload.recording.number
    return headers


@_entry
def tus_upload(request: HttpRequest, user, upload_id: str) -> HttpResponse:
    upload = _own_upload(user, upload_id)
    if request.method == "HEAD":
        if upload.status not in (UploadStatus.UPLOADING, UploadStatus.COMPLETE):
            return _response(410)
        return _response(200, _offset_headers(upload))
    if request.method == "DELETE":
        services.upload_terminate(actor=user, upload=upload)
        ingest.upload_discard(upload)
        return _response(204)
    if request.method != "PATCH":
        return _response(405, {"Allow": "OPTIONS, HEAD, PATCH, DELETE"})
    if request.content_type != "application/offset+octet-stream":
        return _problem(415, _("PATCH 请求的 Content-Type 应为 application/offset+octet-stream。"))
    offset = _int_header(request, "Upload-Offset")
    content_length = _int_header(request, "Content-Length")
    if offset is None or content_length is None:
        return _problem(400, _("请提供 Upload-Offset 和 Content-Length。"))
    checksum = ingest.parse_checksum(request.headers.get("Upload-Checksum"))
    result = ingest.upload_append(
        upload=upload,
        offset=offset,
        stream=request,
        content_length=content_length,
        checksum=checksum,
    )
    return _response(204, _offset_headers(result.upload))


@_entry
def tus_receipt(request: HttpRequest, user, upload_id: str) -> HttpResponse:
    upload = _own_upload(user, upload_id)
    if upload.status != UploadStatus.COMPLETE:
        return _problem(409, _("上传尚未完成，没有回执。"))
    response = HttpResponse(upload.receipt, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Sanxiang-Receipt-SM3"] = upload.receipt_sm3
    return response
