"""The licensing section of a mine's account (企业端, ADR 0146): its applications with their
progress, the online application form, the correction materials after a one-time notice and
the documents of its applications. Every page reads ``request.enterprise.mine``'s rows only;
another mine's application or document is a 404 like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sanxiang.catalog.models import PowerItem
from sanxiang.core.forms import add_service_errors
from sanxiang.documents.models import Document
from sanxiang.enterprise.views import account_required

from . import selectors, services
from .forms import EnterpriseApplyForm, MaterialFilesForm
from .models import ApplicationStep
from .workflow import ApplicationStatus


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"account": request.enterprise, **context}, status=status)


def _own(request, pk: int):
    application = selectors.applications_for_mine(request.enterprise.mine).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def _items(mine) -> list[PowerItem]:
    return services.licensing_items(agency=mine.supervising_agency)


@account_required
def application_list(request):
    rows = [
        (application, selectors.progress(application))
        for application in selectors.applications_for_mine(request.enterprise.mine).select_related(
            "mine"
        )[:50]
    ]
    return _render(request, "licensing/enterprise/list.html", {"rows": rows})


@account_required
def apply(request):
    """Choose a licensing item (a picker), then upload its materials and submit."""
    account = request.enterprise
    items = _items(account.mine)
    chosen = request.POST.get("item") or request.GET.get("item") or ""
    item = next((i for i in items if str(i.pk) == chosen), None)
    if item is None:
        return _render(request, "licensing/enterprise/apply.html", {"items": items, "item": None})
    form = EnterpriseApplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        materials=item.material_list,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                mine=account.mine,
                item=item,
                materials=form.materials(),
                request=form.cleaned_data["request"],
                contact=form.cleaned_data["contact"],
                submitted_by=account,
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                exc = ValidationError(str(exc))
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("申请已提交，申请编号 %(number)s，查询码 %(code)s（请妥善保存，仅显示一次）。")
                % {"number": application.number, "code": application.query_code},
            )
            return redirect("licensing_enterprise:detail", pk=application.pk)
    return _render(
        request,
        "licensing/enterprise/apply.html",
        {"items": items, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@account_required
def application_detail(request, pk: int):
    """One application: progress, materials handed in, documents, and — after a correction
    notice — the upload of the correction materials."""
    account = request.enterprise
    application = _own(request, pk)
    correcting = application.status == ApplicationStatus.CORRECTION
    form = None
    if correcting:
        form = MaterialFilesForm(
            request.POST if request.method == "POST" else None,
            request.FILES or None,
            materials=application.item.material_list,
        )
    if request.method == "POST":
        if form is None:
            return redirect("licensing_enterprise:detail", pk=application.pk)
        if form.is_valid():
            try:
                services.correction_complete(
                    application=application, materials=form.materials(), submitted_by=account
                )
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    exc = ValidationError(str(exc))
                add_service_errors(form, exc)
            else:
                messages.success(request, _("补正材料已提交，受理期限自今日起重新计算。"))
                return redirect("licensing_enterprise:detail", pk=application.pk)
    documents = [
        step.document
        for step in application.steps.select_related("document__number").order_by("on", "pk")
        if step.document_id
    ]
    return _render(
        request,
        "licensing/enterprise/detail.html",
        {
            "application": application,
            "progress": selectors.progress(application),
            "materials": application.materials.order_by("pk"),
            "documents": documents,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@account_required
def document_pdf(request, pk: int):
    """A document issued on one of the mine's applications (受理通知书, 补正通知书, 决定书…),
    each opening logged with the mine's ground (the enterprise app's reading path)."""
    from sanxiang.documents.reading import pdf_response
    from sanxiang.enterprise.services import document_read_by_mine

    account = request.enterprise
    own = selectors.applications_for_mine(account.mine).values("pk")
    on_own = ApplicationStep.objects.filter(application__in=own, document_id=pk)
    document = Document.objects.filter(pk=pk).exclude(pdf_path="").first()
    if document is None or not on_own.exists():
        raise Http404
    try:
        reading = document_read_by_mine(account=account, document=document)
    except PermissionDenied:
        raise Http404 from None
    return pdf_response(document, reading, download=False)
