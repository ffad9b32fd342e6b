"""GS-MID-3 on the portal: the licensing window (services with their guides, sample materials,
the post board, consultation) and the progress query (办件进度查询). No login; reads only
published catalog data, answered consultations whose askers agreed, and one application's
progress for whoever holds its number and query code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.catalog.kinds import spec_for
from sanxiang.catalog.models import CatalogKind, ProcedureKind
from sanxiang.catalog.procedures import workflow_chart, workflow_steps
from sanxiang.core.listing import clean_int
from sanxiang.portal import selectors as portal_selectors
from sanxiang.portal.views import SLUGS

from . import selectors, services
from .forms import ConsultationForm, ProgressQueryForm


def _agency(request):
    return portal_selectors.public_agency(clean_int(request, "agency")) or (
        portal_selectors.default_agency(CatalogKind.POWER_LIST)
    )


def _page(request, template: str, context: dict, *, cache: bool = True):
    context.setdefault(
        "portal_sections", [(slug, spec_for(kind).label) for slug, kind in SLUGS.items()]
    )
    context.setdefault("section", "licensing")
    response = render(request, template, context)
    response["Cache-Control"] = "public, max-age=300" if cache else "no-store"
    return response


def _guide(agency):
    catalog = portal_selectors.public_catalog(CatalogKind.PROCEDURE_GUIDE, agency=agency)
    if catalog.version is None:
        return None
    return catalog.version.procedure_guides.filter(kind=ProcedureKind.LICENSING).first()


@require_GET
def window(request):
    agency = _agency(request)
    items = services.licensing_items(agency=agency) if agency else []
    return _page(
        request,
        "licensing/public/window.html",
        {
            "agency": agency,
            "agencies": portal_selectors.publishing_agencies(CatalogKind.POWER_LIST),
            "items": items,
            "board": selectors.post_board(items[0].version.agency) if items else [],
            "consultations": selectors.public_consultations()[:20],
            "progress_form": ProgressQueryForm(),
        },
        cache=False,  # the progress form carries a CSRF token
    )


@require_GET
def item_page(request, code: str):
    agency = _agency(request)
    items = {i.code: i for i in services.licensing_items(agency=agency)} if agency else {}
    item = items.get(code)
    if item is None:
        raise Http404
    guide = _guide(agency)
    return _page(
        request,
        "licensing/public/item.html",
        {
            "agency": agency,
            "item": item,
            "guide": guide,
            "chart": workflow_chart("licensing"),
            "chart_rows": workflow_steps("licensing"),
        },
    )


@require_http_methods(["GET", "POST"])
def ask(request):
    agency = _agency(request)
    items = services.licensing_items(agency=agency) if agency else []
    if request.method == "POST":
        from sanxiang.complaints.public_views import post_throttled

        refused = post_throttled(request, "consult")
        if refused is not None:
            return refused
    form = ConsultationForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid() and agency is None:
        form.add_error(None, _("暂无受理咨询的许可机关。"))
    elif request.method == "POST" and form.is_valid():
        try:
            services.consultation_ask(agency=agency, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(request.path + "?sent=1")
    return _page(
        request,
        "licensing/public/ask.html",
        {"form": form, "agency": agency, "sent": request.GET.get("sent") == "1"},
        cache=False,
    )


@require_http_methods(["GET", "POST"])
def progress_query(request):
    """The number and code travel in a POST body, never in a URL that logs keep."""
    form = ProgressQueryForm(request.POST or None)
    result, not_found = None, False
    if request.method == "POST" and form.is_valid():
        result = selectors.progress_lookup(form.cleaned_data["number"], form.cleaned_data["code"])
        not_found = result is None
        if not_found:
            form.add_error(None, _("申请编号或查询码不正确。"))
    status = 404 if not_found else 200
    response = _page(
        request,
        "licensing/public/progress.html",
        {"form": form, "progress": result},
        cache=False,
    )
    response.status_code = status if request.method == "POST" else 200
    return response
