"""Staff pages of the licensing window: the application queue, one application with the steps
its state allows (one form per transition row), paper registration, licences, consultations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.documents.models import Document
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from . import forms, selectors, services, workflow
from .workflow import ROLE_WORDS, ApplicationStatus

SECTION = "licensing"


def _role_word(role: str) -> str:
    return ROLE_WORDS.get(role) or Role(role).label


def _may(user, row: workflow.Transition) -> bool:
    roles = row.roles - {workflow.APPLICANT, workflow.SYSTEM}
    if not roles:
        return False
    return is_superuser(user) or user.has_role(*roles)


@login_required
def application_list(request):
    status = clean_text(request, "status", 20)
    rows = selectors.application_list(user=request.user)
    if status in ApplicationStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "licensing/application_list.html",
        {
            "section": SECTION,
            **paginate(request, rows, 50),
            "statuses": ApplicationStatus.choices,
            "status": status,
        },
    )


@login_required
def application_detail(request, pk: int):
    application = get_or_404(selectors.application_get, user=request.user, pk=pk)
    actions = [
        (row.action, row.label)
        for row in workflow.available(application.status)
        if _may(request.user, row)
    ]
    documents = Document.objects.filter(
        subject_type="licensing.application", subject_id=str(application.pk)
    ).select_related("number")
    return render(
        request,
        "licensing/application_detail.html",
        {
            "section": SECTION,
            "application": application,
            "progress": selectors.progress(application),
            "materials": application.materials.all(),
            "documents": documents,
            "actions": actions,
            "licence": getattr(application, "licence", None)
            if application.status == ApplicationStatus.LICENSED
            else None,
            "rows": [
                (row.label, row.requires, "、".join(str(_role_word(r)) for r in sorted(row.roles)))
                for row in workflow.TRANSITIONS + workflow.IN_STATE_ACTIONS
            ],
        },
    )


def _step_form(action: str, application, data):
    if action == "correction_notice":
        return forms.CorrectionForm(data, materials=application.item.material_list)
    if action in {"reject", "deny"}:
        return forms.ReasonForm(data)
    if action == "extend":
        form = forms.ReasonForm(data)
        form.fields["reasons"].label = _("延长理由（告知申请人）")
        return form
    if action == "pause":
        return forms.PauseForm(data)
    if action == "grant":
        return forms.GrantForm(data)
    if action == "licence_issue":
        return forms.LicenceIssueForm(data)
    if action in {"accept", "resume"}:
        return forms.DatedForm(data)
    raise Http404


def _call(action: str, user, application, data: dict):
    service = services.ROW_SERVICES[action]
    data = dict(data)
    if action == "extend":
        data["reason"] = data.pop("reasons")
    return service(actor=user, application=application, **data)


@login_required
def application_step(request, pk: int, action: str):
    application = get_or_404(selectors.application_get, user=request.user, pk=pk)
    row = workflow.transition(application.status, action)
    if row is None or not _may(request.user, row):
        raise Http404
    form = _step_form(action, application, request.POST or None)
    detail = reverse("licensing:application_detail", args=[application.pk])
    return service_form_page(
        request,
        form=form,
        call=lambda data: _call(action, request.user, application, data),
        success_url=lambda _result: detail,
        success_message=_("已办理：%(step)s。") % {"step": row.label},
        title=_("%(step)s：%(number)s") % {"step": row.label, "number": application.number},
        cancel_url=detail,
        section=SECTION,
        submit_label=str(row.label),
        extra={"hint": row.requires},
    )


@login_required
def application_register(request):
    """Staff register a paper application on a mine's behalf (窗口代为登记)."""
    agency = request.user.agency
    items = services.licensing_items(agency=agency) if agency else []
    form = forms.RegisterForm(request.POST or None, request.FILES or None)
    form.fields["mine"].queryset = CoalMine.objects.restrict(request.user)
    form.fields["item"].choices = [(i.pk, i.name) for i in items]
    by_pk = {str(i.pk): i for i in items}

    def call(data):
        item = by_pk[data["item"]]
        uploaded = request.FILES.getlist("files")
        materials = []
        for upload in uploaded:
            name = next(
                (m for m in item.material_list if upload.name.startswith(m)),
                services.OTHER_MATERIAL,
            )
            materials.append(services.Material(name, upload.name, upload.read()))
        application = services.submit_application(
            mine=data["mine"],
            item=item,
            materials=materials,
            request=data["request"],
            contact=data["contact"],
            registered_by=request.user,
            received_on=data["received_on"],
        )
        request.session["licensing_query_code"] = [application.number, application.query_code]
        return application

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda a: reverse("licensing:application_detail", args=[a.pk]),
        success_message=_("已登记申请，请将申请编号和查询码告知申请人。"),
        title=_("代为登记纸质申请"),
        cancel_url=reverse("licensing:application_list"),
        section=SECTION,
        submit_label=_("登记"),
    )


@login_required
def licence_list(request):
    return render(
        request,
        "licensing/licence_list.html",
        {"section": SECTION, **paginate(request, selectors.licence_list(user=request.user), 50)},
    )


@login_required
def licence_change(request, pk: int):
    licence = get_or_404(
        lambda **kw: selectors.licence_list(user=kw["user"]).get(pk=kw["pk"]),
        user=request.user,
        pk=pk,
    )
    form = forms.LicenceChangeForm(request.POST or None)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.licence_change(actor=request.user, licence=licence, **data),
        success_url=lambda _l: reverse("licensing:licence_list"),
        success_message=_("已办理。"),
        title=_("许可证变更、延续、暂扣或吊销：%(n)s") % {"n": licence.number},
        cancel_url=reverse("licensing:licence_list"),
        section=SECTION,
        submit_label=_("办理"),
    )


@login_required
def consultation_list(request):
    return render(
        request,
        "licensing/consultation_list.html",
        {
            "section": SECTION,
            **paginate(request, selectors.consultation_list(user=request.user), 50),
        },
    )


@login_required
def consultation_answer(request, pk: int):
    consultation = get_or_404(
        lambda **kw: selectors.consultation_list(user=kw["user"]).get(pk=kw["pk"]),
        user=request.user,
        pk=pk,
    )
    form = forms.AnswerForm(request.POST or None)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.consultation_answer(
            actor=request.user, consultation=consultation, **data
        ),
        success_url=lambda _c: reverse("licensing:consultation_list"),
        success_message=_("已答复。"),
        title=_("答复咨询"),
        cancel_url=reverse("licensing:consultation_list"),
        section=SECTION,
        submit_label=_("答复"),
        extra={"hint": consultation.question},
    )
