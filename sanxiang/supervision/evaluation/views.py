"""Pages of 案卷评查 (ADR 0160): campaigns, their steps, the evaluation form of a file with the
volume and the documents beside it, rectifications, the report PDF."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.validation import error_dict
from sanxiang.org.roles import Role

from ..models_evaluation import CampaignStatus, FileKind, FindingState, RectificationStatus
from . import forms, scoring, selectors, services
from .access import findings_readable
from .report import campaign_report_pdf
from .rubric import RubricView
from .workflow import available

SECTION = "evaluation"


def _may_open_campaigns(user) -> bool:
    return user.is_superuser or user.has_role(Role.HEAD, Role.LEGAL_REVIEWER)


@login_required
def campaign_list(request):
    status = clean_text(request, "status", 20)
    context = paginate(request, selectors.campaign_list(user=request.user, status=status))
    context.update(
        section=SECTION,
        status=status,
        statuses=CampaignStatus.choices,
        may_open=_may_open_campaigns(request.user),
        tasks=list(selectors.my_tasks(user=request.user)[:50]),
    )
    return render(request, "supervision/evaluation/campaign_list.html", context)


@login_required
def campaign_new(request):
    if not _may_open_campaigns(request.user):
        raise PermissionDenied(_("组织案卷评查须为负责人或法制审核人员。"))
    form = forms.CampaignForm(request.POST or None, user=request.user)

    def call(data):
        return services.campaign_create(
            actor=request.user,
            agency=data["agency"],
            title=data["title"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            units=list(data["units"]),
            share=data["share_percent"] / 100,
            evaluators=list(data["evaluators"]),
            rubric=data["rubric"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            include_cases=data["include_cases"],
            include_inspections=data["include_inspections"],
        )

    form.service_error_labels = {"share": _("抽取比例")}
    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda c: reverse("supervision:evaluation_campaign", args=[c.pk]),
        success_message=_("评查活动已创建：请公布随机种子承诺值后再抽取案卷。"),
        title=_("组织案卷评查"),
        cancel_url=reverse("supervision:evaluation_campaigns"),
        section=SECTION,
        submit_label=_("创建评查活动"),
    )


@login_required
def campaign_detail(request, pk: int):
    campaign = get_or_404(selectors.campaign_get, user=request.user, pk=pk)
    total, units = selectors.results(campaign)
    organiser = services.may_organise(request.user, campaign.agency) and (
        request.user.is_superuser or request.user.has_role(Role.HEAD, Role.LEGAL_REVIEWER)
    )
    published = services.published_inputs(campaign) if campaign.commitment else None
    return render(
        request,
        "supervision/evaluation/campaign_detail.html",
        {
            "section": SECTION,
            "campaign": campaign,
            "total": total,
            "units": units,
            "files": selectors.file_list(user=request.user, campaign=campaign),
            "steps": [(t.action, t.label) for t in available(campaign.status)] if organiser else [],
            "published": published,
            "excluded": len(published["exclusions"]) if published else 0,
            "directory": sum(len(s["files"]) for s in published["strata"]) if published else 0,
            "unit_names": [u.name for u in campaign.units.order_by("path")],
            "evaluator_names": [str(p) for p in campaign.evaluators.order_by("username")],
        },
    )


@login_required
def campaign_step(request, pk: int, action: str):
    campaign = get_or_404(selectors.campaign_get, user=request.user, pk=pk)
    calls = {
        "commit": services.campaign_commit,
        "draw": services.campaign_draw,
        "close": services.campaign_close,
    }
    transition = next((t for t in available(campaign.status) if t.action == action), None)
    if action not in calls or transition is None:
        raise Http404
    return service_form_page(
        request,
        form=forms.StepForm(request.POST or None),
        call=lambda _data: calls[action](actor=request.user, campaign=campaign),
        success_url=lambda c: reverse("supervision:evaluation_campaign", args=[c.pk]),
        success_message=_("已%(a)s。") % {"a": transition.label},
        title=f"{transition.label}：{campaign.title}",
        cancel_url=reverse("supervision:evaluation_campaign", args=[campaign.pk]),
        section=SECTION,
        submit_label=str(transition.label),
    )


@login_required
def campaign_inputs(request, pk: int):
    campaign = get_or_404(selectors.campaign_get, user=request.user, pk=pk)
    if not campaign.commitment:
        raise Http404
    response = HttpResponse(
        json.dumps(services.published_inputs(campaign), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.json"'
    return response


@login_required
def campaign_report(request, pk: int):
    campaign = get_or_404(selectors.campaign_get, user=request.user, pk=pk)
    if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.CLOSED):
        raise Http404
    response = HttpResponse(campaign_report_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-report-{campaign.pk}.pdf"'
    return response


@login_required
def file_detail(request, pk: int):
    from sanxiang.documents.access import may_open
    from sanxiang.documents.models import Document

    file = get_or_404(selectors.file_get, user=request.user, pk=pk)
    campaign = file.campaign
    evaluating = scoring.evaluating(request.user, file) and file.status == "assigned"
    organiser = services.may_organise(request.user, campaign.agency) and (
        request.user.is_superuser or request.user.has_role(Role.HEAD, Role.LEGAL_REVIEWER)
    )
    subject_type, subject_id = (
        ("cases.case", file.case_id)
        if file.kind == FileKind.CASE
        else ("inspections.inspection", file.inspection_id)
    )
    documents = [
        (d, may_open(request.user, d))
        for d in Document.objects.filter(
            subject_type=subject_type, subject_id=str(subject_id)
        ).order_by("issued_at", "pk")
    ]
    return render(
        request,
        "supervision/evaluation/file_detail.html",
        {
            "section": SECTION,
            "file": file,
            "campaign": campaign,
            "findings": file.findings.order_by("item_kind", "pk"),
            "open_findings": file.findings.filter(state=FindingState.PROPOSED).count(),
            "evaluating": evaluating,
            "organiser": organiser,
            "documents": documents,
            "finding_form": forms.FindingForm(rubric=campaign.rubric) if evaluating else None,
            "score_form": forms.ScoreForm() if evaluating else None,
            "rubric": RubricView(campaign.rubric),
            "rectifications": file.rectifications.order_by("pk"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def finding_decide(request, pk: int):
    finding = get_or_404(lambda **kw: findings_readable(request.user).get(pk=kw["pk"]), pk=pk)
    form = forms.DecideForm(request.POST)
    url = reverse("supervision:evaluation_file", args=[finding.file_id]) + f"#finding-{finding.pk}"
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(url)
    try:
        scoring.finding_decide(
            actor=request.user,
            finding=finding,
            accept=form.cleaned_data["accept"],
            reason=form.cleaned_data["reason"],
            deduction=form.cleaned_data["deduction"],
        )
    except ValidationError as exc:
        for messages_ in error_dict(exc).values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, _("已处理该问题。"))
    return redirect(url)


def _file_form_page(request, pk: int, *, form_class, call, title, success, submit, **form_kwargs):
    file = get_or_404(selectors.file_get, user=request.user, pk=pk)
    kwargs = {key: value(file) for key, value in form_kwargs.items()}
    return service_form_page(
        request,
        form=form_class(request.POST or None, **kwargs),
        call=lambda data: call(file, data),
        success_url=lambda _r: reverse("supervision:evaluation_file", args=[file.pk]),
        success_message=success,
        title=f"{title}：{file.title}",
        cancel_url=reverse("supervision:evaluation_file", args=[file.pk]),
        section=SECTION,
        submit_label=submit,
    )


@login_required
def finding_add(request, pk: int):
    return _file_form_page(
        request,
        pk,
        form_class=forms.FindingForm,
        rubric=lambda f: f.campaign.rubric,
        call=lambda file, d: scoring.finding_add(
            actor=request.user,
            file=file,
            item_code=d["item_code"],
            text=d["text"],
            deduction=d["deduction"],
        ),
        title=_("补充发现的问题"),
        success=_("已补充问题。"),
        submit=_("补充问题"),
    )


@login_required
def file_score(request, pk: int):
    return _file_form_page(
        request,
        pk,
        form_class=forms.ScoreForm,
        call=lambda file, d: scoring.file_score(
            actor=request.user, file=file, opinion=d["opinion"]
        ),
        title=_("评定"),
        success=_("已评定。"),
        submit=_("评定"),
    )


@login_required
def file_assign(request, pk: int):
    return _file_form_page(
        request,
        pk,
        form_class=forms.AssignForm,
        file=lambda f: f,
        call=lambda file, d: services.file_assign(
            actor=request.user, file=file, evaluator=d["evaluator"]
        ),
        title=_("调整评查人员"),
        success=_("已调整评查人员。"),
        submit=_("调整"),
    )


@login_required
def rectification_new(request, pk: int):
    return _file_form_page(
        request,
        pk,
        form_class=forms.RectificationForm,
        call=lambda file, d: scoring.rectification_request(
            actor=request.user, file=file, requirements=d["requirements"], due_on=d["due_on"]
        ),
        title=_("提出整改要求"),
        success=_("已向承办单位提出整改要求。"),
        submit=_("提出整改要求"),
    )


@login_required
def rectification_list(request):
    status = clean_text(request, "status", 20)
    context = paginate(request, selectors.rectification_list(user=request.user, status=status))
    context.update(
        section=SECTION,
        status=status,
        statuses=RectificationStatus.choices,
        today=timezone.localdate(),
    )
    return render(request, "supervision/evaluation/rectification_list.html", context)


@login_required
def rectification_reply(request, pk: int):
    rectification = get_or_404(
        lambda **kw: selectors.rectification_list(user=request.user).get(pk=kw["pk"]), pk=pk
    )
    return service_form_page(
        request,
        form=forms.ReplyForm(request.POST or None),
        call=lambda d: scoring.rectification_reply(
            actor=request.user, rectification=rectification, reply=d["reply"]
        ),
        success_url=lambda _r: reverse("supervision:evaluation_rectifications"),
        success_message=_("已回复整改情况。"),
        title=_("回复整改情况：%(f)s") % {"f": rectification.file.title},
        cancel_url=reverse("supervision:evaluation_rectifications"),
        section=SECTION,
        submit_label=_("回复"),
        extra={"intro": rectification.requirements},
    )
