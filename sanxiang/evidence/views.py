"""Pages for evidence: recordings and their player, uploads, devices, retrieval, alerts.

No URL serves a stored file directly: the stream and download views check access and record
each access in the ledger before a byte leaves (JL-USE-2).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.core import blobstore
from sanxiang.core.forms import ConfidentialityForm
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.ledger.keys import verifier_key_file
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import Role

from . import access as access_rules
from . import derivatives, selectors, services, viewing, watermark
from .forms import (
    AlertAcknowledgeForm,
    CustodianForm,
    DeviceForm,
    RecordingMetadataForm,
    RedactedCopyForm,
    RetrievalDecisionForm,
    RetrievalRequestForm,
    UploadForm,
)
from .models import Activity, DerivedKind, MediaKind, RetrievalScope
from .playback import ranged_response
from .subjects import stage_label, subject_describe, subject_from_reference

SECTION = "evidence"


def _is_custody(user) -> bool:
    return is_superuser(user) or user.has_role(*services.CUSTODY_ROLES)


@login_required
def recording_list(request):
    q = clean_text(request, "q")
    activity = clean_text(request, "activity", 30)
    media_kind = clean_text(request, "kind", 10)
    recordings = selectors.recording_list(
        user=request.user, q=q, activity=activity, media_kind=media_kind
    )
    context = paginate(request, recordings)
    context["rows"] = [(r, selectors.title_for(request.user, r)) for r in context["page_obj"]]
    context.update(
        section=SECTION,
        q=q,
        activity=activity,
        activities=Activity.choices,
        kind=media_kind,
        kinds=MediaKind.choices,
        may_upload=is_superuser(request.user) or request.user.has_role(*services.UPLOADER_ROLES),
        is_custody=_is_custody(request.user),
        pending=len(selectors.retrieval_pending_for(user=request.user)),
        open_alerts=selectors.alert_list(user=request.user, open_only=True).count(),
    )
    return render(request, "evidence/recording_list.html", context)


@login_required
def recording_detail(request, pk: int):
    recording = get_or_404(selectors.recording_get, user=request.user, pk=pk)
    decision = viewing.recording_view(actor=request.user, recording=recording)
    playable = derivatives.playable_copy(recording) if decision.view else None
    unplayable = derivatives.unplayable_info(recording) if decision.view and not playable else None
    may_edit = services.may_edit_recording(request.user, recording)
    is_custody = _is_custody(request.user) and in_scope(request.user, recording.agency)
    shown = selectors.recording_shown(request.user, recording)
    return render(
        request,
        "evidence/recording_detail.html",
        {
            "section": SECTION,
            "recording": recording,
            "title": shown.title,
            "original_name": shown.original_name,
            "access": decision,
            "officers": recording.officers.all(),
            "derived": selectors.derived_list(recording=recording) if decision.view else [],
            "playable": playable,
            "unplayable": unplayable,
            "may_edit": may_edit,
            "is_custody": is_custody,
            "history": object_history(recording),
            "watermarked": recording.content_type in watermark.WATERMARKABLE,
            "my_requests": selectors.my_retrievals(user=request.user, recording=recording),
            "subject": subject_describe(
                user=request.user,
                subject_type=recording.subject_type,
                subject_id=recording.subject_id,
            ),
            "stage": stage_label(recording.stage),
        },
    )


def _refused(request, recording, decision) -> HttpResponse:
    """403 with the reason — or, to whoever may not even see the record's metadata, the same
    404 as for a number that does not exist (the refusal is in the ledger either way)."""
    if not selectors.metadata_visible(request.user, recording):
        raise Http404
    return render_refusal(decision.reason)


def render_refusal(reason: str) -> HttpResponse:
    response = HttpResponse(reason, status=403, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def recording_stream(request, pk: int):
    """Range requests for playback (206 Partial Content), after the access check (JL-USE-2).

    ``?copy=<id>`` plays a derived copy (the H.264 copy of an H.265 original) under the same
    check. The first range of a playback is one 播放 in the ledger (ADR 0091).
    """
    recording = get_or_404(selectors.recording_for_request, pk=pk)
    derived = None
    copy_id = request.GET.get("copy", "")
    if copy_id:
        if not copy_id.isdigit() or len(copy_id) > 12:
            raise Http404
        derived = get_object_or_404(recording.derived.all(), pk=int(copy_id))
    range_header = request.headers.get("Range")
    decision = viewing.recording_play(
        actor=request.user, recording=recording, range_header=range_header, derived=derived
    )
    if not decision.view:
        return _refused(request, recording, decision)
    source = derived or recording
    return ranged_response(
        path=source.blob_path,
        size=source.size,
        content_type=source.content_type,
        range_header=range_header,
    )


@login_required
@require_GET
def recording_download(request, pk: int):
    """A download: images and PDFs carry a visible watermark with the viewer and the time."""
    recording = get_or_404(selectors.recording_for_request, pk=pk)
    derived = None
    derived_id = request.GET.get("derived", "")
    if derived_id:
        if not derived_id.isdigit():
            raise Http404
        derived = get_object_or_404(recording.derived.all(), pk=int(derived_id))
    source = derived or recording
    decision = services.recording_access(
        actor=request.user,
        recording=recording,
        mode=access_rules.DOWNLOAD,
        detail={"derived": derived.pk} if derived else {},
    )
    if not decision.download:
        return _refused(request, recording, decision)
    filename = recording.original_name
    if derived is not None:
        filename = f"{derived.get_kind_display()}-{recording.number}"
    if source.content_type in watermark.WATERMARKABLE:
        if source.size > watermark.MAX_WATERMARK_BYTES:
            return render_refusal(_("文件过大，无法加注水印下载，请在线查看或联系保管人。"))
        text = watermark.watermark_text(
            viewer=request.user, moment=timezone.now(), number=recording.number
        )
        data, content_type = watermark.watermark(
            blobstore.blob_read(source.blob_path), source.content_type, text
        )
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["Cache-Control"] = "private, no-store"
        return response
    return ranged_response(
        path=source.blob_path,
        size=source.size,
        content_type=source.content_type,
        range_header=request.headers.get("Range"),
        disposition="attachment",
        filename=filename,
    )


def _metadata_from_form(data: dict) -> dict:
    values = {k: v for k, v in data.items() if k not in ("file",)}
    values["officers"] = list(values.get("officers") or [])
    return values


@login_required
def recording_upload_form(request):
    """A plain form upload for photos, scans and short clips, for browsers without JavaScript
    (the form's file is spooled to disk); the upload page itself is upload_views.py."""
    subject = subject_from_reference(
        user=request.user, reference=request.POST.get("subject") or request.GET.get("subject", "")
    )
    initial = {"subject": subject.reference} if subject else {}
    if subject and request.GET.get("activity") in Activity.values:
        initial["activity"] = request.GET["activity"]
    form = UploadForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )

    def call(data):
        upload = data["file"]
        metadata = _metadata_from_form(data)
        if not metadata.get("officers"):
            metadata.pop("officers")
        return services.recording_create_from_stream(
            actor=request.user,
            chunks=upload.chunks(),
            filename=upload.name,
            content_type=upload.content_type or "",
            metadata=metadata,
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda r: reverse("evidence:recording_detail", args=[r.pk]),
        success_message=_("已上传并校验。"),
        title=_("上传音像记录或文件证据（普通表单）")
        + (_("（关联%(subject)s）") % {"subject": subject} if subject else ""),
        cancel_url=subject.url if subject else reverse("evidence:recording_upload"),
        section=SECTION,
        template="evidence/upload_form.html",
    )


