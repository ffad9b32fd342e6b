"""UI forms for evidence; validation beyond field types happens in the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.stages import Stage
from sanxiang.core.forms import ApprovalDecisionForm, DateInput, PeoplePicker
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from .models import Activity, Confidentiality, Recording, RecordingDevice, RetrievalScope


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DeviceForm(forms.ModelForm):
    class Meta:
        model = RecordingDevice
        fields = [
            "serial_number",
            "model_name",
            "agency",
            "explosion_proof",
            "mine_safety_certificate",
            "mine_safety_valid_until",
            "keeper",
            "is_active",
        ]
        widgets = {"mine_safety_valid_until": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)
        self.fields["keeper"].queryset = Staff.objects.restrict(user)
        if self.instance.pk:
            self.fields["agency"].disabled = True

    def _post_clean(self):
        """Model validation runs in the service."""


ACTIVITY_CHOICES = [("", _("（未指定）")), *Activity.choices]
STAGE_CHOICES = [("", _("（未指定）")), *Stage.choices]


class RecordingMetadataForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    activity = forms.ChoiceField(
        label=_("记录的执法活动"), choices=ACTIVITY_CHOICES, required=False
    )
    # The subject comes with the link from the inspection, case or mine page (hidden, picked
    # there, never typed); the page says in words what it is.
    subject = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=_("关联环节"), choices=STAGE_CHOICES, required=False)
    device = forms.ModelChoiceField(
        label=_("记录设备"), queryset=RecordingDevice.objects.none(), required=False
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("执法人员"), queryset=Staff.objects.none(), required=False, widget=PeoplePicker
    )
    started_at = forms.DateTimeField(label=_("开始时间"), required=False, widget=DateTimeInput())
    ended_at = forms.DateTimeField(label=_("结束时间"), required=False, widget=DateTimeInput())
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    underground = forms.BooleanField(label=_("井下记录"), required=False)
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = RecordingDevice.objects.restrict(user).filter(
            is_active=True
        )
        self.fields["officers"].queryset = Staff.objects.restrict(user).with_role(Role.OFFICER)


class UploadForm(RecordingMetadataForm):
    file = forms.FileField(
        label=_("文件"),
        help_text=_(
            "照片、扫描件、短音视频可在此上传；大文件（执法记录仪视频）请用 sanxiang upload 命令在采集站断点续传。"
        ),
    )
    confidentiality = forms.ChoiceField(
        label=_("密级"), choices=Confidentiality.choices, initial=Confidentiality.ORDINARY
    )

    field_order = ["file", "title", "activity", "confidentiality"]


class CustodianForm(forms.Form):
    custodian = forms.ModelChoiceField(label=_("保管人"), queryset=Staff.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = Staff.objects.restrict(user).with_role(Role.CUSTODIAN)


def _default_until():
    return timezone.localtime() + datetime.timedelta(days=7)


class RetrievalRequestForm(forms.Form):
    recording = forms.CharField(
        label=_("音像记录编号"), max_length=20, help_text=_("如 YX00000012")
    )
    purpose = forms.CharField(
        label=_("调阅事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.ChoiceField(label=_("调阅方式"), choices=RetrievalScope.choices)
    valid_from = forms.DateTimeField(label=_("调阅起始"), widget=DateTimeInput())
    valid_until = forms.DateTimeField(label=_("调阅截止"), widget=DateTimeInput())

    def __init__(self, *args, chosen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if chosen:  # asked for from the recording's page: the number is not typed again
            self.fields["recording"].widget = forms.HiddenInput()

    def clean_recording(self) -> int:
        text = self.cleaned_data["recording"].strip()
        pk = Recording.pk_from_number(text) or (int(text) if text.isdigit() else None)
        if not pk or pk > 2**63 - 1:
            raise forms.ValidationError(_("请填写音像记录编号，如 YX00000012。"))
        return pk


RetrievalDecisionForm = ApprovalDecisionForm


class AlertAcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("处理意见"), max_length=300)


class RedactedCopyForm(forms.Form):
    file = forms.FileField(label=_("脱敏副本"))
    note = forms.CharField(label=_("脱敏处理说明"), max_length=200)
