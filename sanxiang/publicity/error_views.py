"""The portal's error-report form and the reporter's status page (GS-POST-2, ADR 0157).

No login and no JavaScript; the form is limited per address and hour (429 beyond), every value
is rendered escaped, and bad input gets field errors in Chinese with nothing saved.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.core.forms import add_service_errors

from . import corrections, public
from .models import ReporterKind


class ErrorReportForm(forms.Form):
    reporter_kind = forms.ChoiceField(
        label=_("您的身份"), choices=ReporterKind.choices, initial=ReporterKind.VISITOR
    )
    field_label = forms.ChoiceField(label=_("有误的内容"), required=False)
    description = forms.CharField(
        label=_("错误说明"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=corrections.MAX_DESCRIPTION,
        help_text=_("请说明哪里有误、正确的应是什么；请勿填写身份证号、电话等个人信息。"),
    )

    def __init__(self, *args, category: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_label"].choices = [
            ("", _("（不确定）")),
            *corrections.field_choices(category),
        ]


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def report_page(request, pk: int):
    record = public.result_get(pk)
    if record.state != "live":
        raise Http404
    form = ErrorReportForm(request.POST or None, category=record.category)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = corrections.error_report_submit(
                    publication_id=pk, address=_address(request), **form.cleaned_data
                )
            except corrections.TooManyReports:
                return _no_store(
                    render(
                        request, "publicity/portal/too_many.html", {"record": record}, status=429
                    )
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("portal:error_status", number=report.number)
    return _no_store(
        render(
            request,
            "publicity/portal/error_report.html",
            {"section": "results", "record": record, "form": form},
            status=status,
        )
    )


@require_GET
def status_page(request, number: str):
    report = corrections.public_status(number)
    if report is None:
        raise Http404
    return _no_store(
        render(
            request, "publicity/portal/error_status.html", {"section": "results", "report": report}
        )
    )
