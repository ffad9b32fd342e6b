"""Pages for maintaining catalogs: versions, items, import/export, approval, compendium search,
and the major-decision catalog with its classification check."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.forms import add_service_errors
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.core.stepup import StepUpRequired
from sanxiang.ledger.selectors import object_history
from sanxiang.org.models import Agency

from . import exporters, selectors, services
from .forms import ClassifyForm, ImportForm, TransitionForm, VersionForm, item_form_class
from .kinds import SPECS, rows_from_db, spec_for
from .major import STATUTORY_BY_CODE, DecisionFacts, MeasureKind, RuleKind, classify
from .models import CatalogKind
from .procedures import workflow_chart
from .workflow import EDITOR_ROLES, VersionStatus, available_actions


def _get_version(user, pk: int, action: str = "view"):
    try:
        return selectors.version_get(user=user, pk=pk, action=action)
    except ObjectDoesNotExist:
        raise Http404 from None


def _may(user, roles) -> bool:
    return is_superuser(user) or user.has_role(*roles)


def _agency(request) -> Agency | None:
    agencies = Agency.objects.restrict(request.user)
    chosen = clean_int(request, "agency")
    if chosen:
        return agencies.filter(pk=chosen).first()
    own = getattr(request.user, "agency", None)
    return own if own is not None else agencies.first()


@login_required
def index(request):
    """Every catalog kind of one agency: the version in force, the one being worked on."""
    agency = _agency(request)
    rows = []
    if agency is not None:
        own = {}
        for version in selectors.version_list(user=request.user, agency_id=agency.pk).order_by(
            "-number"
        ):
            own.setdefault(version.kind, []).append(version)
        for kind in SPECS:
            versions = own.get(kind, [])
            rows.append(
                {
                    "kind": kind,
                    "label": CatalogKind(kind).label,
                    "current": selectors.applicable_version(agency=agency, kind=kind),
                    "open": next(
                        (v for v in versions if v.status != VersionStatus.PUBLISHED), None
                    ),
                    "count": len(versions),
                }
            )
    return render(
        request,
        "catalog/index.html",
        {
            "section": "catalog",
            "agency": agency,
            "agencies": Agency.objects.restrict(request.user),
            "rows": rows,
            "awaiting": selectors.versions_awaiting(user=request.user),
            "may_edit": _may(request.user, EDITOR_ROLES),
            "chart": workflow_chart("catalog_publication"),
        },
    )


@login_required
def version_list(request):
    kind, status = clean_text(request, "kind", 30), clean_text(request, "status", 20)
    agency_id = clean_int(request, "agency")
    versions = selectors.version_list(
        user=request.user, kind=kind, agency_id=agency_id, status=status
    )
    context = paginate(request, versions)
    context.update(
        section="catalog",
        kind=kind,
        status=status,
        agency_id=agency_id,
        kinds=CatalogKind.choices,
        statuses=VersionStatus.choices,
        agencies=Agency.objects.restrict(request.user),
    )
    return render(request, "catalog/version_list.html", context)


@login_required
def version_create(request):
    initial = {
        "agency": _agency(request),
        "kind": clean_text(request, "kind", 30) or None,
        "effective_from": timezone.localdate(),
    }
    form = VersionForm(request.POST or None, user=request.user, initial=initial)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.catalog_version_create(actor=request.user, **data),
        success_url=lambda v: reverse("catalog:version_detail", args=[v.pk]),
        success_message=_("已新建草稿版本，内容复制自现行版本。"),
        title=_("新建目录版本"),
        cancel_url=reverse("catalog:index"),
        section="catalog",
    )


@login_required
def version_edit(request, pk: int):
    version = _get_version(request.user, pk, "change")
    form = VersionForm(request.POST or None, instance=version, user=request.user)

    def call(data):
        data.pop("agency", None)
        data.pop("kind", None)
        return services.catalog_version_update(actor=request.user, version=version, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda v: reverse("catalog:version_detail", args=[v.pk]),
        success_message=_("已保存。"),
        title=_("修改版本信息：%(v)s") % {"v": version},
        cancel_url=reverse("catalog:version_detail", args=[version.pk]),
        section="catalog",
    )


def _actions_for(user, version) -> list:
    """Workflow actions the user may take now (the services check again)."""
    allowed = []
    for transition in available_actions(version.status):
        if not _may(user, transition.roles) or not in_scope(user, version.agency):
            continue
        if transition.action == "review" and version.submitted_by_id == user.pk:
            continue
        if transition.action == "publish" and version.effective_from > timezone.localdate():
            continue
        allowed.append(transition)
    return allowed


def _cells(columns, values) -> list[str]:
    return ["" if values[c.key] is None else str(c.cell(values[c.key])) for c in columns]


def _table(spec, version) -> list[dict]:
    """The version's items as display cells, children under their item."""
    table = []
    for row in rows_from_db(spec, version):
        children = []
        if spec.child is not None:
            children = [
                {"obj": child.ref, "cells": _cells(spec.child.columns, child.values)}
                for child in row.children
            ]
        table.append(
            {
                "obj": row.ref,
                "cells": _cells(spec.primary.columns, row.values),
                "children": children,
            }
        )
    return table


