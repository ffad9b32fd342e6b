"""Forms of BZ-3 pages: they parse types, the services validate (ADR 0005)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.forms import ChosenByButton, DateInput
from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Agency, Certificate, Staff
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role

from ..models_people import EvaluationResult, ExamResult
from .selectors import TRAINED_ROLES

TEXTAREA = {"rows": 3}


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name or obj.username}（{obj.agency}）"


class CertificateField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Certificate) -> str:
        return _("%(n)s（%(h)s，%(s)s）") % {
            "n": obj.number,
            "h": obj.holder,
            "s": obj.validity.label,
        }


def manages(user: Staff) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD, *ORG_ADMIN_ROLES)


def people(user: Staff, roles=TRAINED_ROLES):
    """Whom ``user`` may pick: himself, or (heads, administrators) the people in his scope."""
    rows = Staff.objects.filter(is_active=True, role_grants__role__in=roles).distinct()
    if manages(user):
        return rows.filter(pk__in=Staff.objects.restrict(user).values("pk")).select_related(
            "agency"
        )
    return rows.filter(pk=user.pk).select_related("agency")


class TrainingForm(forms.Form):
    staff = PersonField(label=_("参训人员"), queryset=Staff.objects.none(), empty_label=None)
    course = forms.CharField(label=_("培训课程"), max_length=200)
    organiser = forms.CharField(label=_("组织单位"), max_length=100)
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, min_value=0)
    exam_result = forms.ChoiceField(
        label=_("考试结果"), choices=ExamResult.choices, initial=ExamResult.NONE
    )
    evidence = forms.FileField(label=_("证明材料（结业证书等，可不上传）"), required=False)

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people(user)
        self.fields["staff"].initial = user.pk


class RequirementForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("机构"), queryset=Agency.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    hours = forms.DecimalField(label=_("年度培训学时要求"), max_digits=5, decimal_places=1)
    note = forms.CharField(label=_("依据或说明"), max_length=200, required=False)

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.restrict(user).filter(is_active=True)
        self.fields["agency"].initial = user.agency_id
        self.fields["year"].initial = timezone.localdate().year


class ApplicationForm(forms.Form):
    applicant = PersonField(label=_("申领人"), queryset=Staff.objects.none(), empty_label=None)
    reason = forms.CharField(label=_("申领事由"), max_length=200, initial=_("新领"))

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = people(user, roles=(Role.OFFICER,))
        self.fields["applicant"].initial = user.pk


class ApplicationDecisionForm(forms.Form):
    issue = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("issue", _("发证")), ("refuse", _("不予发证"))],
        widget=ChosenByButton,
        error_messages={"required": _("请选择发证或不予发证。")},
    )
    number = forms.CharField(label=_("执法证号"), max_length=30, required=False)
    issuing_authority = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput(), required=False)
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("审核意见（不予发证须填写）"), max_length=300, required=False)
    service_error_labels = {"status": _("状态")}


class AnnualReviewForm(forms.Form):
    certificate = CertificateField(label=_("执法证"), queryset=Certificate.objects.none())
    year = forms.IntegerField(label=_("年审年度"))
    evaluation_result = forms.ChoiceField(
        label=_("年度考核结果"),
        choices=EvaluationResult.choices,
        initial=EvaluationResult.COMPETENT,
    )
    note = forms.CharField(
        label=_("说明（认定不合格时写明理由）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    outcome = forms.ChoiceField(
        label=_("年审结论"),
        choices=[("passed", _("年审合格")), ("failed", _("年审不合格"))],
        widget=ChosenByButton,
        error_messages={"required": _("请选择年审合格或不合格。")},
    )

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = (
            Certificate.objects.restrict(user).exclude(status="revoked").select_related("holder")
        )
        self.fields["year"].initial = timezone.localdate().year


class QualificationForm(forms.Form):
    staff = PersonField(label=_("人员"), queryset=Staff.objects.none(), empty_label=None)
    certificate_number = forms.CharField(label=_("法律职业资格证书编号"), max_length=40)
    granted_on = forms.DateField(label=_("取得日期"), widget=DateInput())
    evidence = forms.FileField(label=_("证书扫描件"))

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people(user, roles=(*TRAINED_ROLES, Role.HEAD))
