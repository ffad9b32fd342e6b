"""Pages for inspections: my inspections, enforcement plans, draws, inspection plans, on-site
inspections with findings and measures; and the public pages of draws (no login)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanxiang.catalog.selectors import compendium_search
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.core.validation import error_dict
from sanxiang.evidence.selectors import recording_list
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import Role

from . import forms, paperwork, selectors, services
from .draw import ALGORITHM
from .models import DrawTask, Inspection
from .showings import showings_of
from .workflow import DRAW_TRANSITIONS, DrawStatus, InspectionStatus, PlanStatus

SECTION = "inspections"


def _is_head(user) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD)


def _post(request, call: Callable[[], Any], back: str, done: str) -> HttpResponse:
    """Run a confirm-only step; errors come back as messages on the page it was taken from."""
    try:
        call()
    except ValidationError as exc:
        for _field, problems in error_dict(exc).items():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect(back)


def _form_page(request, **kwargs) -> HttpResponse:
    kwargs.setdefault("section", SECTION)
    return service_form_page(request, **kwargs)


# --- my inspections ------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "inspections/home.html",
        {
            "section": SECTION,
            "items": selectors.my_inspections(user=user),
            "follow_ups": selectors.follow_ups_due(user=user)[:50],
            "is_head": _is_head(user),
            "is_officer": user.has_role(Role.OFFICER),
        },
    )


@login_required
def inspection_list(request):
    status = clean_text(request, "status", 20)
    context = paginate(request, selectors.inspection_list(user=request.user, status=status))
    context.update(section=SECTION, status=status, statuses=InspectionStatus.choices)
    return render(request, "inspections/inspection_list.html", context)


# --- enforcement plans ---------------------------------------------------------------------------


@login_required
def enforcement_plan_list(request):
    context = paginate(request, selectors.enforcement_plan_list(user=request.user))
    context.update(section=SECTION, is_head=_is_head(request.user))
    return render(request, "inspections/enforcement_plan_list.html", context)


@login_required
def enforcement_plan_create(request):
    form = forms.EnforcementPlanForm(
        request.POST or None, user=request.user, initial={"agency": request.user.agency}
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.enforcement_plan_create(actor=request.user, **data),
        success_url=lambda plan: reverse("inspections:enforcement_plan_list"),
        success_message=_("已制定监察执法计划。"),
        title=_("制定监察执法计划"),
        cancel_url=reverse("inspections:enforcement_plan_list"),
    )


@login_required
def enforcement_plan_approve(request, pk: int):
    plan = get_or_404(selectors.enforcement_plan_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.OpinionForm(request.POST or None),
        call=lambda data: services.enforcement_plan_approve(actor=request.user, plan=plan, **data),
        success_url=lambda p: reverse("inspections:enforcement_plan_list"),
        success_message=_("已批准。"),
        title=_("批准监察执法计划：%(t)s") % {"t": plan.title},
        cancel_url=reverse("inspections:enforcement_plan_list"),
        submit_label=_("批准"),
    )


# --- conflicts of interest -----------------------------------------------------------------------


@login_required
def conflict_list(request):
    context = paginate(request, selectors.conflict_list(user=request.user))
    context.update(section=SECTION)
    return render(request, "inspections/conflict_list.html", context)


@login_required
def conflict_create(request):
    form = forms.ConflictForm(
        request.POST or None, user=request.user, initial={"officer": request.user}
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.conflict_declare(actor=request.user, **data),
        success_url=lambda d: reverse("inspections:conflict_list"),
        success_message=_("已登记利害关系，抽取时将自动回避。"),
        title=_("申报利害关系"),
        cancel_url=reverse("inspections:conflict_list"),
    )


# --- draws ---------------------------------------------------------------------------------------


@login_required
def draw_list(request):
    context = paginate(request, selectors.draw_list(user=request.user))
    context.update(section=SECTION)
    return render(request, "inspections/draw_list.html", context)


@login_required
def draw_create(request):
    form = forms.DrawForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.draw_create(actor=request.user, **data),
        success_url=lambda draw: reverse("inspections:draw_detail", args=[draw.pk]),
        success_message=_("已准备抽取。"),
        title=_("双随机抽取"),
        cancel_url=reverse("inspections:draw_list"),
    )


@login_required
def draw_detail(request, pk: int):
    draw = get_or_404(selectors.draw_get, user=request.user, pk=pk)
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "section": SECTION,
            "draw": draw,
            "exclusions": draw.exclusions.select_related("mine", "inspector"),
            "tasks": selectors.draw_tasks(draw),
            "published": services.published_inputs(draw)
            if draw.status != DrawStatus.DRAFT
            else None,
            "steps": DRAW_TRANSITIONS,
            "is_head": _is_head(request.user),
            "history": object_history(draw),
            "algorithm": ALGORITHM,
        },
    )


@login_required
def draw_exclusion_add(request, pk: int):
    draw = get_or_404(selectors.draw_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.ExclusionForm(request.POST or None, draw=draw),
        call=lambda data: services.draw_exclusion_add(actor=request.user, draw=draw, **data),
        success_url=lambda e: reverse("inspections:draw_detail", args=[draw.pk]),
        success_message=_("已登记回避。"),
        title=_("登记回避：%(t)s") % {"t": draw.title},
        cancel_url=reverse("inspections:draw_detail", args=[draw.pk]),
    )


@login_required
@require_POST
def draw_step(request, pk: int, step: str):
    draw = get_or_404(selectors.draw_get, user=request.user, pk=pk)
    calls = {
        "commit": (services.draw_commit, _("已冻结名录并公布种子承诺值。")),
        "run": (services.draw_run, _("已抽取。")),
        "publish": (services.draw_publish, _("已公布抽取结果。")),
    }
    if step not in calls:
        raise Http404
    service, done = calls[step]
    return _post(
        request,
        lambda: service(actor=request.user, draw=draw),
        reverse("inspections:draw_detail", args=[draw.pk]),
        done,
    )


@login_required
@require_GET
def draw_inputs(request, pk: int):
    """The draw's inputs as JSON (with the seed once drawn): what the public re-runs."""
    draw = get_or_404(selectors.draw_get, user=request.user, pk=pk)
    if draw.status == DrawStatus.DRAFT:
        raise Http404
    return _json_download(services.published_inputs(draw), f"draw-{draw.pk}.json")


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- inspection plans (检查方案) -----------------------------------------------------------------


