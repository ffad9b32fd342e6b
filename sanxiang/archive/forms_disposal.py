"""UI forms for disposal (ADR 0130); they parse types only, the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ChosenByButton, DateInput, PeoplePicker
from sanxiang.org.models import Staff

from .disposal import MAX_EXTEND_YEARS
from .models_disposal import DERIVED_HOLD_KINDS, HoldKind


class UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        due = unit.retention_due.isoformat() if unit.retention_due else ""
        return f"{unit.archival_code} {unit.title}（{unit.get_retention_period_display()}，{due} 期满）"


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, staff):
        return staff.full_name or staff.username


class AppraisalForm(forms.Form):
    destroy = UnitChoice(
        label=_("鉴定为销毁的案卷"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    destroy_reason = forms.CharField(
        label=_("销毁理由"),
        max_length=500,
        required=False,
        initial=_("保管期满，经鉴定无继续保存价值。"),
    )
    extend = UnitChoice(
        label=_("鉴定为延长保管的案卷"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extend_years = forms.IntegerField(
        label=_("延长年限"), min_value=1, max_value=MAX_EXTEND_YEARS, required=False
    )
    extend_reason = forms.CharField(label=_("延长保管理由"), max_length=500, required=False)
    appraisers = PersonChoice(
        label=_("鉴定人员"),
        queryset=None,
        widget=PeoplePicker,
        help_text=_("至少两人，其中须有档案管理员。"),
    )
    appraised_on = forms.DateField(label=_("鉴定日期"), widget=DateInput())
    opinion = forms.CharField(
        label=_("鉴定意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    service_error_labels = {"lines": _("鉴定的案卷")}

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destroy"].queryset = units
        self.fields["extend"].queryset = units
        self.fields["appraisers"].queryset = people


class DecisionForm(forms.Form):
    DECISIONS = [("approve", _("批准销毁")), ("refuse", _("不予批准"))]
    decision = forms.ChoiceField(
        label=_("审批"),
        choices=DECISIONS,
        widget=ChosenByButton,
        error_messages={"required": _("请选择批准销毁或不予批准。")},
    )
    opinion = forms.CharField(
        label=_("审批意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予批准时须说明理由。"),
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认已按批准的清册监督销毁"), initial=False)


class HoldForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("保全事由"),
        choices=[c for c in HoldKind.choices if c[0] not in DERIVED_HOLD_KINDS],
    )
    reason = forms.CharField(
        label=_("说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如诉讼、复议、信访的案号或受理情况。"),
    )


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("解除理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def people_for(user):
    """Staff who may be appraisers: active, of the user's agency and below."""
    return Staff.objects.restrict(user).filter(is_active=True).order_by("full_name", "pk")
