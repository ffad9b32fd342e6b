"""UI forms for the register; validation beyond field types happens in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import DateInput
from sanxiang.org.models import Agency

from .models import CoalMine, Person


class MineForm(forms.ModelForm):
    class Meta:
        model = CoalMine
        fields = [
            "name",
            "credit_code",
            "supervising_agency",
            "division_code",
            "address",
            "mine_type",
            "status",
            "licence_number",
            "licence_valid_until",
            "capacity_10kt",
            "person_in_charge",
            "is_key",
        ]
        widgets = {"licence_valid_until": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_agency"].queryset = Agency.objects.restrict(user)
        self.fields["credit_code"].max_length = 40
        self.fields["credit_code"].widget.attrs["maxlength"] = 40
        self.fields["credit_code"].help_text = "18位，含校验位（GB 32100-2015）"

    def _post_clean(self):
        """Model validation runs in the service, after normalising the credit code."""


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "id_number", "agency", "phone", "address", "employer", "job_title"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user)
        self.fields["employer"].queryset = CoalMine.objects.restrict(user)
        self.fields["id_number"].max_length = 40
        if self.instance.pk:
            self.fields["agency"].disabled = True

    def _post_clean(self):
        """Model validation runs in the service."""


class MineFileFilterForm(forms.Form):
    """Filters of a mine's file (一矿一档): kind of event, date range and, for an agency with
    agencies below it, whose records. Read from the query string; a bad value is reported on its
    field and that filter is not applied."""

    kind = forms.ChoiceField(label=_("类别"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    agency = forms.ModelChoiceField(
        label=_("执法机构"), required=False, queryset=Agency.objects.none(), empty_label=_("全部")
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *kinds]
        self.fields["agency"].queryset = agencies
        self.fields["agency"].error_messages["invalid_choice"] = _("请选择您管辖范围内的机构。")
        self.fields["kind"].error_messages["invalid_choice"] = _("没有这一类别。")
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _("请按“年-月-日”填写日期。")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data
