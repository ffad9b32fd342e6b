"""Forms shared by the UI: a form that leaves validation to the service it feeds."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from .validation import error_dict


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field."""
    for field, messages in error_dict(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            if target is None and field != NON_FIELD_ERRORS:
                label = field
                message = f"{label}：{message}"
            form.add_error(target, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeadlineForm(forms.Form):
    KIND_CHOICES = [("working", _("工作日")), ("calendar", _("自然日"))]
    start = forms.DateField(label=_("起算事件日期"), widget=DateInput())
    days = forms.IntegerField(label=_("期限"), min_value=1, max_value=366)
    kind = forms.ChoiceField(label=_("计算方式"), choices=KIND_CHOICES)


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("通知名称"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    published_on = forms.DateField(label=_("发布日期"), widget=DateInput())


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("当日安排"),
        choices=[("0", _("休息（法定节假日）")), ("1", _("上班（调休工作日）"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("说明"), max_length=100)
