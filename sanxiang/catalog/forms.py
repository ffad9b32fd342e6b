"""UI forms for catalogs. They parse shapes only; the services read and validate every value
(the same column parsers as an imported row)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import DateInput
from sanxiang.org.models import Agency

from .columns import Entity, plain_decimal
from .major import MeasureKind, PartyKind
from .models import CatalogKind, CatalogVersion
from .workflow import ACTIONS


class VersionForm(forms.ModelForm):
    class Meta:
        model = CatalogVersion
        fields = ["agency", "kind", "title", "effective_from", "change_note"]
        widgets = {"effective_from": DateInput(), "change_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)
        self.fields["title"].help_text = _("如“2026年版”")
        if self.instance.pk:
            for name in ("agency", "kind"):
                self.fields[name].disabled = True

    def _post_clean(self):
        """Model validation runs in the service."""


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX 或 CSV 文件"),
        help_text=_("第1行为列名；导入将替换本草稿的全部条目。任何一行有误则全部不导入。"),
    )


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


def _initial(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value


def item_form_class(entity: Entity, parent_choices: list[tuple[int, str]] | None = None):
    """A form with one field per column of ``entity`` (field names are the column keys)."""
    fields: dict[str, forms.Field] = {}
    if parent_choices is not None:
        fields["parent"] = forms.TypedChoiceField(
            label=_("所属事项"), choices=parent_choices, coerce=int, required=True
        )
    for column in entity.columns:
        # Fields stay optional in the form: the service reads and checks every value (ADR 0005).
        label = f"{column.label} *" if column.required else column.label
        common = {"label": label, "required": False, "help_text": column.help}
        if column.widget == "textarea":
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        elif column.widget == "date":
            field = forms.CharField(widget=DateInput(), **common)
        elif column.widget == "select":
            field = forms.ChoiceField(choices=[("", "——"), *column.choices], **common)
        elif column.widget == "multiselect":
            field = forms.MultipleChoiceField(
                choices=list(column.choices), widget=forms.CheckboxSelectMultiple, **common
            )
        else:
            field = forms.CharField(**common)
        field.column_required = column.required
        fields[column.key] = field

    class ItemForm(forms.Form):
        def __init__(self, *args, instance=None, parent: int | None = None, **kwargs):
            initial = {}
            if instance is not None:
                initial = {
                    column.key: _initial(getattr(instance, column.field))
                    for column in entity.columns
                }
            if parent is not None:
                initial["parent"] = parent
            super().__init__(*args, initial=initial, **kwargs)
            for field in self.fields.values():
                if getattr(field, "column_required", False):
                    field.widget.attrs["aria-required"] = "true"

    return type(f"{entity.name.title()}Form", (ItemForm,), fields)


class ClassifyForm(forms.Form):
    """The facts of a proposed decision, to see whether it is major (SH-SCOPE-2)."""

    party_kind = forms.ChoiceField(label=_("当事人"), choices=PartyKind.choices)
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), min_value=0, max_value=10**11, decimal_places=2, required=False
    )
    confiscation_value = forms.DecimalField(
        label=_("没收财物价值（元）"),
        min_value=0,
        max_value=10**11,
        decimal_places=2,
        required=False,
    )
    measures = forms.MultipleChoiceField(
        label=_("拟采取的决定或措施"),
        choices=MeasureKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    after_hearing = forms.BooleanField(label=_("经过听证程序"), required=False)
    complex_case = forms.BooleanField(label=_("涉及多个法律关系或疑难复杂"), required=False)
    court_enforcement = forms.BooleanField(label=_("申请人民法院强制执行"), required=False)
    circumstances = forms.MultipleChoiceField(
        label=_("本单位列明的其他情形"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, circumstances: list[tuple[str, str]] = (), **kwargs):
        """``circumstances``: (code, title) of the items the unit lists as other circumstances."""
        super().__init__(*args, **kwargs)
        self.fields["circumstances"].choices = list(circumstances)
        if not circumstances:
            del self.fields["circumstances"]


KIND_CHOICES = CatalogKind.choices
