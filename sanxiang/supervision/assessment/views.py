"""Pages of the annual target assessment (BZ-5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.core.stepup import step_up_required
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role

from .. import catalogs
from ..models_notices import AssessmentStatus
from ..notices.forms import ConfirmForm, ScoreForm, SheetForm
from . import selectors, services

SECTION = "notices"


def _manages(user) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD, *ORG_ADMIN_ROLES)


@login_required
def sheet_list(request):
    context = paginate(request, selectors.sheet_list(user=request.user))
    weights = catalogs.assessment_weights()
    context.update(section=SECTION, manages=_manages(request.user), weights=weights)
    return render(request, "supervision/assessment/list.html", context)


@login_required
def sheet_create(request):
    return service_form_page(
        request,
        form=SheetForm(request.POST or None),
        call=lambda data: services.assessment_compute(
            actor=request.user, agency=request.user.agency, year=data["year"]
        ),
        success_url=lambda s: reverse("supervision:sheet_detail", args=[s.pk]),
        success_message=_("已计算考核表。"),
        title=_("制作本单位年度目标考核表"),
        cancel_url=reverse("supervision:sheet_list"),
        section=SECTION,
        submit_label=_("计算"),
    )


def _sheet(request, pk):
    return get_or_404(selectors.sheet_get, user=request.user, pk=pk)


@login_required
def sheet_detail(request, pk: int):
    sheet = _sheet(request, pk)
    own_head = is_superuser(request.user) or (
        request.user.has_role(Role.HEAD) and request.user.agency_id == sheet.agency_id
    )
    return render(
        request,
        "supervision/assessment/detail.html",
        {
            "section": SECTION,
            "sheet": sheet,
            "lines": sheet.lines.all(),
            "draft": sheet.status == AssessmentStatus.DRAFT,
            "may_edit": sheet.status == AssessmentStatus.DRAFT and _manages(request.user),
            "may_approve": own_head and sheet.status == AssessmentStatus.DRAFT,
            "may_publish": own_head and sheet.status == AssessmentStatus.APPROVED,
            "weights": catalogs.assessment_weights(),
        },
    )


@login_required
def sheet_recompute(request, pk: int):
    sheet = _sheet(request, pk)
    detail = reverse("supervision:sheet_detail", args=[sheet.pk])
    return service_form_page(
        request,
        form=ConfirmForm(request.POST if request.method == "POST" else None),
        call=lambda data: services.assessment_compute(
            actor=request.user, agency=sheet.agency, year=sheet.year
        ),
        success_url=lambda s: detail,
        success_message=_("已重新计算。"),
        title=_("重新计算考核表：%(s)s") % {"s": sheet},
        cancel_url=detail,
        section=SECTION,
        submit_label=_("重新计算"),
    )


@login_required
def sheet_score(request, pk: int):
    sheet = _sheet(request, pk)
    detail = reverse("supervision:sheet_detail", args=[sheet.pk])
    return service_form_page(
        request,
        form=ScoreForm(request.POST or None, sheet=sheet),
        call=lambda data: services.assessment_manual_score(actor=request.user, sheet=sheet, **data),
        success_url=lambda s: detail,
        success_message=_("已评分。"),
        title=_("人工评分：%(s)s") % {"s": sheet},
        cancel_url=detail,
        section=SECTION,
        submit_label=_("评分"),
    )


@login_required
@step_up_required
def sheet_approve(request, pk: int):
    sheet = _sheet(request, pk)
    detail = reverse("supervision:sheet_detail", args=[sheet.pk])
    return service_form_page(
        request,
        form=ConfirmForm(request.POST if request.method == "POST" else None),
        call=lambda data: services.assessment_approve(actor=request.user, sheet=sheet),
        success_url=lambda s: detail,
        success_message=_("已批准考核表。"),
        title=_("批准考核表：%(s)s") % {"s": sheet},
        cancel_url=detail,
        section=SECTION,
        template="supervision/_form.html",
        extra={"intro": _("总分 %(t)s 分。批准后不能再修改。") % {"t": sheet.total}},
        submit_label=_("批准"),
    )


@login_required
@step_up_required
def sheet_publish(request, pk: int):
    sheet = _sheet(request, pk)
    detail = reverse("supervision:sheet_detail", args=[sheet.pk])
    return service_form_page(
        request,
        form=ConfirmForm(request.POST if request.method == "POST" else None),
        call=lambda data: services.assessment_publish(actor=request.user, sheet=sheet),
        success_url=lambda s: detail,
        success_message=_("已报送上级机构。"),
        title=_("报送考核表：%(s)s") % {"s": sheet},
        cancel_url=detail,
        section=SECTION,
        template="supervision/_form.html",
        extra={"intro": _("报送后上级机构可以查看本考核表。")},
        submit_label=_("报送上级"),
    )
