"""Forms shared by the UI: a form that leaves validation to the service it feeds."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .confidentiality import Confidentiality
from .validation import error_dict


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field.

    An error about something the form has no field for goes above the form. The service's
    key is a code name (``status``, ``recordings``) and never shown; a form that wants such
    errors introduced names them in words in ``service_error_labels`` (key → label).
    """
    labels = getattr(form, "service_error_labels", {})
    for field, messages in error_dict(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            if target is None and field in labels:
                message = f"{labels[field]}：{message}"
            form.add_error(target, message)


class PeoplePicker(forms.SelectMultiple):
    """A multi-select of people that ``sanxiang/pickers.js`` turns into a searchable picker
    (Tom Select): type part of a name, pick, remove with ×. No ctrl-click; without JavaScript
    it is still a plain multi-select."""

    def __init__(self, attrs=None):
        base = {
            "data-picker": "people",
            "data-placeholder": _("输入姓名或登录名搜索"),
            "data-no-results": _("没有匹配的人员"),
            "data-remove-title": _("移除"),
        }
        super().__init__({**base, **(attrs or {})})


class ChosenByButton(forms.HiddenInput):
    """A choice made by the submit button pressed (``<button name=… value=…>``), so each button
    says what it does (批准 / 不予批准) instead of a radio and a 保存. Renders nothing."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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


class ConfidentialityForm(forms.Form):
    """JL-ARC-2: change the level of a recording, a document or a case, with the reason."""

    level = forms.ChoiceField(label=_("密级"), choices=Confidentiality.choices)
    reason = forms.CharField(label=_("理由"), max_length=300)


class ApprovalDecisionForm(forms.Form):
    """An approver's answer to a request (retrieval, borrowing): 批准 or 不予批准, each its own
    button, with an optional note."""

    DECISIONS = [("approve", _("批准")), ("refuse", _("不予批准"))]
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=DECISIONS,
        widget=ChosenByButton,
        error_messages={"required": _("请选择批准或不予批准。")},
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


def made_on_site_field() -> forms.DateTimeField:
    """The optional on-site time of a document made where nothing can be signed (ADR 0226)."""
    return forms.DateTimeField(
        label=_("现场制作时间"),
        required=False,
        widget=DateTimeInput(),
        help_text=_(
            "在井下或无信号的现场已制作并由当事人签字的，填写现场制作的时间；"
            "文书按该日期出具，返回后签章。当场签发的不填。"
        ),
    )
