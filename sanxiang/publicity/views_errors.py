"""Staff pages for error reports on published results (ADR 0157): the list, and the editor's
answer (no error, or a correction that starts a new version through the normal pipeline)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import paginate

from . import corrections
from .models import ErrorReport, ErrorReportStatus

SECTION = "publicity"


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label=_l("答复"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


@login_required
def error_report_list(request):
    reports = (
        ErrorReport.objects.restrict(request.user)
        .select_related("publication")
        .order_by("status", "-created_at", "-pk")
    )
    return render(
        request,
        "publicity/error_report_list.html",
        {
            "section": SECTION,
            "tab": "errors",
            "received": ErrorReportStatus.RECEIVED,
            **paginate(request, reports),
        },
    )


@login_required
def error_report_answer(request, pk: int):
    report = ErrorReport.objects.restrict(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = AnswerForm(request.POST or None)

    def call(data):
        return corrections.error_report_answer(
            actor=request.user,
            report=report,
            correct=request.POST.get("decision") == "correct",
            reply=data["reply"],
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda result: reverse("publicity:detail", args=[report.publication_id]),
        success_message=_("已答复纠错反馈。"),
        title=_("答复纠错反馈 %(n)s：%(d)s") % {"n": report.number, "d": report.description[:60]},
        cancel_url=reverse("publicity:error_reports"),
        section=SECTION,
        buttons=[
            ("decision", "correct", _("确有错误，启动更正（新版本）"), "primary"),
            ("decision", "reject", _("经核实无误"), "secondary"),
        ],
    )
