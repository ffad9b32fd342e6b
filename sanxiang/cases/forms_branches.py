"""UI forms for the procedure branches (ADR 0205): one form per kind to start a branch, one per
later row. They parse types only; ``branches.py`` validates everything and writes nothing on an
error (ADR 0005). The items of a preservation or a sealing are entered as rows of a table
(name, specification, quantity, place), never as one text with separators."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import DateInput, made_on_site_field
from sanxiang.org.models import Staff

from .branch_workflow import BranchKind
from .item_lists import FIELDS, MAX_ITEMS
from .models import Case, PenaltyKind

ITEM_LABELS = {
    "name": _("名称"),
    "specification": _("规格型号"),
    "quantity": _("数量（含单位）"),
    "place": _("地点"),
}
BLANK_ROWS = 2  # empty rows offered below the filled ones (at least MIN_ROWS in all)
MIN_ROWS = 6


class ItemRows(forms.Widget):
    """A table of item rows: inputs ``<name>-<i>-<field>``; empty rows are dropped."""

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(MAX_ITEMS + BLANK_ROWS):
            row = {key: (data.get(f"{name}-{index}-{key}") or "").strip() for key in FIELDS}
            if any(row.values()):
                rows.append(row)
        return rows

    def render(self, name, value, attrs=None, renderer=None):
        rows = list(value or [])
        count = max(MIN_ROWS, len(rows) + BLANK_ROWS)
        rows += [dict.fromkeys(FIELDS, "")] * (count - len(rows))
        table = [
            {
                "number": index + 1,
                "cells": [
                    {
                        "name": f"{name}-{index}-{key}",
                        "value": row.get(key, ""),
                        "label": ITEM_LABELS[key],
                    }
                    for key in FIELDS
                ],
            }
            for index, row in enumerate(rows)
        ]
        return render_to_string(
            "cases/_item_rows.html",
            {"rows": table, "labels": [ITEM_LABELS[k] for k in FIELDS], "id": attrs.get("id")},
        )


class ItemRowsField(forms.Field):
    widget = ItemRows

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)  # the service says which rows are missing what
        super().__init__(**kwargs)

    def to_python(self, value):
        return list(value or [])


def _date(label):
    return forms.DateField(label=label, widget=DateInput, required=False)


class SimpleForm(forms.Form):
    subject = forms.CharField(
        label=_("违法事实"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    penalty_kind = forms.ChoiceField(
        label=_("处罚种类"),
        choices=[(PenaltyKind.WARNING, _("警告")), (PenaltyKind.FINE, _("罚款"))],
    )
    amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    started_on = _date(_("决定日期"))
    made_on_site_at = made_on_site_field()


class PreservationForm(forms.Form):
    subject = forms.CharField(
        label=_("先行登记保存的理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = ItemRowsField(label=_("物品清单"))
    started_on = _date(_("登记保存日期"))


class SealingForm(forms.Form):
    subject = forms.CharField(
        label=_("查封（扣押）的理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(label=_("法律依据（法律、法规的名称和条款）"), max_length=300)
    major = forms.BooleanField(label=_("属于重大执法决定（须先经法制审核）"), required=False)
    review_reference = forms.CharField(
        label=_("法制审核意见书文号"), max_length=100, required=False
    )
    items = ItemRowsField(label=_("查封（扣押）的场所、设施或者财物清单"))
    started_on = _date(_("查封（扣押）日期"))


class DeferralForm(forms.Form):
    subject = forms.CharField(
        label=_("当事人的申请（经济困难情况，暂缓期限或分期安排）"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_on = _date(_("申请日期"))


class RecusalForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("申请回避的执法人员"), queryset=Staff.objects.none())
    subject = forms.CharField(
        label=_("回避的理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_on = _date(_("申请日期"))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = case.officers.all()
        self.fields["officer"].label_from_instance = lambda s: s.full_name or str(s)


class ExtensionForm(forms.Form):
    subject = forms.CharField(
        label=_("延长的理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


START_FORMS: dict[str, type[forms.Form]] = {
    BranchKind.SIMPLE: SimpleForm,
    BranchKind.PRESERVATION: PreservationForm,
    BranchKind.SEALING: SealingForm,
    BranchKind.DEFERRAL: DeferralForm,
    BranchKind.RECUSAL: RecusalForm,
    BranchKind.EXTENSION: ExtensionForm,
}


class StepForm(forms.Form):
    """A later row: the date and the decision or reason (the service says when it is needed)."""

    note = forms.CharField(
        label=_("决定内容或理由"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on = forms.DateField(label=_("日期"), widget=DateInput, required=False)

    def clean_on(self):
        return self.cleaned_data.get("on") or None


class HandleForm(StepForm):
    handling = forms.CharField(
        label=_("逐项处理意见（每行一项，与物品清单的顺序一致；各项相同时写一行）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class RecusalDecideForm(StepForm):
    granted = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("回避")), ("0", _("不予回避"))],
        coerce=lambda v: v == "1",
    )


STEP_FORMS: dict[str, type[forms.Form]] = {"handle": HandleForm, "decide": RecusalDecideForm}