@login_required
def plan_list(request):
    status = clean_text(request, "status", 20)
    context = paginate(request, selectors.plan_list(user=request.user, status=status))
    context.update(section=SECTION, status=status, statuses=PlanStatus.choices)
    return render(request, "inspections/plan_list.html", context)


@login_required
def plan_create(request):
    task = None
    initial: dict[str, Any] = {}
    task_id = request.GET.get("task", "")
    if task_id.isdigit():
        task = (
            DrawTask.objects.filter(draw__in=selectors.draw_list(user=request.user), pk=task_id)
            .select_related("draw", "mine")
            .first()
        )
    if task is not None:
        initial = {
            "mine": task.mine,
            "officers": list(task.inspectors.all()),
            "item_codes": [i["code"] for i in task.draw.items],
            "planned_start": task.draw.enforcement_plan.period_start,
            "planned_end": task.draw.enforcement_plan.period_end,
        }
    form = forms.PlanForm(request.POST or None, user=request.user, initial=initial)

    def call(data):
        return services.inspection_plan_create(
            actor=request.user,
            agency=request.user.agency,
            draw_task=task,
            enforcement_plan=task.draw.enforcement_plan if task else None,
            **data,
        )

    return _form_page(
        request,
        form=form,
        call=call,
        success_url=lambda plan: reverse("inspections:plan_detail", args=[plan.pk]),
        success_message=_("已制作检查方案。"),
        title=_("制作检查方案") + (f"（{task.draw.title} · {task.mine}）" if task else ""),
        cancel_url=reverse("inspections:home"),
    )


@login_required
def plan_detail(request, pk: int):
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    user = request.user
    inspection = Inspection.objects.filter(plan=plan).first()
    team = set(plan.officers.values_list("pk", flat=True))
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "section": SECTION,
            "plan": plan,
            "inspection": inspection,
            "officers": plan.officers.prefetch_related("certificates"),
            "may_edit": user.pk in team or is_superuser(user),
            "is_head": _is_head(user),
            "documents": paperwork.documents_of(plan),
            "checklists": services.inspection_checklists(None, plan=plan),
            "history": object_history(plan),
            "approval": services.plan_approval_entry(plan),
        },
    )


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    return _post(
        request,
        lambda: services.inspection_plan_submit(actor=request.user, plan=plan),
        reverse("inspections:plan_detail", args=[plan.pk]),
        _("已提交负责人审批。"),
    )


