"""The browser upload page: several files at once through the tus endpoint (ADR 0090).

The page (``/evidence/recordings/new/``) hashes each file in the browser (SHA-256 and SM3 in a
Web Worker), declares both digests when it creates the upload — the same ``Upload-Metadata``
the docking-station CLI sends — and sends the bytes with tus-js-client, which resumes after a
cut network or a page reload. The server side is the tus endpoint as it is: its digest check
and its signed receipt.

The subject comes from the page that links here, in the query string:

* ``?case=<id>`` — a penalty case (``cases.case``),
* ``?inspection=<id>`` — an on-site inspection (``inspections.inspection``),
* ``?mine=<id>`` — a coal mine (``registry.coalmine``),
* ``?subject=<app.model:id>`` — any of these as stored (what the case and inspection pages'
  "upload evidence" links pass),

optionally with ``&stage=<stage>`` and ``&activity=<activity code>``. The subject is shown in
words; one outside the user's scope is refused with a message, never used.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxiang.core.forms import PeoplePicker
from sanxiang.core.permissions import is_superuser
from sanxiang.core.validation import error_dict
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import selectors, services
from .conf import setting
from .filetypes import FILE_TYPES
from .forms import ACTIVITY_CHOICES, DateTimeInput
from .models import Activity, Confidentiality, RecordingDevice, UploadStatus
from .subjects import subject_from_reference

SUBJECT_PARAMETERS = {
    "case": "cases.case",
    "inspection": "inspections.inspection",
    "mine": "registry.coalmine",
}
SUBJECT_PAGES = {
    "cases.case": "cases:detail",
    "inspections.inspection": "inspections:inspection_detail",
    "registry.coalmine": "registry:mine_detail",
}
SECTION = "evidence"


class BrowserUploadForm(forms.Form):
    """The description shared by every file of one batch; values are the tus metadata strings."""

    activity = forms.ChoiceField(
        label=gettext_lazy("记录的执法活动"), choices=ACTIVITY_CHOICES, required=False
    )
    stage = forms.CharField(label=gettext_lazy("关联环节"), max_length=60, required=False)
    device = forms.ChoiceField(label=gettext_lazy("记录设备"), required=False)
    officers = forms.MultipleChoiceField(
        label=gettext_lazy("执法人员"),
        required=False,
        widget=PeoplePicker(),
        help_text=gettext_lazy("不选则记为上传人本人。"),
    )
    started_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"), required=False, widget=DateTimeInput()
    )
    ended_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"), required=False, widget=DateTimeInput()
    )
    location = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    underground = forms.BooleanField(label=gettext_lazy("井下记录"), required=False)
    confidentiality = forms.ChoiceField(
        label=gettext_lazy("密级"),
        choices=Confidentiality.choices,
        initial=Confidentiality.ORDINARY,
    )
    notes = forms.CharField(
        label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        devices = RecordingDevice.objects.restrict(user).filter(is_active=True)
        self.fields["device"].choices = [("", _("（未指定）"))] + [
            (d.serial_number, str(d)) for d in devices.order_by("serial_number")
        ]
        people = Staff.objects.restrict(user).with_role(Role.OFFICER).order_by("username")
        self.fields["officers"].choices = [(p.username, p.full_name or p.username) for p in people]


def _browser_messages() -> dict[str, str]:
    """What the upload script says, in the user's language (the script holds no text)."""
    return {
        "waiting": _("等待开始"),
        "queued": _("排队中"),
        "hashing": _("正在计算校验值"),
        "hashed": _("校验值已算出"),
        "hashCached": _("已用本机保存的校验值"),
        "uploading": _("正在上传"),
        "resumed": _("从断点继续：服务器已收到 %(sent)s"),
        "paused": _("已暂停"),
        "retrying": _("网络中断，正在重试……"),
        "offline": _("网络中断，上传已暂停；网络恢复后自动继续，也可点“继续”。"),
        "failed": _("上传失败："),
        "done": _("已存储并校验，记录编号 %(number)s"),
        "receiptOk": _(
            "服务器已核验并签发回执，回执中的大小、SHA-256 和 SM3 与本地文件一致"
            "（回执签名可用 sanxiang-verify 核验）。"
        ),
        "receiptBad": _("回执与本地文件不符，请勿清除设备，并联系管理员。"),
        "receiptMissing": _("未能取得回执，请到“我的上传”查看。"),
        "receiptLink": _("下载回执"),
        "recordingLink": _("查看记录"),
        "sent": _("已传 %(sent)s / %(total)s（%(percent)s）"),
        "badType": _("不支持的文件类型：%(name)s。可上传 %(types)s。"),
        "tooBig": _("文件超过允许的上限 %(max)s：%(name)s。"),
        "empty": _("空文件不能上传：%(name)s。"),
        "duplicate": _("该文件已在列表中：%(name)s。"),
        "noFiles": _("请先拖入或选择文件。"),
        "fixFields": _("请先更正上面标出的信息。"),
        "checkFailed": _("无法核对上传信息，请稍后重试。"),
        "readError": _("无法读取文件（文件可能已被移动或修改）："),
        "leave": _("还有文件正在处理，离开本页会中断上传（之后重新选择同一文件即可续传）。"),
    }


