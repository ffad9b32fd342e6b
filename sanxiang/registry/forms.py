"""UI forms for the register; validation beyond field types happens in the services."""

from django import forms

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
