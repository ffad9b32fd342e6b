"""UI forms for the organisation; validation beyond field types happens in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import DateInput

from .models import Agency, AgencyLevel, CertificateStatus, LegalAdviser, Staff
from .roles import Role


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "level",
            "parent",
            "credit_code",
            "enforcement_scope",
            "division_code",
            "address",
            "phone",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Agency.objects.restrict(user)
        self.fields["level"].initial = AgencyLevel.SUB_BUREAU
        if self.instance.pk:
            for name in ("level", "parent"):
                self.fields[name].disabled = True

    def _post_clean(self):
        """Model validation runs in the service, after normalising the credit code."""


class StaffForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("至少10位，不能全为数字。"),
    )

    class Meta:
        model = Staff
        fields = [
            "username",
            "full_name",
            "agency",
            "position",
            "phone",
            "email",
            "has_legal_qualification",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)
        self.fields["agency"].required = True
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.fields["agency"].disabled = True
            del self.fields["password"]
            self.initial["roles"] = sorted(self.instance.role_codes)
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]

    def _post_clean(self):
        """Model validation runs in the service."""


class PasswordForm(forms.Form):
    """A new password, typed twice; one's own change also asks for the current password.

    The service validates the password against the validators and checks the current one."""

    current_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位，不能全为数字。"),
    )
    password_confirm = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, own: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not own:
            del self.fields["current_password"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", _("两次输入的新密码不一致。"))
        return data


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("执法证号"), max_length=30)
    issuing_authority = forms.CharField(label=_("发证机关"), max_length=100)
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput())
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput())


class CertificateStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=CertificateStatus.choices)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class AdviserForm(forms.ModelForm):
    class Meta:
        model = LegalAdviser
        fields = [
            "name",
            "kind",
            "agency",
            "organisation",
            "licence_number",
            "specialties",
            "phone",
            "shared_pool",
            "engaged_from",
            "engaged_until",
        ]
        widgets = {"engaged_from": DateInput(), "engaged_until": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)

    def _post_clean(self):
        """Model validation runs in the service."""
