"""Pages for appeals (复议、诉讼, ADR 0155) and criminal transfers (行刑衔接, ADR 0156): one form
page per row of ``appeal_workflow``; the case page lists both with their deadlines."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sanxiang.core.forms import DateInput
from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404

from . import appeal_outcomes, appeals, selectors, transfers
from .appeal_workflow import AppealKind
from .models import Appeal, CriminalTransfer

SECTION = "cases"


class AppealRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_l("救济方式"), choices=AppealKind.choices)
    applicant = forms.CharField(label=_l("申请人（原告）"), max_length=200)
    body = forms.CharField(label=_l("复议机关（人民法院）"), max_length=200)
    reference = forms.CharField(label=_l("案号"), max_length=100, required=False)
    filed_on = forms.DateField(label=_l("申请（起诉）日期"), widget=DateInput)


class AppealConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("结果"))
    document_number = forms.CharField(label=_l("生效文书文号（案号）"), max_length=100)
    decided_on = forms.DateField(label=_l("作出日期"), widget=DateInput)
    effective_on = forms.DateField(label=_l("生效日期"), widget=DateInput)
    received_on = forms.DateField(label=_l("本机关收到日期"), widget=DateInput)
    summary = forms.CharField(
        label=_l("结果摘要（变更的，填写变更后的处罚决定内容）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    document = forms.FileField(label=_l("生效文书（PDF）"))

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = appeal_outcomes.choices_for(appeal.kind)


class NewDecisionForm(forms.Form):
    document_number = forms.CharField(label=_l("重新作出的决定书文号"), max_length=100)
    decided_on = forms.DateField(label=_l("作出日期"), widget=DateInput)
    content = forms.CharField(
        label=_l("处罚决定内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class TransferReportForm(forms.Form):
    suspected_crime = forms.CharField(label=_l("涉嫌罪名"), max_length=100)
    facts = forms.CharField(
        label=_l("涉嫌犯罪的事实和理由"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class TransferDecideForm(forms.Form):
    opinion = forms.CharField(
        label=_l("负责人意见（不批准的须说明理由）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )


class TransferCompleteForm(forms.Form):
    receiving_organ = forms.CharField(label=_l("接收移送的公安机关"), max_length=200)


def _page(request, case, form, call, title, label, buttons=None):
    back = reverse("cases:detail", args=[case.pk])
    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda result: back,
        success_message=_("已办理：%(step)s。") % {"step": label},
        title=f"{title}：{case.cause}",
        cancel_url=back,
        section=SECTION,
        submit_label=None if buttons else str(label),
        buttons=buttons,
    )


@login_required
def appeal_register(request, pk: int):
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    form = AppealRegisterForm(request.POST or None)
    label = _("登记复议申请或起诉")
    return _page(
        request,
        case,
        form,
        lambda data: appeals.appeal_register(actor=request.user, case=case, **data),
        label,
        label,
    )


def _appeal(request, pk: int, appeal_id: int):
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    appeal = case.appeals.filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404
    return case, appeal


@login_required
def appeal_conclude(request, pk: int, appeal_id: int):
    case, appeal = _appeal(request, pk, appeal_id)
    form = AppealConcludeForm(request.POST or None, request.FILES or None, appeal=appeal)
    label = _("登记生效的复议决定或裁判")
    return _page(
        request,
        case,
        form,
        lambda data: appeals.appeal_conclude(actor=request.user, appeal=appeal, **data),
        label,
        label,
    )


@login_required
def appeal_new_decision(request, pk: int, appeal_id: int):
    case, appeal = _appeal(request, pk, appeal_id)
    form = NewDecisionForm(request.POST or None)
    label = _("公示重新作出的决定")
    return _page(
        request,
        case,
        form,
        lambda data: appeals.appeal_new_decision_publish(actor=request.user, appeal=appeal, **data),
        label,
        label,
    )


@login_required
def transfer_report(request, pk: int):
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    form = TransferReportForm(request.POST or None)
    label = _("报告涉嫌犯罪")
    return _page(
        request,
        case,
        form,
        lambda data: transfers.transfer_report(actor=request.user, case=case, **data),
        label,
        label,
    )


def _transfer(request, pk: int, transfer_id: int) -> tuple:
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    transfer = CriminalTransfer.objects.filter(case=case, pk=transfer_id).first()
    if transfer is None:
        raise Http404
    return case, transfer


@login_required
def transfer_decide(request, pk: int, transfer_id: int):
    case, transfer = _transfer(request, pk, transfer_id)
    form = TransferDecideForm(request.POST or None)

    def call(data):
        service = (
            transfers.transfer_refuse
            if request.POST.get("decision") == "refuse"
            else transfers.transfer_approve
        )
        return service(actor=request.user, transfer=transfer, **data)

    return _page(
        request,
        case,
        form,
        call,
        _("负责人决定是否移送"),
        _("负责人决定"),
        buttons=[
            ("decision", "approve", _("批准移送"), "primary"),
            ("decision", "refuse", _("不批准移送"), "secondary"),
        ],
    )


@login_required
def transfer_complete(request, pk: int, transfer_id: int):
    case, transfer = _transfer(request, pk, transfer_id)
    form = TransferCompleteForm(request.POST or None)
    label = _("移送公安机关")
    return _page(
        request,
        case,
        form,
        lambda data: transfers.transfer_complete(actor=request.user, transfer=transfer, **data),
        label,
        label,
    )