@login_required
def plan_approve(request, pk: int):
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.OpinionForm(request.POST or None),
        call=lambda data: services.inspection_plan_approve(actor=request.user, plan=plan, **data),
        success_url=lambda p: reverse("inspections:plan_detail", args=[p.pk]),
        success_message=_("已批准检查方案，并制作了《现场检查方案》。"),
        title=_("批准检查方案：%(p)s") % {"p": plan},
        cancel_url=reverse("inspections:plan_detail", args=[plan.pk]),
        submit_label=_("批准"),
    )


@login_required
def plan_return(request, pk: int):
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.ReasonForm(request.POST or None),
        call=lambda data: services.inspection_plan_return(actor=request.user, plan=plan, **data),
        success_url=lambda p: reverse("inspections:plan_detail", args=[p.pk]),
        success_message=_("已退回。"),
        title=_("退回检查方案：%(p)s") % {"p": plan},
        cancel_url=reverse("inspections:plan_detail", args=[plan.pk]),
        submit_label=_("退回"),
    )


@login_required
def inspection_open(request, pk: int):
    plan = get_or_404(selectors.plan_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.OpenInspectionForm(request.POST or None, plan=plan),
        call=lambda data: services.inspection_open(actor=request.user, plan=plan, **data),
        success_url=lambda i: reverse("inspections:inspection_detail", args=[i.pk]),
        success_message=_("已开始现场检查。"),
        title=_("开始现场检查：%(m)s") % {"m": plan.mine},
        cancel_url=reverse("inspections:plan_detail", args=[plan.pk]),
    )


# --- on-site inspections -------------------------------------------------------------------------


def inspection_timeline(inspection) -> list[LedgerEntry]:
    from django.db.models import Q

    refs = [("inspections.inspection", [inspection.pk])]
    refs.append(("inspections.finding", list(inspection.findings.values_list("pk", flat=True))))
    refs.append(
        ("inspections.onsitemeasure", list(inspection.measures.values_list("pk", flat=True)))
    )
    query = Q(pk__in=[])
    for object_type, ids in refs:
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return list(LedgerEntry.objects.filter(query).order_by("seq"))


def _rectification_reports(user, inspection):
    """The mine's rectification reports on this inspection's orders (企业端, ADR 0150)."""
    from sanxiang.enterprise.selectors import reports_on_inspection

    return reports_on_inspection(user=user, inspection=inspection)


@login_required
def inspection_detail(request, pk: int):
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    user = request.user
    team = set(inspection.officers.values_list("pk", flat=True))
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "section": SECTION,
            "inspection": inspection,
            "plan": inspection.plan,
            "officers": inspection.officers.prefetch_related("certificates"),
            "showings": showings_of(inspection),
            "findings": inspection.findings.all(),
            "measures": inspection.measures.select_related("finding", "document__number"),
            "documents": paperwork.documents_of(inspection.plan, inspection),
            "checklists": services.inspection_checklists(inspection),
            "history": inspection_timeline(inspection),
            "plan_history": object_history(inspection.plan),
            "may_act": user.pk in team or _is_head(user),
            "cases": inspection.cases.all(),
            "open": inspection.status == InspectionStatus.OPEN,
            "completed": inspection.status == InspectionStatus.COMPLETED,
            "recordings": recording_list(
                user=user,
                subject_type="inspections.inspection",
                subject_id=str(inspection.pk),
            ).order_by("started_at", "pk"),
            "subject_reference": f"inspections.inspection:{inspection.pk}",
            "letters": inspection.letters.select_related("document__number"),
            "rectification_reports": _rectification_reports(user, inspection),
            "today": timezone.localdate(),
        },
    )


@login_required
def finding_add(request, pk: int):
    """JL-TXT-3c: search the compendium in force, pick an entry, add the concrete facts."""
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    q = clean_text(request, "q", 50)
    entries = compendium_search(agency=inspection.agency, q=q, on=inspection.inspected_on)
    entry_id = request.POST.get("entry") or request.GET.get("entry", "")
    entry = entries.filter(pk=entry_id).first() if str(entry_id).isdigit() else None
    if request.headers.get("HX-Request") == "true" and request.method == "GET" and not entry:
        return render(
            request,
            "inspections/_compendium_results.html",
            {"entries": entries[:20], "q": q, "inspection": inspection},
        )
    form = forms.FindingForm(request.POST or None, initial={"entry": entry.pk if entry else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("entry")
        try:
            services.finding_add(actor=request.user, inspection=inspection, entry=entry, **data)
        except ValidationError as exc:
            from sanxiang.core.forms import add_service_errors

            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录检查发现的问题。"))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {
            "section": SECTION,
            "inspection": inspection,
            "form": form,
            "entry": entry,
            "entries": entries[:20] if not entry else [],
            "q": q,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def measure_add(request, pk: int):
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.MeasureForm(request.POST or None, inspection=inspection),
        call=lambda data: services.onsite_measure_take(
            actor=request.user, inspection=inspection, **data
        ),
        success_url=lambda m: reverse("inspections:inspection_detail", args=[inspection.pk]),
        success_message=_("已采取现场处理措施并制作文书。"),
        title=_("现场处理措施：%(i)s") % {"i": inspection},
        cancel_url=reverse("inspections:inspection_detail", args=[inspection.pk]),
    )


@login_required
def inspection_complete(request, pk: int):
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.CompleteForm(request.POST or None),
        call=lambda data: services.inspection_complete(
            actor=request.user, inspection=inspection, **data
        ),
        success_url=lambda i: reverse("inspections:inspection_detail", args=[i.pk]),
        success_message=_("已结束现场检查，并制作了《现场检查记录》。"),
        title=_("结束现场检查：%(i)s") % {"i": inspection},
        cancel_url=reverse("inspections:inspection_detail", args=[inspection.pk]),
    )


