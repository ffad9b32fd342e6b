"""Forms of the publication pages. They only shape input; the services validate it."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import DateInput
from sanxiang.registry.models import CoalMine, Person

from .fields import CHOICE, DATE, LONGTEXT, Category, InfoClass, layout
from .models import RedactionGround, WithdrawalReason

CLASS_PREFIX = "class__"


class LayoutForm(forms.Form):
    """One input per field of the category's layout, plus its information class (GS-REQ-2)."""

    def __init__(self, *args, category: str, classes: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        classes = classes or {}
        for item in layout(category):
            help_text = item.help
            if item.kind == LONGTEXT:
                widget = forms.Textarea(attrs={"rows": 4})
            elif item.kind == DATE:
                widget = forms.TextInput(
                    attrs={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"}
                )
            else:
                widget = forms.TextInput()
            if item.kind == CHOICE:
                field = forms.ChoiceField(
                    label=item.label,
                    choices=[("", "—")] + [(c, lbl) for c, lbl in item.choices],
                    required=False,
                )
            else:
                field = forms.CharField(
                    label=item.label,
                    required=False,
                    widget=widget,
                    help_text=help_text,
                    max_length=item.max_length,
                )
            field.layout_required = item.required
            self.fields[item.key] = field
            if not item.locked:
                self.fields[CLASS_PREFIX + item.key] = forms.ChoiceField(
                    label=_("“%(f)s”的信息类别") % {"f": item.label},
                    choices=InfoClass.choices,
                    initial=classes.get(item.key, item.info_class),
                    required=False,
                )

    def values(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith(CLASS_PREFIX)}

    def classes(self) -> dict[str, str]:
        return {
            k[len(CLASS_PREFIX) :]: v
            for k, v in self.cleaned_data.items()
            if k.startswith(CLASS_PREFIX) and v
        }

    def pairs(self):
        """(value field, class field or None) in layout order, for the template."""
        for name in list(self.fields):
            if name.startswith(CLASS_PREFIX):
                continue
            class_name = CLASS_PREFIX + name
            yield self[name], (self[class_name] if class_name in self.fields else None)


class ManualStartForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    agency = forms.ModelChoiceField(label=_("公示机构"), queryset=None)
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    mine = forms.ModelChoiceField(label=_("煤矿（当事单位）"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("自然人（当事人）"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from sanxiang.org.models import Agency

        self.fields["agency"].queryset = Agency.objects.restrict(user).filter(is_active=True)
        self.fields["mine"].queryset = CoalMine.objects.restrict(user)
        self.fields["person"].queryset = Person.objects.restrict(user)
        self.fields["decided_on"].initial = timezone.localdate()


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("我已逐项核对原文与公开文本，确认区分处理无误"), required=False
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("意见"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason_kind = forms.ChoiceField(
        label=_("撤下事由"), choices=[("", "—"), *WithdrawalReason.choices], required=False
    )
    revoked_on = forms.DateField(
        label=_("决定被撤销（变更、确认违法）的日期"), required=False, widget=DateInput()
    )
    basis = forms.CharField(
        label=_("依据（如复议决定书、判决书文号）"), required=False, max_length=200
    )
    reason = forms.CharField(
        label=_("撤下理由（将公开）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_revoked_on(self):
        value = self.cleaned_data.get("revoked_on")
        return value if isinstance(value, datetime.date) else None


class RedactionAddForm(forms.Form):
    field = forms.ChoiceField(label=_("字段"))
    text = forms.CharField(label=_("要隐去的文字（从原文复制）"), max_length=500, required=False)
    ground = forms.ChoiceField(label=_("依据"), choices=RedactionGround.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)

    def __init__(self, *args, category: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(i.key, i.label) for i in layout(category) if not i.locked]


class RedactionSetForm(forms.Form):
    withheld = forms.TypedChoiceField(
        choices=[("1", _("不予公开")), ("0", _("公开"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("理由"), required=False, max_length=300)


class ReportGenerateForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("机构"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from sanxiang.org.models import Agency

        self.fields["agency"].queryset = Agency.objects.restrict(user).filter(is_active=True)
        self.fields["year"].initial = timezone.localdate().year - 1
