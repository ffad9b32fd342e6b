"""UI forms for the filing steps; they parse types only, the services validate (ADR 0005)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import assembly, services


class ConfirmForm(forms.Form):
    """Steps with nothing to fill in still go through a form, so they are a deliberate POST."""

    confirm = forms.BooleanField(label=_("确认办理"), initial=True)


class ApproveForm(forms.Form):
    opinion = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    call: Callable[..., Any]
    label: Any
    done: Any


STEPS = {
    "submit": Step(
        ConfirmForm,
        lambda actor, unit, confirm: services.unit_submit(actor=actor, unit=unit),
        _("提交归档"),
        _("已提交归档，等待负责人批准。"),
    ),
    "file": Step(
        ApproveForm,
        lambda actor, unit, opinion: services.unit_approve(actor=actor, unit=unit, opinion=opinion),
        _("批准归档"),
        _("已批准归档，档号已生成。"),
    ),
    "return": Step(
        ReturnForm,
        lambda actor, unit, reason: services.unit_return(actor=actor, unit=unit, reason=reason),
        _("退回"),
        _("已退回档案管理员。"),
    ),
    "reassemble": Step(
        ConfirmForm,
        lambda actor, unit, confirm: assembly.unit_reassemble(actor=actor, unit=unit),
        _("重新组卷"),
        _("已按现有文书和记录重新组卷。"),
    ),
}