@login_required
def recording_edit(request, pk: int):
    recording = get_or_404(selectors.recording_get, user=request.user, pk=pk)
    if not services.may_edit_recording(request.user, recording):
        raise PermissionDenied
    subject = f"{recording.subject_type}:{recording.subject_id}" if recording.subject_type else ""
    initial = {
        "title": recording.title,
        "activity": recording.activity,
        "subject": subject,
        "stage": recording.stage,
        "device": recording.device,
        "officers": list(recording.officers.all()),
        "started_at": recording.started_at and timezone.localtime(recording.started_at),
        "ended_at": recording.ended_at and timezone.localtime(recording.ended_at),
        "location": recording.location,
        "underground": recording.underground,
        "notes": recording.notes,
    }
    current = subject_describe(
        user=request.user, subject_type=recording.subject_type, subject_id=recording.subject_id
    )
    form = RecordingMetadataForm(request.POST or None, initial=initial, user=request.user)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.recording_update(
            actor=request.user, recording=recording, **_metadata_from_form(data)
        ),
        success_url=lambda r: reverse("evidence:recording_detail", args=[r.pk]),
        success_message=_("已保存。"),
        title=_("修改音像记录信息：%(n)s") % {"n": recording.number}
        + (_("（关联%(subject)s）") % {"subject": current} if current else ""),
        cancel_url=reverse("evidence:recording_detail", args=[recording.pk]),
        section=SECTION,
    )


