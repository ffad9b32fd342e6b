"""Forms of 案卷评查: they parse types and offer pickers; the services validate (ADR 0005, 0087)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ChosenByButton, DateInput, PeoplePicker
from sanxiang.org.models import Agency, Staff

from . import services
from .rubric import RubricView


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.username}（{obj.agency}）"


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("评查活动名称"), max_length=200)
    agency = forms.ModelChoiceField(label=_("组织机构"), queryset=Agency.objects.none())
    period_from = forms.DateField(label=_("案卷办结起始日"), widget=DateInput())
    period_to = forms.DateField(label=_("案卷办结截止日"), widget=DateInput())
    units = forms.ModelMultipleChoiceField(
        label=_("被评查单位"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    share_percent = forms.DecimalField(
        label=_("抽取比例（%）"),
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        decimal_places=1,
        initial=Decimal("20"),
        help_text=_("每个被评查单位按此比例向上取整抽取案卷。"),
    )
    include_cases = forms.BooleanField(label=_("抽取行政处罚案卷"), required=False, initial=True)
    include_inspections = forms.BooleanField(label=_("抽取检查案卷"), required=False, initial=True)
    evaluators = StaffChoice(
        label=_("评查人员"), queryset=Staff.objects.none(), widget=PeoplePicker()
    )
    rubric = forms.ModelChoiceField(label=_("评查标准"), queryset=services.Rubric.objects.none())
    starts_on = forms.DateField(label=_("评查开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("评查结束日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Agency.objects.restrict(user).order_by("path")
        self.fields["agency"].queryset = scope
        self.fields["units"].queryset = scope
        self.fields["evaluators"].queryset = (
            Staff.objects.restrict(user)
            .filter(is_active=True, role_grants__role__in=services.EVALUATOR_ROLES)
            .distinct()
            .select_related("agency")
            .order_by("agency__path", "username")
        )
        agency = getattr(user, "agency", None)
        rubrics = services.rubrics_for(agency) if agency else services.Rubric.objects.all()
        self.fields["rubric"].queryset = rubrics
        if agency is not None:
            self.fields["agency"].initial = agency.pk
        first = rubrics.first()
        if first is not None:
            self.fields["rubric"].initial = first.pk


class StepForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认办理"), initial=True)


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", _("采纳")), ("0", _("不予采纳"))],
        coerce=lambda v: v == "1",
        widget=ChosenByButton,
        label=_("处理"),
    )
    deduction = forms.DecimalField(
        label=_("扣分（采纳时可调整）"), required=False, min_value=0, max_digits=5, decimal_places=1
    )
    reason = forms.CharField(label=_("不予采纳理由"), max_length=500, required=False)


class FindingForm(forms.Form):
    item_code = forms.ChoiceField(label=_("评查项目"))
    text = forms.CharField(
        label=_("发现的问题"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    deduction = forms.DecimalField(
        label=_("扣分（基本标准不填）"), required=False, min_value=0, max_digits=5, decimal_places=1
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        view = RubricView(rubric)
        self.fields["item_code"].choices = [
            (i.code, f"{dict(BASIC_LABELS).get(i.kind, '')}：{i.label}") for i in view.items
        ]


BASIC_LABELS = (("basic", _("基本标准")), ("form", _("卷面")), ("content", _("内容")))


class ScoreForm(forms.Form):
    opinion = forms.CharField(
        label=_("评查意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("评查人员"), queryset=Staff.objects.none())

    def __init__(self, *args, file, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = file.campaign.evaluators.order_by("username")


class RectificationForm(forms.Form):
    requirements = forms.CharField(
        label=_("整改要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label=_("整改期限"), widget=DateInput())


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
