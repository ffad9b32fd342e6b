"""Pages for evidence: recordings and their player, uploads, devices, retrieval, alerts.

No URL serves a stored file directly: the stream and download views check access and record
each access in the ledger before a byte leaves (JL-USE-2).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.core import blobstore
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.ledger.keys import verifier_key_file
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import Role

from . import access as access_rules
from . import selectors, services, watermark
from .forms import (
    AlertAcknowledgeForm,
    ConfidentialityForm,
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
    decision = access_rules.access_for(request.user, recording)
    if decision.view:
        decision = services.recording_access(
            actor=request.user, recording=recording, mode=access_rules.VIEW
        )
    may_edit = services.may_edit_recording(request.user, recording)
    is_custody = _is_custody(request.user) and in_scope(request.user, recording.agency)
    return render(
        request,
        "evidence/recording_detail.html",
        {
            "section": SECTION,
            "recording": recording,
            "title": selectors.title_for(request.user, recording),
            "access": decision,
            "officers": recording.officers.all(),
            "derived": selectors.derived_list(recording=recording) if decision.view else [],
            "may_edit": may_edit,
            "is_custody": is_custody,
            "history": object_history(recording),
            "watermarked": recording.content_type in watermark.WATERMARKABLE,
            "my_requests": recording.retrievals.filter(requester=request.user),
        },
    )


def _refused(decision) -> HttpResponse:
    response = render_refusal(decision.reason)
    return response


def render_refusal(reason: str) -> HttpResponse:
    response = HttpResponse(reason, status=403, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def recording_stream(request, pk: int):
    """Range requests for playback (206 Partial Content), after the access check (JL-USE-2)."""
    recording = get_or_404(selectors.recording_for_request, pk=pk)
    range_header = request.headers.get("Range")
    decision = services.recording_access(
        actor=request.user,
        recording=recording,
        mode=access_rules.STREAM,
        detail={"range": (range_header or "")[:60]},
    )
    if not decision.view:
        return _refused(decision)
    return ranged_response(
        path=recording.blob_path,
        size=recording.size,
        content_type=recording.content_type,
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
        return _refused(decision)
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
def recording_upload(request):
    """A browser upload for photos, scans and short clips (the form's file is spooled to disk)."""
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)

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
        title=_("上传音像记录或文件证据"),
        cancel_url=reverse("evidence:recording_list"),
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
    form = RecordingMetadataForm(request.POST or None, initial=initial, user=request.user)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.recording_update(
            actor=request.user, recording=recording, **_metadata_from_form(data)
        ),
        success_url=lambda r: reverse("evidence:recording_detail", args=[r.pk]),
        success_message=_("已保存。"),
        title=_("修改音像记录信息：%(n)s") % {"n": recording.number},
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
        pending=selectors.retrieval_pending_for(user=request.user),
        now=timezone.now(),
    )
    return render(request, "evidence/retrieval_list.html", context)


@login_required
def retrieval_create(request):
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "recording": request.GET.get("recording", "")[:12],
        "scope": RetrievalScope.VIEW,
        "valid_from": now,
        "valid_until": now + datetime.timedelta(days=7),
    }
    form = RetrievalRequestForm(request.POST or None, initial=initial)

    def call(data):
        try:
            recording = selectors.recording_for_request(pk=data.pop("recording"))
        except ObjectDoesNotExist:
            from django.core.exceptions import ValidationError

            raise ValidationError({"recording": [_("没有该编号的音像记录。")]}) from None
        return services.retrieval_request_create(actor=request.user, recording=recording, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda r: reverse("evidence:retrieval_list"),
        success_message=_("已提交调阅申请，待保管人或负责人审批。"),
        title=_("申请调阅音像记录"),
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
        % {"who": retrieval.requester, "n": retrieval.recording.number, "p": retrieval.purpose},
        cancel_url=reverse("evidence:retrieval_list"),
        section=SECTION,
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
