"""Forms of the API token page; the services do the checking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .tokens import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, scope_choices


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("例如：某某系统对接"))
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    valid_days = forms.IntegerField(
        label=_("有效天数"), min_value=1, max_value=MAX_VALID_DAYS, initial=DEFAULT_VALID_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()


class DeviceTokenForm(forms.Form):
    device = forms.ModelChoiceField(label=_("执法记录仪"), queryset=None)
    name = forms.CharField(label=_("采集站名称"), max_length=100)
    valid_days = forms.IntegerField(
        label=_("有效天数"), min_value=1, max_value=MAX_VALID_DAYS, initial=DEFAULT_VALID_DAYS
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