@login_required
def inspection_close(request, pk: int):
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.CloseForm(request.POST or None),
        call=lambda data: services.inspection_close(
            actor=request.user, inspection=inspection, **data
        ),
        success_url=lambda i: reverse("inspections:inspection_detail", args=[i.pk]),
        success_message=_("检查已办结。"),
        title=_("办结检查：%(i)s") % {"i": inspection},
        cancel_url=reverse("inspections:inspection_detail", args=[inspection.pk]),
    )


@login_required
def measure_verify(request, pk: int):
    measure = get_or_404(selectors.measure_get, user=request.user, pk=pk)
    return _form_page(
        request,
        form=forms.VerifyForm(request.POST or None),
        call=lambda data: services.onsite_measure_verify(
            actor=request.user, measure=measure, **data
        ),
        success_url=lambda m: reverse("inspections:inspection_detail", args=[m.inspection_id]),
        success_message=_("已记录整改复查。"),
        title=_("整改复查：%(m)s") % {"m": measure},
        cancel_url=reverse("inspections:inspection_detail", args=[measure.inspection_id]),
    )


# --- public (GS-PRE-1): no login ----------------------------------------------------------------


def _portal_context(extra: dict) -> dict:
    from sanxiang.catalog.kinds import spec_for
    from sanxiang.portal.views import SLUGS

    extra.setdefault("portal_sections", [(slug, spec_for(k).label) for slug, k in SLUGS.items()])
    extra.setdefault("section", "draws")
    return extra


@require_GET
def public_draw_list(request):
    response = render(
        request,
        "inspections/public_draw_list.html",
        _portal_context({"draws": selectors.public_draws()[:100]}),
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def public_draw_detail(request, pk: int):
    draw = get_or_404(selectors.public_draw_get, pk=pk)
    published = draw.status == DrawStatus.PUBLISHED
    tasks = selectors.draw_tasks(draw) if published else []
    names = {m["id"]: m["name"] for m in draw.inputs.get("mines", [])}
    inspectors = {i["id"]: i for i in draw.inputs.get("inspectors", [])}
    exclusions = [
        {
            "mine": names.get(e["mine"], e["mine"]),
            "inspector": inspectors.get(e["inspector"], {}).get("name", e["inspector"]),
            "reason": e["reason"],
        }
        for e in draw.inputs.get("exclusions", [])
    ]
    response = render(
        request,
        "inspections/public_draw_detail.html",
        _portal_context(
            {
                "draw": draw,
                "published": published,
                "tasks": tasks,
                "exclusions": exclusions if published else [],
                "algorithm": ALGORITHM,
            }
        ),
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def public_draw_json(request, pk: int):
    draw = get_or_404(selectors.public_draw_get, pk=pk)
    data = services.published_inputs(draw)
    if draw.status != DrawStatus.PUBLISHED:
        data = {"commitment": draw.commitment, "status": draw.status}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- documents ---------------------------------------------------------------------------------


@login_required
@require_GET
def document_pdf(request, pk: int):
    """An issued document's PDF (older links): the documents app decides on its ground and logs
    the read (ADR 0123)."""
    from sanxiang.documents.views import document_pdf as serve_document

    return serve_document(request, pk)


@require_GET
def public_draw_program(request):
    """The draw algorithm itself (standard library only), so anyone can re-run a draw."""
    from pathlib import Path

    from sanxiang.core import draw as module

    response = HttpResponse(
        Path(module.__file__).read_text(encoding="utf-8"),
        content_type="text/x-python; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="draw.py"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
