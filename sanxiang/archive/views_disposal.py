"""Pages of disposal (鉴定销毁, ADR 0130): 到期鉴定 (due units with their holds, appraisals),
the appraisal form, an appraisal's page with 批准销毁 / 不予批准 and 执行销毁, the tombstones,
and 设置保全 / 解除保全 from the unit page. The services decide; the pages only ask."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.core.stepup import step_up_required
from sanxiang.org.roles import Role

from . import disposal, holds, selectors
from .forms_disposal import (
    AppraisalForm,
    ConfirmForm,
    DecisionForm,
    HoldForm,
    ReleaseForm,
    people_for,
)
from .models import ArchiveUnit
from .models_disposal import (
    AppraisalStatus,
    DisposalAppraisal,
    DisposalTombstone,
    LegalHold,
    Verdict,
)

SECTION = "archive"


def _has(user, *roles) -> bool:
    return is_superuser(user) or user.has_role(*roles)


@login_required
def disposal_home(request):
    """到期鉴定: the due units (with their holds), and the appraisals under way."""
    units = disposal.due_units(user=request.user)
    rows = [(u, list(holds.active_holds(u))) for u in units]
    appraisals = DisposalAppraisal.objects.restrict(request.user).exclude(
        status=AppraisalStatus.EXECUTED
    )[:100]
    return render(
        request,
        "archive/disposal_home.html",
        {
            "section": SECTION,
            "rows": rows,
            "appraisals": appraisals,
            "may_appraise": _has(request.user, Role.CUSTODIAN),
        },
    )


def _lines(data) -> list[disposal.LineIn]:
    lines = [
        disposal.LineIn(unit=u, verdict=Verdict.DESTROY, reason=data.get("destroy_reason") or "")
        for u in data.get("destroy") or []
    ]
    lines += [
        disposal.LineIn(
            unit=u,
            verdict=Verdict.EXTEND,
            reason=data.get("extend_reason") or "",
            extend_years=data.get("extend_years"),
        )
        for u in data.get("extend") or []
    ]
    return lines


@login_required
def appraisal_new(request):
    due = [u.pk for u in disposal.due_units(user=request.user)]
    units = ArchiveUnit.objects.filter(pk__in=due).order_by("retention_due", "pk")
    form = AppraisalForm(
        request.POST or None,
        units=units,
        people=people_for(request.user),
        initial={"appraised_on": timezone.localdate()},
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: disposal.appraisal_create(
            actor=request.user,
            lines=_lines(data),
            appraisers=data["appraisers"],
            opinion=data["opinion"],
            appraised_on=data["appraised_on"],
        ),
        success_url=lambda a: reverse("archive:appraisal_detail", args=[a.pk]),
        success_message="鉴定已登记，等待负责人审批。",
        title="档案鉴定",
        cancel_url=reverse("archive:disposal_home"),
        section=SECTION,
        submit_label="提交负责人审批",
    )


def _appraisal(request, pk: int) -> DisposalAppraisal:
    return get_or_404(
        lambda *, user, pk: DisposalAppraisal.objects.restrict(user).get(pk=pk),
        user=request.user,
        pk=pk,
    )


@login_required
def appraisal_detail(request, pk: int):
    appraisal = _appraisal(request, pk)
    user = request.user
    scoped = in_scope(user, appraisal.agency)
    return render(
        request,
        "archive/appraisal_detail.html",
        {
            "section": SECTION,
            "appraisal": appraisal,
            "lines": [
                (line, list(holds.active_holds(line.unit)))
                for line in appraisal.lines.select_related("unit")
            ],
            "appraisers": appraisal.appraisers.order_by("full_name"),
            "may_decide": scoped
            and appraisal.status == AppraisalStatus.PENDING
            and _has(user, Role.HEAD),
            "may_execute": scoped
            and appraisal.status == AppraisalStatus.APPROVED
            and _has(user, Role.CUSTODIAN),
        },
    )


def _decide(user, appraisal, data):
    if data["decision"] == "approve":
        return disposal.appraisal_approve(actor=user, appraisal=appraisal, opinion=data["opinion"])
    return disposal.appraisal_refuse(actor=user, appraisal=appraisal, opinion=data["opinion"])


@login_required
@step_up_required
def appraisal_decide(request, pk: int):
    appraisal = _appraisal(request, pk)
    detail = reverse("archive:appraisal_detail", args=[appraisal.pk])
    return service_form_page(
        request,
        form=DecisionForm(request.POST or None),
        call=lambda data: _decide(request.user, appraisal, data),
        success_url=lambda a: detail,
        success_message=_("已审批。"),
        title=_("审批档案鉴定"),
        cancel_url=detail,
        section=SECTION,
        buttons=[
            ("decision", "approve", _("批准销毁"), "primary"),
            ("decision", "refuse", _("不予批准"), "secondary"),
        ],
    )


@login_required
def appraisal_execute(request, pk: int):
    appraisal = _appraisal(request, pk)
    detail = reverse("archive:appraisal_detail", args=[appraisal.pk])
    return service_form_page(
        request,
        form=ConfirmForm(request.POST or None),
        call=lambda data: disposal.appraisal_execute(actor=request.user, appraisal=appraisal),
        success_url=lambda result: reverse("archive:tombstone_list"),
        success_message=_("已执行销毁，销毁记录已永久保存。"),
        title=_("执行销毁"),
        cancel_url=detail,
        section=SECTION,
        submit_label=_("执行销毁"),
    )


@login_required
def tombstone_list(request):
    tombs = DisposalTombstone.objects.restrict(request.user).select_related(
        "approved_by", "executed_by"
    )
    context = paginate(request, tombs)
    context["section"] = SECTION
    return render(request, "archive/tombstone_list.html", context)


@login_required
def hold_new(request, pk: int):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    detail = reverse("archive:unit_detail", args=[unit.pk])
    return service_form_page(
        request,
        form=HoldForm(request.POST or None),
        call=lambda data: holds.place_hold(unit, data["kind"], data["reason"], request.user),
        success_url=lambda hold: detail,
        success_message="已设置保全，保全期间该案卷不能销毁。",
        title=f"设置保全：{unit.title}",
        cancel_url=detail,
        section=SECTION,
        submit_label="设置保全",
    )


@login_required
def hold_release(request, pk: int):
    hold = LegalHold.objects.restrict(request.user).filter(pk=pk).first()
    if hold is None:
        raise Http404
    back = (
        reverse("archive:unit_detail", args=[hold.unit_id])
        if hold.unit_id
        else reverse("archive:disposal_home")
    )
    return service_form_page(
        request,
        form=ReleaseForm(request.POST or None),
        call=lambda data: holds.release_hold(hold, data["reason"], request.user),
        success_url=lambda h: back,
        success_message="已解除保全。",
        title=f"解除保全：{hold.get_kind_display()}",
        cancel_url=back,
        section=SECTION,
        submit_label="解除保全",
    )
