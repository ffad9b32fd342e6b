"""UI forms for inspections; they parse types only, the services validate (ADR 0005)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.selectors import applicable_version
from sanxiang.core.forms import DateInput, PeoplePicker, made_on_site_field
from sanxiang.core.language import in_legal_language
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .models import (
    DECLARABLE_RELATIONS,
    EnforcementPlan,
    EnforcementPlanKind,
    OnsiteMeasureKind,
    RelationKind,
    Verification,
)
from .services import ONSITE_MEASURE_BASIS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    widget = PeoplePicker

    def label_from_instance(self, obj: Staff) -> str:
        label = f"{obj.full_name or obj.username}（{obj.username}）"
        today = timezone.localdate()
        if not any(c.validity_on(today) == "valid" for c in obj.certificates.all()):
            label += "　" + str(_("无有效执法证"))
        return label


def officers_of(agency: Agency):
    """Officers of ``agency`` and below (the choices for teams)."""
    return (
        Staff.objects.filter(
            agency__path__startswith=agency.path, is_active=True, role_grants__role=Role.OFFICER
        )
        .distinct()
        .prefetch_related("certificates")
        .order_by("agency__path", "username")
    )


def random_item_choices(agency: Agency) -> list[tuple[str, str]]:
    version = applicable_version(agency=agency, kind=CatalogKind.RANDOM_INSPECTION)
    if version is None:
        return []
    return [
        (i.code, f"{i.code} {i.name}（{i.get_weight_display()}，{i.share_percent}%）")
        for i in version.random_inspection_items.all()
    ]


class EnforcementPlanForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("制定机构"), queryset=Agency.objects.none())
    kind = forms.ChoiceField(label=_("计划类别"), choices=EnforcementPlanKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    period_start = forms.DateField(label=_("起始日期"), widget=DateInput())
    period_end = forms.DateField(label=_("截止日期"), widget=DateInput())
    content = forms.CharField(
        label=_("主要任务"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)


class OpinionForm(forms.Form):
    # The suggested opinion is recorded as it stands, so it is offered in the legal language.
    opinion = forms.CharField(
        label=_("审批意见"), max_length=500, initial=in_legal_language(lambda: gettext("同意。"))
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("执法人员"), queryset=Staff.objects.none())
    mine = forms.ModelChoiceField(label=_("煤矿"), queryset=CoalMine.objects.none())
    kind = forms.ChoiceField(
        label=_("关系类别"), choices=[(k.value, k.label) for k in DECLARABLE_RELATIONS]
    )
    reason = forms.CharField(label=_("说明"), max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            Staff.objects.restrict(user).filter(role_grants__role=Role.OFFICER).distinct()
        )
        self.fields["mine"].queryset = CoalMine.objects.restrict(user)


class DrawForm(forms.Form):
    enforcement_plan = forms.ModelChoiceField(
        label=_("所属执法计划"), queryset=EnforcementPlan.objects.none()
    )
    title = forms.CharField(label=_("抽取名称"), max_length=200)
    item_codes = forms.MultipleChoiceField(
        label=_("随机抽查事项"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    share_key = forms.DecimalField(
        label=_("重点监管煤矿抽查比例（%）"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("留空则按所选事项的比例；只能提高，不能降低。"),
    )
    share_general = forms.DecimalField(
        label=_("一般煤矿抽查比例（%）"), required=False, max_digits=5, decimal_places=2
    )
    inspectors_per_mine = forms.IntegerField(
        label=_("每矿检查人员数"), min_value=2, max_value=10, initial=2
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enforcement_plan"].queryset = EnforcementPlan.objects.restrict(user).filter(
            status="approved"
        )
        if user.agency_id:
            self.fields["item_codes"].choices = random_item_choices(user.agency)


class ExclusionForm(forms.Form):
    mine = forms.ModelChoiceField(label=_("煤矿"), queryset=CoalMine.objects.none())
    inspector = forms.ModelChoiceField(label=_("执法人员"), queryset=Staff.objects.none())
    kind = forms.ChoiceField(label=_("回避事由"), choices=RelationKind.choices)
    reason = forms.CharField(label=_("说明"), max_length=300)

    def __init__(self, *args, draw=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mine"].queryset = CoalMine.objects.filter(
            supervising_agency__path__startswith=draw.agency.path
        )
        self.fields["inspector"].queryset = officers_of(draw.agency).filter(agency=draw.agency)


class PlanForm(forms.Form):
    mine = forms.ModelChoiceField(label=_("被检查煤矿"), queryset=CoalMine.objects.none())
    item_codes = forms.MultipleChoiceField(
        label=_("检查事项（随机抽查事项清单）"),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        required=False,
    )
    extra_items = forms.CharField(
        label=_("其他检查事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一项。"),
    )
    content = forms.CharField(label=_("检查内容和重点"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(
        label=_("检查依据"), required=False, initial="《中华人民共和国安全生产法》第六十五条"
    )
    officers = OfficerChoiceField(label=_("检查人员（不少于2人）"), queryset=Staff.objects.none())
    planned_start = forms.DateField(label=_("计划开始日期"), widget=DateInput())
    planned_end = forms.DateField(label=_("计划结束日期"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        agency = user.agency
        self.fields["mine"].queryset = CoalMine.objects.restrict(user)
        if agency is not None:
            self.fields["item_codes"].choices = random_item_choices(agency)
            self.fields["officers"].queryset = officers_of(agency)
        today = timezone.localdate()
        self.fields["planned_start"].initial = today
        self.fields["planned_end"].initial = today + datetime.timedelta(days=7)


class OpenInspectionForm(forms.Form):
    officers = OfficerChoiceField(
        label=_("到场检查人员（不少于2人）"), queryset=Staff.objects.none()
    )
    inspected_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    location = forms.CharField(label=_("检查地点"), max_length=200)
    party_present = forms.CharField(label=_("煤矿陪同人员"), max_length=200, required=False)
    identity_shown = forms.BooleanField(
        label=_("已出示执法证、表明身份，并说明检查依据和理由（《实施办法》三（二）1）"),
        required=False,
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers_of(plan.agency)
        self.fields["officers"].initial = list(plan.officers.values_list("pk", flat=True))
        self.fields["inspected_on"].initial = timezone.localdate()


class FindingForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    facts = forms.CharField(
        label=_("具体事实"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("时间、地点、部位、现象、涉及人员等，与标准描述一起构成完整的事实。"),
    )
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    is_major_hazard = forms.BooleanField(label=_("属于重大事故隐患"), required=False)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施"), choices=OnsiteMeasureKind.choices)
    finding = forms.ModelChoiceField(label=_("针对的问题"), queryset=None, required=False)
    content = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(
        label=_("整改期限（日）"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("限期整改时填写；期限自检查次日起算，末日为休息日的顺延。"),
    )
    legal_basis = forms.CharField(label=_("依据"), max_length=300, initial=ONSITE_MEASURE_BASIS)
    made_on_site_at = made_on_site_field()

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = inspection.findings.all()


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 4}))
    made_on_site_at = made_on_site_field()


class CloseForm(forms.Form):
    result_summary = forms.CharField(
        label=_("检查结果（可公开）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公开的检查结果不含个人信息和商业秘密。"),
    )


class VerifyForm(forms.Form):
    verification = forms.ChoiceField(label=_("复查结果"), choices=Verification.choices)
    verified_on = forms.DateField(label=_("复查日期"), widget=DateInput())
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 3}))


# --- safety-supervision letters ------------------------------------------------------------------


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.entry_code} {obj.description.replace('【示例】', '')}：{obj.facts[:60]}"


class LetterForm(forms.Form):
    """Draft a 安全监管建议书 / 安全管理意见书 from findings of one inspection."""

    addressee = forms.CharField(label=_("主送单位"), max_length=200)
    findings = FindingChoiceField(
        label=_("所依据的检查发现的问题"),
        queryset=None,
        widget=forms.SelectMultiple(
            attrs={
                "data-picker": "findings",
                "data-placeholder": _("输入编码或内容搜索"),
                "data-no-results": _("没有匹配的问题"),
                "data-remove-title": _("移除"),
            }
        ),
    )
    recommendations = forms.CharField(
        label=_("建议或意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每条一行。"),
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = inspection.findings.order_by("pk")


class LetterReplyForm(forms.Form):
    received_on = forms.DateField(label=_("收到回复日期"), widget=DateInput())
    content = forms.CharField(
        label=_("回复的主要内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(label=_("回复文件（扫描件，可不上传）"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.pop("attachment", None)
        if upload:
            data["attachment"], data["attachment_name"] = upload.read(), upload.name
        return data