def _may_upload(user) -> bool:
    return is_superuser(user) or user.has_role(*services.UPLOADER_ROLES)


def subject_in_words(obj) -> str:
    return f"{obj._meta.verbose_name}：{obj}"


def _subject_url(label: str, obj) -> str:
    try:
        return reverse(SUBJECT_PAGES[label], args=[obj.pk])
    except (KeyError, NoReverseMatch):
        return ""


def _subject_from_query(request) -> tuple[dict | None, str]:
    """({reference, words, url} or None, error message) from ``?subject=cases.case:6`` (the
    case and inspection pages' links) or ``?case=`` / ``?inspection=`` / ``?mine=``."""
    reference = request.GET.get("subject", "").strip()
    if reference:
        found = subject_from_reference(user=request.user, reference=reference[:100])
        if found is None:
            return None, _("关联对象不存在或不在您的管辖范围内。")
        return {"reference": found.reference, "words": str(found), "url": found.url}, ""
    for parameter, label in SUBJECT_PARAMETERS.items():
        raw = request.GET.get(parameter, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 12:
            return None, _("链接中的关联对象编号有误。")
        try:
            obj = services.subject_resolve(request.user, f"{label}:{raw}")
        except ValueError as exc:
            return None, str(exc)
        return {
            "reference": f"{label}:{obj.pk}",
            "words": subject_in_words(obj),
            "url": _subject_url(label, obj),
        }, ""
    return None, ""


def _extension_types() -> dict[str, str]:
    """File extension → the content type the CLI declares for it (tools/sanxiang_upload.py)."""
    return {
        extension: file_type.content_type
        for file_type in FILE_TYPES.values()
        for extension in file_type.extensions
    }


@login_required
def recording_upload(request):
    """Drag and drop several files; each is hashed, uploaded resumably and receipted."""
    if not _may_upload(request.user):
        raise PermissionDenied(_("您没有上传音像记录的权限。"))
    subject, subject_error = _subject_from_query(request)
    activity = request.GET.get("activity", "")
    initial = {
        "activity": activity if activity in Activity.values else "",
        "stage": request.GET.get("stage", "")[:60],
        "confidentiality": Confidentiality.ORDINARY,
    }
    form = BrowserUploadForm(user=request.user, initial=initial)
    unfinished = selectors.upload_list(user=request.user).filter(status=UploadStatus.UPLOADING)
    return render(
        request,
        "evidence/upload_browser.html",
        {
            "section": SECTION,
            "form": form,
            "subject": subject,
            "subject_error": subject_error,
            "unfinished": unfinished[:20],
            "extension_types": _extension_types(),
            "max_size": setting("SANXIANG_EVIDENCE_MAX_SIZE"),
            "messages_js": _browser_messages(),
        },
    )


@login_required
@require_POST
def upload_check(request):
    """Check a batch's description before any file is hashed (the tus creation checks it again).

    Body: JSON ``{"metadata": {key: text}}`` with the tus metadata keys. Answers 204, or 400
    with a problem body listing the errors field by field.
    """
    if not _may_upload(request.user):
        return _problem(403, _("您没有上传音像记录的权限。"))
    try:
        body = json.loads(request.body.decode("utf-8") or "{}")
        metadata = body.get("metadata") or {}
        if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        ):
            raise ValueError
    except (ValueError, UnicodeDecodeError, AttributeError):
        return _problem(400, _("请求格式有误。"))
    try:
        services.recording_validate_metadata(actor=request.user, metadata=metadata)
    except ValidationError as exc:
        return _problem(400, _("上传信息有误"), error_dict(exc))
    return HttpResponse(status=204)


def _problem(status: int, title: str, errors: dict[str, list[str]] | None = None):
    body: dict = {"type": "about:blank", "title": title, "status": status}
    if errors:
        body["errors"] = [
            {"field": field, "message": message}
            for field, messages in errors.items()
            for message in messages
        ]
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response


@login_required
def upload_recording(request, upload_id: str):
    """From a finished upload (the id in its tus URL) to its recording; only for its owner."""
    upload = (
        selectors.upload_list(user=request.user)
        .filter(pk=upload_id[:32])
        .select_related("recording")
        .first()
    )
    if upload is None or upload.recording is None:
        raise Http404
    return redirect("evidence:recording_detail", upload.recording.pk)