@login_required
def version_detail(request, pk: int, import_form=None, status: int = 200):
    version = _get_version(request.user, pk)
    spec = spec_for(version.kind)
    may_edit = (
        version.is_editable
        and _may(request.user, EDITOR_ROLES)
        and in_scope(request.user, version.agency)
    )
    return render(
        request,
        "catalog/version_detail.html",
        {
            "section": "catalog",
            "version": version,
            "spec": spec,
            "table": _table(spec, version),
            "may_edit": may_edit,
            "actions": _actions_for(request.user, version),
            "import_form": import_form or (ImportForm() if may_edit else None),
            "history": object_history(version),
            "unissued": _unissued_types(version),
        },
        status=status,
    )


def _unissued_types(version) -> list:
    """ADR 0205/0215: the document types of this version that no service issues (they could be
    published but never made), for a warning on the page."""
    from sanxiang.catalog.issuers import unissued

    if version.kind != CatalogKind.DOCUMENT_TYPE:
        return []
    types = list(version.document_types.all())
    missing = set(unissued(t.code for t in types))
    return [t for t in types if t.code in missing]


@login_required
@require_POST
def version_transition(request, pk: int):
    version = _get_version(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效。"))
        return redirect("catalog:version_detail", pk=pk)
    try:
        version = services.catalog_version_transition(
            actor=request.user, version=version, **form.cleaned_data
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except StepUpRequired:
        raise  # the middleware sends the page to the step-up form, then back (ADR 0220)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已办理，当前状态：%(s)s。") % {"s": version.get_status_display()}
        )
    return redirect("catalog:version_detail", pk=pk)


@login_required
@require_POST
def version_discard(request, pk: int):
    version = _get_version(request.user, pk, "change")
    try:
        services.catalog_version_discard(actor=request.user, version=version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("catalog:version_detail", pk=pk)
    messages.success(request, _("已撤销草稿。"))
    return redirect("catalog:index")


@login_required
@require_POST
def version_import(request, pk: int):
    version = _get_version(request.user, pk, "change")
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.catalog_import(
                actor=request.user,
                version=version,
                content=upload.read(),
                filename=upload.name,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已导入 %(n)d 个条目。") % {"n": count})
            return redirect("catalog:version_detail", pk=pk)
    return version_detail(request, pk, import_form=form, status=400)


@login_required
def version_export(request, pk: int, fmt: str):
    version = _get_version(request.user, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    content, content_type, filename = exporters.export_version(spec_for(version.kind), version, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def template_download(request, kind: str, fmt: str):
    if kind not in SPECS or fmt not in ("xlsx", "csv"):
        raise Http404
    content, content_type, filename = exporters.export_version(spec_for(kind), None, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _entity_and_item(version, entity_name: str, item_pk: int | None):
    spec = spec_for(version.kind)
    try:
        entity = spec.entity(entity_name)
    except KeyError:
        raise Http404 from None
    item = None
    if item_pk is not None:
        if entity is spec.primary:
            item = entity.model.objects.filter(pk=item_pk, version=version).first()
        else:
            item = entity.model.objects.filter(
                pk=item_pk, **{f"{entity.parent_field}__version": version}
            ).first()
        if item is None:
            raise Http404
    return spec, entity, item


@login_required
def item_edit(request, pk: int, entity: str, item_pk: int | None = None):
    version = _get_version(request.user, pk, "change")
    spec, target, item = _entity_and_item(version, entity, item_pk)
    parent_choices = None
    if target is not spec.primary:
        parent_choices = [(p.pk, str(p)) for p in getattr(version, spec.primary.related_name).all()]
    parent_id = None
    if parent_choices is not None:
        parent_id = (
            getattr(item, f"{target.parent_field}_id") if item else clean_int(request, "parent")
        )
    form = item_form_class(target, parent_choices)(
        request.POST or None, instance=item, parent=parent_id
    )

    def call(data):
        parent = None
        if parent_choices is not None:
            parent = spec.primary.model.objects.filter(
                pk=data.pop("parent"), version=version
            ).first()
        return services.catalog_item_save(
            actor=request.user,
            version=version,
            entity=entity,
            values=data,
            item=item,
            parent=parent,
        )

    title = (_("修改") if item else _("新增")) + str(target.label)
    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda obj: reverse("catalog:version_detail", args=[version.pk]),
        success_message=_("已保存。"),
        title=f"{title} · {version}",
        cancel_url=reverse("catalog:version_detail", args=[version.pk]),
        section="catalog",
    )


@login_required
@require_POST
def item_delete(request, pk: int, entity: str, item_pk: int):
    version = _get_version(request.user, pk, "change")
    _spec, _target, item = _entity_and_item(version, entity, item_pk)
    try:
        services.catalog_item_delete(actor=request.user, version=version, entity=entity, item=item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除。"))
    return redirect("catalog:version_detail", pk=version.pk)


@login_required
def compendium(request):
    """JL-TXT-3c: find the standard description of a violation or hazard by keyword."""
    agency = _agency(request)
    q = clean_text(request, "q", 50)
    entries = selectors.compendium_search(agency=agency, q=q) if agency else []
    context = paginate(request, entries, per_page=20)
    context.update(
        section="catalog",
        q=q,
        agency=agency,
        version=selectors.applicable_version(agency=agency, kind=CatalogKind.VIOLATION_COMPENDIUM)
        if agency
        else None,
    )
    return render(request, "catalog/compendium.html", context)


@login_required
def major_catalog(request):
    """SH-SCOPE-2/3: the unit's major-decision catalog, its subordinates', and a classification check."""
    agency = _agency(request)
    items = selectors.major_items_for(agency=agency) if agency else []
    form = ClassifyForm(
        request.GET if "party_kind" in request.GET else None,
        circumstances=[(i.circumstance, i.title) for i in items if i.circumstance],
    )
    matches = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        facts = DecisionFacts(
            party_kind=data["party_kind"],
            fine_amount=data["fine_amount"] or Decimal(0),
            confiscation_value=data["confiscation_value"] or Decimal(0),
            measures=frozenset(data["measures"]),
            after_hearing=data["after_hearing"],
            complex_case=data["complex_case"],
            court_enforcement=data["court_enforcement"],
            circumstances=frozenset(data.get("circumstances", ())),
        )
        matches = classify(facts, items)
    return render(
        request,
        "catalog/major.html",
        {
            "section": "catalog",
            "agency": agency,
            "agencies": Agency.objects.restrict(request.user),
            "version": selectors.applicable_version(agency=agency, kind=CatalogKind.MAJOR_DECISION)
            if agency
            else None,
            "items": [
                {
                    "item": i,
                    "rule": RuleKind(i.rule).label if i.rule in RuleKind.values else i.rule,
                    "measures": "、".join(
                        str(MeasureKind(m).label)
                        for m in sorted(i.measures)
                        if m in MeasureKind.values
                    ),
                    "statutory": i.code in STATUTORY_BY_CODE,
                }
                for i in items
            ],
            "form": form,
            "matches": matches,
            "subordinates": selectors.subordinate_versions(
                user=request.user, kind=CatalogKind.MAJOR_DECISION
            ),
        },
    )