@login_required
def recording_custodian(request, pk: int):
    recording = get_or_404(selectors.recording_get, user=request.user, pk=pk)
    form = CustodianForm(
        request.POST or None, user=request.user, initial={"custodian": recording.custodian}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.recording_assign_custodian(
            actor=request.user, recording=recording, custodian=data["custodian"]
        ),
        success_url=lambda r: reverse("evidence:recording_detail", args=[r.pk]),
        success_message=_("已指定保管人。"),
        title=_("指定保管人：%(n)s") % {"n": recording.number},
        cancel_url=reverse("evidence:recording_detail", args=[recording.pk]),
        section=SECTION,
    )


@login_required
def recording_confidentiality(request, pk: int):
    recording = get_or_404(selectors.recording_get, user=request.user, pk=pk)
    form = ConfidentialityForm(request.POST or None, initial={"level": recording.confidentiality})
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.recording_set_confidentiality(
            actor=request.user, recording=recording, **data
        ),
        success_url=lambda r: reverse("evidence:recording_detail", args=[r.pk]),
        success_message=_("已变更密级。"),
        title=_("变更密级：%(n)s") % {"n": recording.number},
        cancel_url=reverse("evidence:recording_detail", args=[recording.pk]),
        section=SECTION,
    )


@login_required
def recording_redacted(request, pk: int):
    recording = get_or_404(selectors.recording_get, user=request.user, pk=pk)
    form = RedactedCopyForm(request.POST or None, request.FILES or None)

    def call(data):
        upload = data["file"]
        return services.derived_file_add(
            actor=request.user,
            recording=recording,
            kind=DerivedKind.REDACTED,
            chunks=upload.chunks(),
            content_type=upload.content_type or "application/octet-stream",
            note=data["note"],
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda d: reverse("evidence:recording_detail", args=[recording.pk]),
        success_message=_("已添加脱敏副本，原始记录未作任何改动。"),
        title=_("添加脱敏副本：%(n)s") % {"n": recording.number},
        cancel_url=reverse("evidence:recording_detail", args=[recording.pk]),
        section=SECTION,
        template="evidence/upload_form.html",
    )


# --- devices -----------------------------------------------------------------------------------


@login_required
def device_list(request):
    q = clean_text(request, "q")
    context = paginate(request, selectors.device_list(user=request.user, q=q))
    context.update(
        section=SECTION,
        q=q,
        today=timezone.localdate(),
        may_edit=is_superuser(request.user) or request.user.has_role(*services.DEVICE_ROLES),
    )
    return render(request, "evidence/device_list.html", context)


@login_required
def device_create(request):
    form = DeviceForm(
        request.POST or None, user=request.user, initial={"agency": request.user.agency}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.device_register(actor=request.user, **data),
        success_url=lambda d: reverse("evidence:device_list"),
        success_message=_("已登记执法记录仪。"),
        title=_("登记执法记录仪"),
        cancel_url=reverse("evidence:device_list"),
        section=SECTION,
    )


