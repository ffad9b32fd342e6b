"""Forms of 企业端: the mine's side and the agency's pages for a mine's accounts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import add_service_errors  # noqa: F401  (re-exported for the views)


class DateInput(forms.DateInput):
    input_type = "date"


class LoginForm(forms.Form):
    login = forms.CharField(label=_("登录名"), max_length=40)
    password = forms.CharField(label=_("密码"), max_length=200, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class AccountFields(forms.Form):
    login = forms.CharField(label=_("登录名"), max_length=40)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    password = forms.CharField(
        label=_("初始密码"), max_length=200, widget=forms.PasswordInput(render_value=False)
    )


class RegisterForm(AccountFields):
    credit_code = forms.CharField(label=_("煤矿统一社会信用代码"), max_length=18)
    field_order = ["credit_code", "login", "full_name", "position", "phone", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), max_length=200, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), max_length=200, widget=forms.PasswordInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("理由"), max_length=200)


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("说明（不予通过时必填）"), max_length=200, required=False)
    decision = forms.ChoiceField(
        label=_("核验结论"),
        choices=[("approve", _("核验通过")), ("refuse", _("不予通过"))],
        widget=forms.RadioSelect,
    )


class ConsentForm(forms.Form):
    signed_on = forms.DateField(label=_("签署日期"), widget=DateInput())
    signatory = forms.CharField(label=_("签署人"), max_length=50)
    file = forms.FileField(label=_("已签署的电子送达同意书（扫描件）"))

    def clean(self):
        data = super().clean()
        upload = data.pop("file", None)
        if upload is not None:
            data["file"], data["file_name"] = upload.read(), upload.name
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DateInput())
    note = forms.CharField(label=_("撤回说明"), max_length=200, required=False)


class DeliveryForm(forms.Form):
    document = forms.ModelChoiceField(label=_("送达文书"), queryset=None, empty_label=None)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: str(d)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RectificationReportForm(forms.Form):
    content = forms.CharField(
        label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(label=_("证明材料（照片、扫描件，可多选）"), required=False)

    def clean(self):
        data = super().clean()
        data["files"] = [(f.name, f.read()) for f in data.get("files") or []]
        return data
