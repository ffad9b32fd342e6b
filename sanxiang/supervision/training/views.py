"""Pages of BZ-3: my training and certificate, training records, the hour requirement,
certificate applications, annual reviews (年审) and legal qualifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_open
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404

from ..models_people import CertificateApplicationStatus
from . import selectors, services
from .forms import (
    AnnualReviewForm,
    ApplicationDecisionForm,
    ApplicationForm,
    QualificationForm,
    RequirementForm,
    TrainingForm,
    manages,
)

SECTION = "training"


def _file(request, name: str) -> tuple[bytes | None, str]:
    upload = request.FILES.get(name)
    return (upload.read(), upload.name) if upload else (None, "")


@login_required
def training_home(request):
    user = request.user
    year = timezone.localdate().year
    context = paginate(request, selectors.training_list(user=user, staff=None, year=None))
    context.update(
        section=SECTION,
        year=year,
        manages=manages(user),
        my_status=selectors.training_status(user, year)
        if user.has_role(*selectors.TRAINED_ROLES)
        else None,
        requirement=selectors.requirement_for(user.agency, year),
        below=selectors.people_below(user=user, year=year)[:50] if manages(user) else [],
        requirements=selectors.requirement_list(user=user)[:20],
    )
    return render(request, "supervision/training/home.html", context)


@login_required
def training_create(request):
    def call(data):
        evidence, name = _file(request, "evidence")
        data.pop("evidence", None)
        return services.training_record_create(
            actor=request.user, evidence=evidence, evidence_name=name, **data
        )

    return service_form_page(
        request,
        form=TrainingForm(request.POST or None, request.FILES or None, user=request.user),
        call=call,
        success_url=lambda r: reverse("supervision:training_home"),
        success_message=_("已登记培训记录。"),
        title=_("登记培训记录"),
        cancel_url=reverse("supervision:training_home"),
        section=SECTION,
        submit_label=_("登记"),
    )


@login_required
def training_evidence(request, pk: int):
    record = get_or_404(selectors.training_get, user=request.user, pk=pk)
    return _evidence_response(record)


def _evidence_response(row):
    if not row.evidence_path:
        raise Http404
    response = FileResponse(blob_open(row.evidence_path), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, row.evidence_name)
    return response


@login_required
def requirement_set(request):
    return service_form_page(
        request,
        form=RequirementForm(request.POST or None, user=request.user),
        call=lambda data: services.training_requirement_set(actor=request.user, **data),
        success_url=lambda r: reverse("supervision:training_home"),
        success_message=_("已设定年度培训学时要求。"),
        title=_("设定年度培训学时要求"),
        cancel_url=reverse("supervision:training_home"),
        section=SECTION,
        submit_label=_("设定"),
    )


@login_required
def application_list(request):
    context = paginate(request, selectors.application_list(user=request.user))
    context.update(
        section=SECTION, manages=manages(request.user), pending=CertificateApplicationStatus.PENDING
    )
    return render(request, "supervision/training/applications.html", context)


@login_required
def application_create(request):
    return service_form_page(
        request,
        form=ApplicationForm(request.POST or None, user=request.user),
        call=lambda data: services.certificate_apply(actor=request.user, **data),
        success_url=lambda r: reverse("supervision:application_list"),
        success_message=_("已提交执法证申领。"),
        title=_("申领执法证"),
        cancel_url=reverse("supervision:application_list"),
        section=SECTION,
        submit_label=_("提交申领"),
    )


@login_required
def application_decide(request, pk: int):
    application = get_or_404(selectors.application_get, user=request.user, pk=pk)

    def call(data):
        issue = data.pop("issue") == "issue"
        return services.certificate_application_decide(
            actor=request.user, application=application, issue=issue, **data
        )

    return service_form_page(
        request,
        form=ApplicationDecisionForm(request.POST or None),
        call=call,
        success_url=lambda r: reverse("supervision:application_list"),
        success_message=_("已审核执法证申领。"),
        title=_("审核执法证申领：%(p)s") % {"p": application.applicant},
        cancel_url=reverse("supervision:application_list"),
        section=SECTION,
        template="supervision/_form.html",
        extra={"intro": selectors.qualification_label(application.applicant)},
        buttons=[
            ("issue", "issue", _("发证"), "primary"),
            ("issue", "refuse", _("不予发证"), "secondary"),
        ],
    )


@login_required
def review_list(request):
    context = paginate(request, selectors.annual_review_list(user=request.user))
    context.update(section=SECTION, manages=manages(request.user))
    return render(request, "supervision/training/reviews.html", context)


@login_required
def review_create(request):
    return service_form_page(
        request,
        form=AnnualReviewForm(request.POST or None, user=request.user),
        call=lambda data: services.annual_review_decide(actor=request.user, **data),
        success_url=lambda r: reverse("supervision:review_list"),
        success_message=_("已记录年审结论。"),
        title=_("执法证年审"),
        cancel_url=reverse("supervision:review_list"),
        section=SECTION,
        buttons=[
            ("outcome", "passed", _("认定年审合格"), "primary"),
            ("outcome", "failed", _("认定年审不合格并暂扣执法证"), "secondary"),
        ],
    )


@login_required
def qualification_list(request):
    context = paginate(request, selectors.qualification_list(user=request.user))
    context.update(section=SECTION, manages=manages(request.user))
    return render(request, "supervision/training/qualifications.html", context)


@login_required
def qualification_create(request):
    def call(data):
        evidence, name = _file(request, "evidence")
        data.pop("evidence", None)
        return services.legal_qualification_record(
            actor=request.user, evidence=evidence, evidence_name=name, **data
        )

    return service_form_page(
        request,
        form=QualificationForm(request.POST or None, request.FILES or None, user=request.user),
        call=call,
        success_url=lambda r: reverse("supervision:qualification_list"),
        success_message=_("已登记法律职业资格。"),
        title=_("登记法律职业资格"),
        cancel_url=reverse("supervision:qualification_list"),
        section=SECTION,
        submit_label=_("登记"),
    )


@login_required
def qualification_evidence(request, pk: int):
    return _evidence_response(get_or_404(selectors.qualification_get, user=request.user, pk=pk))
