"""The complaints section of a mine's account (企业端, ADR 0147): the complaints the mine filed
against the agency, each with its state and reply (the reporter's view, nothing of the agency's
handling), and the form to file one. Reads only ``request.enterprise.mine``'s complaints."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.forms import add_service_errors
from sanxiang.enterprise.views import account_required

from .selectors import complaints_by_mine, public_progress
from .services import complaint_submit_by_mine
from .workflow import ComplaintCategory


class MineComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("投诉类别"),
        choices=ComplaintCategory.choices,
        initial=ComplaintCategory.CONDUCT,
    )
    description = forms.CharField(
        label=gettext_lazy("投诉内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    place = forms.CharField(label=gettext_lazy("发生地点"), max_length=200, required=False)
    contact = forms.CharField(label=gettext_lazy("联系人及电话"), max_length=100, required=False)


@account_required
def complaint_list(request):
    mine = request.enterprise.mine
    form = MineComplaintForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, code = complaint_submit_by_mine(mine=mine, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("投诉已提交，编号 %(number)s，查询码 %(code)s。")
                % {"number": complaint.number, "code": code},
            )
            return redirect("complaints_enterprise:list")
    rows = [public_progress(c) for c in complaints_by_mine(mine).prefetch_related("steps")[:50]]
    return render(
        request,
        "complaints/enterprise/list.html",
        {"account": request.enterprise, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )
