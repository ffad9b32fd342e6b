"""Forms of the licensing window: Chinese labels and field errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.registry.models import CoalMine

from .workflow import LICENCE_ACTIONS, PauseKind


class ProgressQueryForm(forms.Form):
    number = forms.CharField(label=_("申请编号"), max_length=30)
    code = forms.CharField(label=_("查询码"), max_length=20)


class ConsultationForm(forms.Form):
    item_name = forms.ChoiceField(label=_("咨询事项"), required=False)
    question = forms.CharField(label=_("咨询内容"), max_length=2000, widget=forms.Textarea)
    asker_name = forms.CharField(label=_("称呼"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        required=False,
        help_text=_("仅供工作人员答复时联系，不公开。"),
    )
    publish_consent = forms.BooleanField(
        label=_("同意公开本问答（不公开称呼和联系方式）"), required=False
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_name"].choices = [("", _("一般咨询"))] + [(i.name, i.name) for i in items]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class RegisterForm(forms.Form):
    """Staff register a paper application on a mine's behalf."""

    mine = forms.ModelChoiceField(label=_("申请人（煤矿）"), queryset=CoalMine.objects.none())
    item = forms.ChoiceField(label=_("许可事项"))
    request = forms.CharField(label=_("申请内容"), max_length=2000, widget=forms.Textarea)
    contact = forms.CharField(label=_("联系人及电话"), max_length=100, required=False)
    received_on = forms.DateField(
        label=_("收到申请材料日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    files = MultipleFileField(
        label=_("申请材料（每个文件名请以材料名称开头，其余作为“其他材料”）"), required=False
    )


class DatedForm(forms.Form):
    on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReasonForm(DatedForm):
    reasons = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea)


class CorrectionForm(DatedForm):
    missing = forms.MultipleChoiceField(
        label=_("需补正的材料"), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("补正说明"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(m, m) for m in materials]


class PauseForm(DatedForm):
    kind = forms.ChoiceField(label=_("事由"), choices=PauseKind.choices)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea)


class GrantForm(DatedForm):
    scope = forms.CharField(label=_("许可内容"), max_length=2000, widget=forms.Textarea)
    valid_to = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))


class LicenceIssueForm(DatedForm):
    number = forms.CharField(label=_("许可证编号"), max_length=50)


class LicenceChangeForm(DatedForm):
    action = forms.ChoiceField(
        label=_("事项"), choices=[(k, v[0]) for k, v in LICENCE_ACTIONS.items()]
    )
    reason = forms.CharField(label=_("理由或内容"), max_length=2000, widget=forms.Textarea)
    valid_to = forms.DateField(
        label=_("延续后有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea)


class MaterialFilesForm(forms.Form):
    """One file field per required material of a licensing item, and “其他材料” (企业端)."""

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.material_names = [*materials, "其他材料"]
        for index, name in enumerate(self.material_names):
            self.fields[f"material_{index}"] = MultipleFileField(label=name, required=False)

    def materials(self) -> list:
        from .services import Material

        rows = []
        for index, name in enumerate(self.material_names):
            for upload in self.files.getlist(f"material_{index}") if self.files else []:
                rows.append(Material(name, upload.name, upload.read()))
        return rows


class EnterpriseApplyForm(MaterialFilesForm):
    """A mine's online application: the item is chosen first (a picker), then its materials."""

    request = forms.CharField(
        label=_("申请内容"), max_length=2000, required=False, widget=forms.Textarea
    )
    contact = forms.CharField(label=_("联系人及电话"), max_length=100, required=False)
