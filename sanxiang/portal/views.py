"""The public portal (GS-PRE-1, GS-PRE-2.1…2.6, GS-PRE-3, GS-REQ-1): no login, plain, printable.

Every view reads through ``portal.selectors`` (published data only) and renders without
JavaScript. Nothing here writes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sanxiang.catalog.kinds import spec_for
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.procedures import workflow_chart, workflow_steps
from sanxiang.core.listing import clean_int, clean_text

from . import opendata, selectors

SLUGS = {
    "legal-bases": CatalogKind.LEGAL_BASIS,
    "powers": CatalogKind.POWER_LIST,
    "random-inspection": CatalogKind.RANDOM_INSPECTION,
    "procedures": CatalogKind.PROCEDURE_GUIDE,
    "remedies": CatalogKind.REMEDY,
}
KIND_SLUGS = {kind: slug for slug, kind in SLUGS.items()}
INTRO = {
    CatalogKind.LEGAL_BASIS: _("监察执法所依据的有关煤矿安全的法律、法规、规章和规范性文件。"),
    CatalogKind.POWER_LIST: _("权责清单列明的行政许可、行政检查、行政强制、行政处罚等事项。"),
    CatalogKind.RANDOM_INSPECTION: _("“双随机、一公开”随机抽查的内容、抽查主体和抽查依据。"),
    CatalogKind.PROCEDURE_GUIDE: _(
        "行政许可、行政检查、行政强制、行政处罚的程序、执法流程图和服务指南。"
    ),
    CatalogKind.REMEDY: _(
        "对监察执法决定不服时可以依法申请行政复议、提起行政诉讼或者申请国家赔偿。"
    ),
}


def _kind(slug: str) -> str:
    kind = SLUGS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault(
        "portal_sections", [(slug, spec_for(kind).label) for slug, kind in SLUGS.items()]
    )
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def home(request):
    return _page(
        request,
        "portal/home.html",
        {
            "section": "home",
            "agencies": selectors.public_agencies(),
            "sections": [(slug, spec_for(kind).label, INTRO[kind]) for slug, kind in SLUGS.items()],
        },
    )


@require_GET
def agencies(request):
    return _page(
        request,
        "portal/agencies.html",
        {"section": "agencies", "agencies": selectors.public_agencies()},
    )


@require_GET
def officers(request):
    agency_id, q = clean_int(request, "agency"), clean_text(request, "q", 40)
    paginator = Paginator(selectors.public_officers(agency_id=agency_id, q=q), 50)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return _page(
        request,
        "portal/officers.html",
        {
            "section": "officers",
            "page_obj": page_obj,
            "querystring": params.urlencode(),
            "agencies": selectors.public_agencies(),
            "agency_id": agency_id,
            "q": q,
        },
    )


@require_GET
def certificate_check(request):
    number = clean_text(request, "number", 60)
    answer = selectors.certificate_check(number) if number else None
    response = _page(
        request,
        "portal/certificate_check.html",
        {"section": "certificate", "number": number, "answer": answer},
    )
    response["Cache-Control"] = "no-store"
    return response


def _items(kind: str, version) -> list:
    if version is None:
        return []
    today = timezone.localdate()
    spec = spec_for(kind)
    items = list(getattr(version, spec.primary.related_name).all())
    if kind == CatalogKind.LEGAL_BASIS:
        items = list(version.legal_bases.prefetch_related("articles"))
        for basis in items:
            basis.current = basis.in_force_on(today)
    if kind == CatalogKind.PROCEDURE_GUIDE:
        for guide in items:
            guide.chart = workflow_chart(guide.workflow) if guide.workflow else None
            guide.chart_rows = workflow_steps(guide.workflow) if guide.workflow else []
    return items


@require_GET
def catalog_page(request, slug: str):
    kind = _kind(slug)
    agency = selectors.public_agency(clean_int(request, "agency"))
    catalog = selectors.public_catalog(kind, agency=agency)
    return _page(
        request,
        "portal/catalog.html",
        {
            "section": slug,
            "slug": slug,
            "kind_label": spec_for(kind).label,
            "intro": INTRO[kind],
            "catalog": catalog,
            "version": catalog.version,
            "items": _items(kind, catalog.version),
            "item_template": f"portal/items/{kind}.html",
            "agencies": selectors.publishing_agencies(kind),
        },
    )


@require_GET
def catalog_history(request, slug: str):
    kind = _kind(slug)
    agency = selectors.public_agency(clean_int(request, "agency")) or selectors.default_agency(kind)
    history = selectors.public_history(kind, agency=agency) if agency else []
    return _page(
        request,
        "portal/history.html",
        {
            "section": slug,
            "slug": slug,
            "kind_label": spec_for(kind).label,
            "agency": agency,
            "history": history,
            "today": timezone.localdate(),
        },
    )


@require_GET
def version_page(request, pk: int):
    version = selectors.public_version(pk)
    slug = KIND_SLUGS[version.kind]
    history = selectors.public_history(version.kind, agency=version.agency)
    entry = next((v for v in history if v.pk == version.pk), version)
    return _page(
        request,
        "portal/version.html",
        {
            "section": slug,
            "slug": slug,
            "kind_label": spec_for(version.kind).label,
            "version": entry,
            "items": _items(version.kind, version),
            "item_template": f"portal/items/{version.kind}.html",
            "current": history[0].pk == version.pk if history else False,
        },
    )


DATASETS = {
    "agencies": _("执法主体（机构及执法范围）"),
    "officers": _("执法人员及执法证号"),
    **{slug: spec_for(kind).label for slug, kind in SLUGS.items()},
}


@require_GET
def open_data(request):
    from sanxiang.publicity.fields import Category

    return _page(
        request,
        "portal/open_data.html",
        {"section": "data", "datasets": DATASETS, "result_datasets": Category.choices},
    )


@require_GET
def dataset(request, name: str, fmt: str):
    if name not in DATASETS or fmt not in ("csv", "json"):
        raise Http404
    if name == "agencies":
        rows, fields = selectors.public_agencies(), opendata.AGENCY_FIELDS
    elif name == "officers":
        rows = selectors.public_officers(agency_id=clean_int(request, "agency"))
        fields = opendata.OFFICER_FIELDS
    else:
        catalog = selectors.public_catalog(
            SLUGS[name], agency=selectors.public_agency(clean_int(request, "agency"))
        )
        if fmt == "json":
            body = opendata.dumps(opendata.catalog_json(catalog))
        else:
            body = opendata.catalog_csv(catalog)
        return _download(body, name, fmt)
    if fmt == "json":
        return _download(opendata.dumps(opendata.table_json(name, fields, rows)), name, fmt)
    return _download(opendata.table_csv(fields, rows), name, fmt)


def _download(body: bytes, name: str, fmt: str) -> HttpResponse:
    content_type = "application/json; charset=utf-8" if fmt == "json" else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
