"""Forms of 投诉举报: the public report form and the staff steps. Validation is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import PeoplePicker
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .models import ComplaintVerdict
from .workflow import ComplaintCategory, ComplaintChannel

DATE = forms.DateInput(attrs={"type": "date"})


class MineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReportFields(forms.Form):
    mine = MineChoice(
        label=_("被举报煤矿"),
        queryset=CoalMine.objects.order_by("name"),
        required=False,
        empty_label=_("（不在名录中，请在下面填写名称）"),
    )
    mine_text = forms.CharField(label=_("被举报单位名称"), max_length=200, required=False)
    agency = AgencyChoice(
        label=_("受理机构"),
        queryset=Agency.objects.filter(is_active=True).order_by("path"),
        required=False,
        help_text=_("选择名录中的煤矿时，由其监管机构受理。"),
    )
    category = forms.ChoiceField(label=_("举报类别"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=_("举报内容（什么问题）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    place = forms.CharField(label=_("发生地点"), max_length=200, required=False)
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=DATE)
    involves_deaths = forms.BooleanField(label=_("涉及人员死亡"), required=False)
    reporter_name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    reporter_contact = forms.CharField(
        label=_("联系电话或地址（可不填）"), max_length=100, required=False
    )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class PublicReportForm(ReportFields):
    captcha = forms.CharField(widget=forms.HiddenInput, required=False)
    grant = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    uploads = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400)
    service_error_labels = {"files": _("附件"), "captcha": _("人机验证")}

    def upload_ids(self) -> list[str]:
        return [u for u in (self.cleaned_data.get("uploads") or "").split(",") if u.strip()]


class RegisterForm(ReportFields):
    channel = forms.ChoiceField(
        label=_("举报渠道"),
        choices=[c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.ONLINE],
    )
    field_order = ["channel"]


class ProgressForm(forms.Form):
    number = forms.CharField(label=_("举报编号"), max_length=30)
    code = forms.CharField(label=_("查询码"), max_length=30)


class TextForm(forms.Form):
    text = forms.CharField(max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


def _officers(agency):
    qs = Staff.objects.filter(is_active=True, role_grants__role=Role.OFFICER).distinct()
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    return qs.order_by("full_name")


class AssignForm(forms.Form):
    officer = OfficerChoice(label=_("核查人"), queryset=Staff.objects.none())

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = _officers(agency)


class TransferForm(forms.Form):
    department = forms.CharField(label=_("接收部门"), max_length=200)
    reply = forms.CharField(
        label=_("给举报人的答复"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(forms.Form):
    substantiated = forms.ChoiceField(label=_("核查结论"), choices=ComplaintVerdict.choices)
    finding = forms.CharField(
        label=_("核查情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ConvertForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=_("检查人员"), queryset=Staff.objects.none(), widget=PeoplePicker
    )
    planned_start = forms.DateField(label=_("计划开始日期"), widget=DATE)
    planned_end = forms.DateField(label=_("计划结束日期"), widget=DATE)
    items = forms.CharField(
        label=_("检查事项"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("核查举报反映的问题"),
    )
    service_error_labels = {"item_codes": _("检查事项"), "mine": _("被举报煤矿")}

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = _officers(agency)
        self.fields["officers"].queryset = qs
        self.fields["officers"].label_from_instance = lambda o: o.full_name or o.username


class RewardForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("是否符合举报奖励条件"),
        choices=[("1", _("符合")), ("0", _("不符合"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("认定理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