@login_required
def device_edit(request, pk: int):
    device = get_or_404(selectors.device_get, user=request.user, pk=pk, action="change")
    form = DeviceForm(request.POST or None, instance=device, user=request.user)

    def call(data):
        data.pop("agency", None)
        return services.device_update(actor=request.user, device=device, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda d: reverse("evidence:device_list"),
        success_message=_("已保存。"),
        title=_("修改执法记录仪：%(n)s") % {"n": device.serial_number},
        cancel_url=reverse("evidence:device_list"),
        section=SECTION,
    )


# --- retrieval approval ------------------------------------------------------------------------


@login_required
def retrieval_list(request):
    requests = selectors.retrieval_list(user=request.user)
    context = paginate(request, requests)
    context.update(
        section=SECTION,
        pending_requests=selectors.retrieval_pending_for(user=request.user),
        now=timezone.now(),
    )
    return render(request, "evidence/retrieval_list.html", context)


@login_required
def retrieval_create(request):
    now = timezone.localtime().replace(second=0, microsecond=0)
    # Asked for from the recording's page: the number is carried, not typed. Nothing is looked
    # up here, so the page is the same whether that number exists or not (ADR 0065).
    asked = request.GET.get("recording", "")[:12]
    chosen = f"YX{int(asked):08d}" if asked.isdigit() and int(asked) > 0 else ""
    initial = {
        "recording": chosen,
        "scope": RetrievalScope.VIEW,
        "valid_from": now,
        "valid_until": now + datetime.timedelta(days=7),
    }
    form = RetrievalRequestForm(request.POST or None, initial=initial, chosen=bool(chosen))

    def call(data):
        number = data.pop("recording")
        return services.retrieval_request_create(actor=request.user, number=number, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda r: reverse("evidence:retrieval_list"),
        success_message=_("已提交调阅申请，待保管人或负责人审批。"),
        submit_label=_("提交调阅申请"),
        title=_("申请调阅音像记录 %(n)s") % {"n": chosen} if chosen else _("申请调阅音像记录"),
        cancel_url=reverse("evidence:retrieval_list"),
        section=SECTION,
    )


@login_required
def retrieval_decide(request, pk: int):
    retrieval = get_or_404(selectors.retrieval_get, user=request.user, pk=pk)
    if not selectors.may_decide(request.user, retrieval):
        raise PermissionDenied
    form = RetrievalDecisionForm(request.POST or None)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.retrieval_decide(
            actor=request.user,
            retrieval=retrieval,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        success_url=lambda r: reverse("evidence:retrieval_list"),
        success_message=_("已审批。"),
        title=_("审批调阅申请：%(who)s 调阅 %(n)s（%(p)s）")
        % {"who": retrieval.requester, "n": retrieval.number, "p": retrieval.purpose},
        cancel_url=reverse("evidence:retrieval_list"),
        section=SECTION,
        buttons=[
            ("decision", "approve", _("批准"), "primary"),
            ("decision", "refuse", _("不予批准"), "button secondary"),
        ],
    )


# --- alerts, uploads, keys ----------------------------------------------------------------------


@login_required
def alert_list(request):
    if not _is_custody(request.user):
        raise PermissionDenied
    context = paginate(request, selectors.alert_list(user=request.user))
    context["section"] = SECTION
    return render(request, "evidence/alert_list.html", context)


@login_required
def alert_acknowledge(request, pk: int):
    alert = get_or_404(lambda **kw: selectors.alert_list(user=request.user).get(**kw), pk=pk)
    form = AlertAcknowledgeForm(request.POST or None)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.alert_acknowledge(actor=request.user, alert=alert, **data),
        success_url=lambda a: reverse("evidence:alert_list"),
        success_message=_("已处理告警。"),
        title=_("处理调阅告警：%(d)s") % {"d": alert.detail},
        cancel_url=reverse("evidence:alert_list"),
        section=SECTION,
    )


@login_required
def upload_list(request):
    context = paginate(request, selectors.upload_list(user=request.user))
    context.update(
        section=SECTION,
        tus_url=request.build_absolute_uri(reverse("evidence:tus_collection")),
        is_officer=request.user.has_role(Role.OFFICER),
    )
    return render(request, "evidence/upload_list.html", context)


def receipt_keys(request):
    """The public keys that verify upload receipts (the ledger's verifier keys)."""
    response = HttpResponse(verifier_key_file(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
