"""Pages of 移交 (ADR 0135): the volume PDF for reading, and the three exports as POST buttons
that answer with the tar (or, when the 四性检测 fails, with the report in words).

The services decide who may export and what; these views only find the object the user may see
(404 otherwise, ADR 0065), turn a refusal into a page and stream the finished tar from disk.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404
from sanxiang.documents import borrowing, reading
from sanxiang.documents.forms import BorrowTermsForm
from sanxiang.registry import selectors as registry_selectors

from . import export, selectors
from . import reading as unit_reading
from .export import ExportRefused, ExportResult

SECTION = "archive"


def tar_response(result: ExportResult) -> FileResponse:
    """Stream the finished tar from disk. The file is opened, then its folder removed: the open
    handle keeps the bytes until the response closes it, and nothing is left behind."""
    handle = open(result.path, "rb")  # noqa: SIM115 - closed by the response
    result.cleanup()
    response = FileResponse(
        handle, as_attachment=True, filename=result.filename, content_type="application/x-tar"
    )
    response["Content-Length"] = str(result.size)
    response["X-Content-SHA256"] = result.sha256
    return response


def _refused(request, *, title: str, reasons: list[str], back: str, status: int = 409, saved=False):
    return render(
        request,
        "archive/export_refused.html",
        {
            "section": SECTION,
            "title": title,
            "reasons": reasons,
            "back": back,
            "report_saved": saved,
        },
        status=status,
    )


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _run(request, call, *, back: str):
    try:
        return tar_response(call())
    except ExportRefused as exc:
        return _refused(
            request,
            title=_("四性检测未通过，不能移交"),
            reasons=exc.reasons,
            back=back,
            saved=bool(exc.runs),
        )
    except ValidationError as exc:
        return _refused(request, title=_("不能移交"), reasons=_messages(exc), back=back, status=400)
    except PermissionDenied as exc:
        return _refused(request, title=_("不能移交"), reasons=[str(exc)], back=back, status=403)


@login_required
def unit_volume(request, pk: int):
    """查看案卷PDF: the paginated volume on the reader's ground (JL-USE-2, ``archive/reading``):
    each view and each refusal is a ledger event; anyone without a ground is offered 申请借阅."""
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    if not unit.volume_path:
        return _refused(
            request,
            title=_("案卷尚未生成"),
            reasons=[_("提交归档时生成带页码的案卷。")],
            back=reverse("archive:unit_detail", args=[unit.pk]),
            status=404,
        )
    download = request.GET.get("download") == "1"
    result = unit_reading.unit_volume_read(
        actor=request.user, unit=unit, mode=reading.DOWNLOAD if download else reading.VIEW
    )
    if not result.allowed:
        return render(
            request,
            "archive/volume_refused.html",
            {"section": SECTION, "unit": unit, "reason": result.grant.reason},
            status=403,
        )
    name = f"{unit.archival_code or unit.title}.pdf"
    return reading.file_response(unit.volume_path, name, result, download=download)


@login_required
def unit_borrow(request, pk: int):
    """申请借阅 a unit from its page: the unit is carried, the person states purpose and period."""
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"scope": "view", "valid_from": now, "valid_until": now + timedelta(days=7)}
    form = BorrowTermsForm(request.POST or None, initial=initial)
    label = f"{unit.archival_code} {unit.title}".strip()
    return service_form_page(
        request,
        form=form,
        call=lambda data: borrowing.borrow_request_create(
            actor=request.user, subject_type=unit_reading.UNIT, subject_id=str(unit.pk), **data
        ),
        success_url=lambda r: reverse("documents:borrow_list"),
        success_message=_("已提交借阅申请，待档案管理员或负责人审批。"),
        submit_label=_("提交借阅申请"),
        title=_("申请借阅：%(u)s") % {"u": label},
        cancel_url=reverse("archive:unit_detail", args=[unit.pk]),
        section=SECTION,
    )


@require_POST
@login_required
def unit_export(request, pk: int):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    back = reverse("archive:unit_detail", args=[unit.pk])
    recipient = request.POST.get("recipient", "")
    return _run(
        request,
        lambda: export.export_unit(actor=request.user, unit=unit, recipient=recipient),
        back=back,
    )


@require_POST
@login_required
def mine_export(request, pk: int):
    mine = get_or_404(registry_selectors.mine_get, user=request.user, pk=pk)
    back = reverse("registry:mine_file", args=[mine.pk])
    recipient = request.POST.get("recipient", "")
    return _run(
        request,
        lambda: export.export_mine_file(actor=request.user, mine=mine, recipient=recipient),
        back=back,
    )


class AgencyYearForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("立卷单位"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请选择立卷单位。"),
            "invalid_choice": gettext_lazy("请选择您管辖范围内有已归档案卷的单位。"),
        },
    )
    recipient = forms.CharField(
        label=gettext_lazy("接收单位（可不填）"),
        required=False,
        max_length=100,
        error_messages={"max_length": gettext_lazy("接收单位最多 100 个字。")},
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("请选择年度。"),
            "invalid_choice": gettext_lazy("请选择有已归档案卷的年度。"),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = export.export_agencies(user=user)
        self.fields["year"].choices = [(y, str(y)) for y in export.export_years(user=user)]


@require_POST
@login_required
def agency_year_export(request):
    """An agency's year (all its filed units of that year), from the archive list's picker."""
    back = reverse("archive:unit_list")
    form = AgencyYearForm(request.POST, user=request.user)
    if not form.is_valid():
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        return _refused(request, title=_("不能移交"), reasons=reasons, back=back, status=400)
    data = form.cleaned_data
    return _run(
        request,
        lambda: export.export_agency_year(
            actor=request.user,
            agency=data["agency"],
            year=data["year"],
            recipient=data["recipient"],
        ),
        back=back,
    )
