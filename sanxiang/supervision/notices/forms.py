"""Forms of the 督办, accountability and assessment pages (types only; services validate)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ChosenByButton, DateInput
from sanxiang.org.models import Staff

from .. import catalogs
from ..models_notices import SupervisionNotice
from . import targets

TEXTAREA = {"rows": 4}


class NoticeForm(forms.Form):
    target = forms.ChoiceField(label=_("督办事项"))
    requirement = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs=TEXTAREA))
    due_on = forms.DateField(label=_("办理期限"), widget=DateInput())

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("请选择")), *targets.choices(user)]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs=TEXTAREA))
    service_error_labels = {"status": _("状态")}


class CloseForm(forms.Form):
    accept = forms.ChoiceField(
        label=_("办结意见"),
        choices=[("close", _("办结")), ("return", _("退回重办"))],
        widget=ChosenByButton,
        error_messages={"required": _("请选择办结或退回重办。")},
    )
    note = forms.CharField(label=_("意见（退回重办须填写）"), max_length=300, required=False)
    service_error_labels = {"status": _("状态")}


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupervisionNotice) -> str:
        return _("%(a)s：%(t)s（期限%(d)s）") % {
            "a": obj.agency,
            "t": obj.target_label,
            "d": obj.due_on,
        }


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name or obj.username}（{obj.agency}）"


class AccountabilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("问责方式"))
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs=TEXTAREA))
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    notice = NoticeChoiceField(
        label=_("所涉督办"), queryset=SupervisionNotice.objects.none(), required=False
    )
    target = forms.ChoiceField(label=_("或所涉事项"), required=False)
    person = PersonField(
        label=_("被问责人员（对单位问责可不选）"), queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择")), *catalogs.accountability_choices()]
        self.fields["notice"].queryset = SupervisionNotice.objects.restrict(user).select_related(
            "agency"
        )
        self.fields["target"].choices = [("", _("不选")), *targets.choices(user)]
        self.fields["person"].queryset = (
            Staff.objects.restrict(user).filter(is_active=True).select_related("agency")
        )
        self.fields["decided_on"].initial = timezone.localdate()


class SheetForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ScoreForm(forms.Form):
    code = forms.ChoiceField(label=_("人工评分项目"))
    score = forms.DecimalField(label=_("得分"), max_digits=6, decimal_places=2)
    note = forms.CharField(label=_("评分理由"), max_length=300)
    service_error_labels = {"status": _("状态")}

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (line.code, f"{line.label}（{line.weight}分）")
            for line in sheet.lines.filter(manual=True)
        ]


class ConfirmForm(forms.Form):
    service_error_labels = {"status": _("状态")}
