"""The agency's pages for a mine's accounts (ADR 0150): accounts, consent on file, service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.downloads import blob_download
from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser

from . import selectors, services
from .forms import AccountFields, ConsentForm, DeliveryForm, NoteForm, VerifyForm, WithdrawForm

SECTION = "mines"


def _may_manage(user) -> bool:
    return is_superuser(user) or user.has_role(*services.STAFF_ROLES)


@login_required
def pending(request):
    """Self-registrations waiting for the agency's check, in the user's scope."""
    return render(
        request,
        "enterprise/staff/pending.html",
        {"section": SECTION, "accounts": selectors.pending_accounts(user=request.user)},
    )


@login_required
def mine_accounts(request, mine_pk: int):
    mine = get_or_404(selectors.mine_for_staff, user=request.user, pk=mine_pk)
    consents = selectors.consent_list(user=request.user, mine=mine)
    return render(
        request,
        "enterprise/staff/mine_accounts.html",
        {
            "section": SECTION,
            "mine": mine,
            "accounts": selectors.account_list(user=request.user, mine=mine),
            "consents": consents,
            "consent": next((c for c in consents if c.in_force), None),
            "deliveries": selectors.deliveries_of_mine(user=request.user, mine=mine),
            "may_manage": _may_manage(request.user),
            "problem": services.electronic_service_problem(mine=mine),
        },
    )


def _back(mine) -> str:
    return reverse("enterprise:staff_mine", args=[mine.pk])


@login_required
def account_create(request, mine_pk: int):
    mine = get_or_404(selectors.mine_for_staff, user=request.user, pk=mine_pk)
    return service_form_page(
        request,
        form=AccountFields(request.POST or None),
        call=lambda data: services.account_create(actor=request.user, mine=mine, **data),
        success_url=lambda account: _back(mine),
        success_message=_("已开设企业账号。"),
        title=_("为%(mine)s开设企业账号") % {"mine": mine.name},
        cancel_url=_back(mine),
        section=SECTION,
        submit_label=_("开设账号"),
    )


@login_required
def account_verify(request, pk: int):
    account = get_or_404(selectors.account_get, user=request.user, pk=pk)
    return service_form_page(
        request,
        form=VerifyForm(request.POST or None),
        call=lambda data: services.account_verify(
            actor=request.user,
            account=account,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        success_url=lambda a: _back(a.mine),
        success_message=_("已记录核验结论。"),
        title=_("核验企业账号：%(name)s（%(mine)s）")
        % {"name": account.full_name, "mine": account.mine.name},
        cancel_url=_back(account.mine),
        section=SECTION,
        submit_label=_("提交核验结论"),
        extra={
            "intro": _("请核实注册人确为该煤矿工作人员（联系电话：%(phone)s）。")
            % {"phone": account.phone or "—"}
        },
    )


@login_required
def account_disable(request, pk: int):
    account = get_or_404(selectors.account_get, user=request.user, pk=pk)
    return service_form_page(
        request,
        form=NoteForm(request.POST or None),
        call=lambda data: services.account_disable(
            actor=request.user, account=account, note=data["note"]
        ),
        success_url=lambda a: _back(a.mine),
        success_message=_("已停用企业账号。"),
        title=_("停用企业账号：%(name)s") % {"name": account.full_name},
        cancel_url=_back(account.mine),
        section=SECTION,
        submit_label=_("停用"),
    )


@login_required
def consent_record(request, mine_pk: int):
    mine = get_or_404(selectors.mine_for_staff, user=request.user, pk=mine_pk)
    return service_form_page(
        request,
        form=ConsentForm(request.POST or None, request.FILES or None),
        call=lambda data: services.consent_record(actor=request.user, mine=mine, **data),
        success_url=lambda c: _back(mine),
        success_message=_("已登记电子送达同意书。"),
        title=_("登记%(mine)s的电子送达同意书") % {"mine": mine.name},
        cancel_url=_back(mine),
        section=SECTION,
        submit_label=_("登记"),
        extra={"multipart": True},
    )


@login_required
def consent_withdraw(request, pk: int):
    consent = get_or_404(selectors.consent_get, user=request.user, pk=pk)
    return service_form_page(
        request,
        form=WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()}),
        call=lambda data: services.consent_withdraw(actor=request.user, consent=consent, **data),
        success_url=lambda c: _back(c.mine),
        success_message=_("已登记撤回电子送达同意，今后不再电子送达。"),
        title=_("撤回%(mine)s的电子送达同意") % {"mine": consent.mine.name},
        cancel_url=_back(consent.mine),
        section=SECTION,
        submit_label=_("登记撤回"),
    )


@login_required
def consent_file(request, pk: int) -> HttpResponse:
    consent = get_or_404(selectors.consent_get, user=request.user, pk=pk)
    return blob_download(consent.file_path, consent.file_name)


@login_required
def delivery_send(request, mine_pk: int):
    mine = get_or_404(selectors.mine_for_staff, user=request.user, pk=mine_pk)
    documents = selectors.servable_documents(user=request.user, mine=mine)
    problem = services.electronic_service_problem(mine=mine)
    if problem and request.method == "GET":
        messages.warning(request, problem)
        return redirect(_back(mine))
    return service_form_page(
        request,
        form=DeliveryForm(request.POST or None, documents=documents),
        call=lambda data: services.delivery_send(
            actor=request.user, document=data["document"], mine=mine
        ),
        success_url=lambda d: _back(mine),
        success_message=_("文书已送达企业账号，送达时间已记录。"),
        title=_("向%(mine)s电子送达文书") % {"mine": mine.name},
        cancel_url=_back(mine),
        section=SECTION,
        submit_label=_("电子送达"),
    )


@login_required
def report_file(request, pk: int) -> HttpResponse:
    item = get_or_404(selectors.report_file_for_staff, user=request.user, pk=pk)
    return blob_download(item.path, item.name)
