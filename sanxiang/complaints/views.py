"""Staff pages of 投诉举报: the intake queue, registration, each step of the workflow table.

The reporter's identity is shown through ``selectors.reporter_for`` only: in clear to the
intake officer and the head, masked to everyone else. Quarantined files never open; staff
see the stripped copies.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanxiang.core import blobstore
from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser, require_role
from sanxiang.core.validation import error_dict
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import Role

from . import forms, selectors, services
from .workflow import INTAKE, ComplaintStatus

SECTION = "complaints"


def _get(request, pk: int):
    require_role(request.user, INTAKE, _("查看投诉举报"))
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    if complaint is None:
        raise Http404
    return complaint


def _detail_url(complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


@login_required
@require_GET
def complaint_list(request):
    require_role(request.user, INTAKE, _("查看投诉举报"))
    status = request.GET.get("status", "")
    if status not in ComplaintStatus.values:
        status = ""
    user = request.user
    return render(
        request,
        "complaints/list.html",
        {
            "section": SECTION,
            "queue": selectors.intake_queue(user=user)[:50],
            "mine": selectors.my_verifications(user=user)[:50],
            "escalated": selectors.escalations(user=user)[:50],
            "complaints": selectors.complaint_list(user=user, status=status or None)[:200],
            "status": status,
            "statuses": ComplaintStatus.choices,
        },
    )


@login_required
def complaint_register(request):
    require_role(request.user, INTAKE, _("登记举报"))
    form = forms.RegisterForm(request.POST or None)
    codes: dict = {}

    def call(data):
        channel = data.pop("channel")
        complaint, code = services.complaint_register(
            actor=request.user, channel=channel, data=data
        )
        codes["code"] = code
        return complaint

    def success(complaint):
        messages.info(
            request,
            _("已登记举报 %(n)s。请告知举报人查询码：%(c)s（只显示这一次）。")
            % {"n": complaint.number, "c": codes["code"]},
        )
        return _detail_url(complaint)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=success,
        success_message=_("举报已登记。"),
        title=_("登记电话、信件或来访举报"),
        cancel_url=reverse("complaints:list"),
        section=SECTION,
        submit_label=_("登记"),
    )


@login_required
@require_GET
def complaint_detail(request, pk: int):
    complaint = _get(request, pk)
    user = request.user
    head = is_superuser(user) or user.has_role(Role.HEAD)
    intake = head or complaint.intake_officer_id == user.pk
    status = complaint.status
    return render(
        request,
        "complaints/detail.html",
        {
            "section": SECTION,
            "complaint": complaint,
            "reporter": selectors.reporter_for(user, complaint),
            "files": selectors.files_visible(user=user, complaint=complaint),
            "steps": complaint.steps.all(),
            "history": object_history(complaint),
            "may": {
                "take": status == ComplaintStatus.RECEIVED,
                "decline": status == ComplaintStatus.RECEIVED,
                "assign": status == ComplaintStatus.REGISTERED and intake,
                "transfer": status == ComplaintStatus.REGISTERED and intake,
                "verify": status == ComplaintStatus.VERIFYING
                and (head or complaint.assigned_to_id == user.pk),
                "convert": status == ComplaintStatus.VERIFIED
                and complaint.mine_id is not None
                and user.has_role(Role.OFFICER),
                "reply": status in (ComplaintStatus.VERIFIED, ComplaintStatus.INSPECTION)
                and intake,
                "escalate": complaint.escalated_at is None
                and status not in (ComplaintStatus.CLOSED, ComplaintStatus.TRANSFERRED),
                "reward": intake
                and status in (ComplaintStatus.CLOSED, ComplaintStatus.INSPECTION)
                and complaint.reward_eligible is None,
                "adopt": user.has_role(Role.OFFICER),
            },
        },
    )


def _post_action(request, pk: int, call, done: str):
    complaint = _get(request, pk)
    try:
        call(complaint)
    except ValidationError as exc:
        for messages_ in error_dict(exc).values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_detail_url(complaint))


@login_required
@require_POST
def complaint_take(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda c: services.complaint_take(actor=request.user, complaint=c),
        _("已受理登记，您是该举报的受理人。"),
    )


@login_required
@require_POST
def complaint_escalate(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda c: services.complaint_escalate(actor=request.user, complaint=c),
        _("已报告负责人。"),
    )


def _step_page(request, pk, form, call, title, done, submit):
    complaint = _get(request, pk)
    return service_form_page(
        request,
        form=form,
        call=lambda data: call(complaint, data),
        success_url=lambda _result: _detail_url(complaint),
        success_message=done,
        title=title,
        cancel_url=_detail_url(complaint),
        section=SECTION,
        submit_label=submit,
        extra={"object": complaint},
    )


@login_required
def complaint_decline(request, pk: int):
    form = forms.TextForm(request.POST or None, label=_("不予受理的理由（答复举报人）"))
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_decline(actor=request.user, complaint=c, reply=d["text"]),
        _("不予受理"),
        _("已不予受理并答复。"),
        _("不予受理"),
    )


@login_required
def complaint_assign(request, pk: int):
    complaint = _get(request, pk)
    form = forms.AssignForm(request.POST or None, agency=complaint.agency)
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_assign(
            actor=request.user, complaint=c, officer=d["officer"]
        ),
        _("指派核查"),
        _("已指派核查。"),
        _("指派"),
    )


@login_required
def complaint_transfer(request, pk: int):
    form = forms.TransferForm(request.POST or None)
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_transfer(
            actor=request.user, complaint=c, department=d["department"], reply=d["reply"]
        ),
        _("移送有关部门"),
        _("已移送。"),
        _("移送"),
    )


@login_required
def complaint_verify(request, pk: int):
    form = forms.VerifyForm(request.POST or None)
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_verify(
            actor=request.user, complaint=c, finding=d["finding"], substantiated=d["substantiated"]
        ),
        _("记录核查结果"),
        _("已记录核查结果。"),
        _("保存核查结果"),
    )


@login_required
def complaint_convert(request, pk: int):
    complaint = _get(request, pk)
    form = forms.ConvertForm(request.POST or None, agency=complaint.agency)
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.complaint_convert_inspection(
            actor=request.user,
            complaint=complaint,
            officers=list(d["officers"]),
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            items=d["items"],
        ),
        success_url=lambda plan: reverse("inspections:plan_detail", args=[plan.pk]),
        success_message=_("已转为行政检查，请完善检查方案并提交审批。"),
        title=_("转为行政检查"),
        cancel_url=_detail_url(complaint),
        section=SECTION,
        submit_label=_("制作检查方案"),
        extra={"object": complaint},
    )


@login_required
def complaint_reply(request, pk: int):
    form = forms.TextForm(request.POST or None, label=_("给举报人的答复"))
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_reply(actor=request.user, complaint=c, reply=d["text"]),
        _("答复举报人"),
        _("已答复并办结。"),
        _("答复并办结"),
    )


@login_required
def complaint_reward(request, pk: int):
    form = forms.RewardForm(request.POST or None)
    return _step_page(
        request,
        pk,
        form,
        lambda c, d: services.complaint_reward_record(
            actor=request.user, complaint=c, eligible=d["eligible"], note=d["note"]
        ),
        _("举报奖励认定"),
        _("已记录举报奖励认定。"),
        _("保存"),
    )


@login_required
@require_GET
def file_view(request, pk: int):
    """The stripped copy of a clean file; a quarantined or infected one never opens."""
    require_role(request.user, INTAKE, _("查看举报附件"))
    item = selectors.file_for_viewing(user=request.user, pk=pk)
    if item is None:
        raise Http404
    response = HttpResponse(blobstore.blob_read(item.clean_path), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_POST
def file_adopt(request, pk: int):
    require_role(request.user, INTAKE, _("采纳举报附件"))
    item = get_or_404(lambda: selectors.file_for_viewing(user=request.user, pk=pk) or _none())
    try:
        recording = services.complaint_file_adopt(actor=request.user, item=item)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已采纳为证据：%(n)s") % {"n": recording.number})
    return redirect(_detail_url(item.complaint))


def _none():
    raise Http404
