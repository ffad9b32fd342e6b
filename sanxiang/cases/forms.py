"""UI forms for the case steps; they parse types only, the services validate (ADR 0005).

``STEPS`` maps each action of the transition table to its form and the service it calls, so
the case page offers exactly the rows ``workflow.py`` allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.major import PartyKind
from sanxiang.core.forms import DateInput
from sanxiang.core.language import in_legal_language
from sanxiang.inspections.forms import OfficerChoiceField, datetime_field, officers_of
from sanxiang.inspections.models import Finding
from sanxiang.inspections.services import ONSITE_MEASURE_BASIS
from sanxiang.org.models import Staff
from sanxiang.registry.models import Person

from . import execution, gate, services
from .models import (
    ActKind,
    Case,
    EmergencyMeasure,
    PenaltyKind,
    ProposalKind,
    ServiceMethod,
    StatementKind,
)


class FileCaseForm(forms.Form):
    findings = forms.ModelMultipleChoiceField(
        label=_("违法事实（检查发现的问题）"),
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    cause = forms.CharField(label=_("案由"), max_length=200)
    party_kind = forms.ChoiceField(
        label=_("当事人类别"),
        choices=[
            (PartyKind.MINE, PartyKind.MINE.label),
            (PartyKind.INDIVIDUAL, PartyKind.INDIVIDUAL.label),
        ],
        initial=PartyKind.MINE,
    )
    person = forms.ModelChoiceField(
        label=_("当事人（自然人）"), queryset=Person.objects.none(), required=False
    )
    officers = OfficerChoiceField(label=_("承办人员（不少于2人）"), queryset=Staff.objects.none())
    complex_case = forms.BooleanField(
        label=_("涉及多个法律关系或疑难复杂（须法制审核，《实施办法》五（二）2（8））"),
        required=False,
    )
    complex_reason = forms.CharField(label=_("疑难复杂情形说明"), max_length=300, required=False)

    def __init__(self, *args, inspection=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = inspection.findings.all()
        self.fields["findings"].label_from_instance = lambda f: (
            f"{f.entry_code} {f.description[:40]}：{f.facts[:60]}"
        )
        self.fields["person"].queryset = Person.objects.restrict(user)
        self.fields["officers"].queryset = officers_of(inspection.agency)


class ConfirmForm(forms.Form):
    """Steps with nothing to fill in still go through a form, so they are a deliberate POST."""

    confirm = forms.BooleanField(label=_("确认办理"), initial=True)


class OpinionForm(forms.Form):
    # The suggested opinion is recorded as it stands, so it is offered in the legal language.
    opinion = forms.CharField(
        label=_("审批意见"), max_length=500, initial=in_legal_language(lambda: gettext("同意。"))
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def _team(case: Case):
    return officers_of(case.agency)


class OnSiteActForm(forms.Form):
    """What every on-site act of a case records: the officers present (at least two, of the
    case's agency), when and where, and that each showed his certificate (GS-MID-1)."""

    officers = OfficerChoiceField(label=_("执法人员（不少于2人）"), queryset=Staff.objects.none())
    started_at = datetime_field(_("开始时间"))
    ended_at = datetime_field(_("结束时间"))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    identity_shown = forms.BooleanField(
        label=_("到场执法人员均已在开始时出示执法证件、表明身份，并说明依据和理由"),
        required=False,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = _team(case)
        self.fields["officers"].initial = list(case.officers.values_list("pk", flat=True))


class InvestigateForm(OnSiteActForm):
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[(k.value, k.label) for k in ActKind if k != ActKind.EMERGENCY_MEASURE],
    )
    content_text = forms.CharField(
        label=_("笔录或通知内容"), widget=forms.Textarea(attrs={"rows": 5})
    )
    items = forms.CharField(
        label=_("物品（样品）清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "先行登记保存、抽样取证必填：每行一项，依次写名称｜规格型号｜数量｜地点，用“｜”分隔。"
        ),
    )
    shown_to = forms.CharField(
        label=_("向谁出示"),
        max_length=200,
        required=False,
        help_text=_("不填写的，询问时为被询问人，其他情形为当事人。"),
    )
    questioned_name = forms.CharField(label=_("被询问人姓名"), max_length=50, required=False)
    questioned_gender = forms.CharField(label=_("被询问人性别"), max_length=10, required=False)
    questioned_age = forms.CharField(label=_("被询问人年龄"), max_length=10, required=False)
    questioned_id_number = forms.CharField(
        label=_("被询问人身份证件号码"), max_length=30, required=False
    )
    questioned_work = forms.CharField(
        label=_("被询问人工作单位及职务"), max_length=200, required=False
    )
    questioned_address = forms.CharField(label=_("被询问人住址"), max_length=200, required=False)
    questioned_phone = forms.CharField(label=_("被询问人联系电话"), max_length=30, required=False)
    questioned_relation = forms.CharField(label=_("与本案关系"), max_length=100, required=False)
    questioned_recusal = forms.CharField(
        label=_("被询问人对是否申请回避的回答"),
        max_length=200,
        required=False,
        help_text=_("仅询问时填写被询问人的个人信息和回答。"),
    )

    field_order = ["kind", "content_text", "officers", "started_at", "ended_at", "location"]
    field_order += ["items", "identity_shown", "shown_to"]


def _investigate(*, actor, case, **data):
    """The form's flat 被询问人 fields → the service's ``questioned`` block (ADR 0211)."""
    questioned = {
        key.removeprefix("questioned_"): data.pop(key)
        for key in list(data)
        if key.startswith("questioned_")
    }
    return services.case_investigation_record(actor=actor, case=case, questioned=questioned, **data)


class EmergencyForm(OnSiteActForm):
    measure = forms.ChoiceField(label=_("紧急措施"), choices=EmergencyMeasure.choices)
    finding = forms.ModelChoiceField(label=_("重大事故隐患"), queryset=Finding.objects.none())
    content_text = forms.CharField(
        label=_("措施的对象、范围和期限"), widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(label=_("依据"), max_length=300, initial=ONSITE_MEASURE_BASIS)
    items = forms.CharField(
        label=_("查封（扣押）清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "查封、扣押必填：每行一项，依次写场所、设施或者财物名称｜规格型号｜数量｜地点，用“｜”分隔。"
        ),
    )
    shown_to = forms.CharField(
        label=_("向谁出示"),
        max_length=200,
        required=False,
        help_text=_("不填写的，为当事人。"),
    )

    field_order = ["measure", "finding", "content_text", "legal_basis", "officers", "started_at"]
    field_order += ["ended_at", "location", "items", "identity_shown", "shown_to"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["finding"].queryset = case.findings.filter(is_major_hazard=True)


class ReportForm(forms.Form):
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label=_("证据"), widget=forms.Textarea(attrs={"rows": 3}))
    violated_provisions = forms.CharField(label=_("违反条款"), max_length=500)
    penalty_basis = forms.CharField(label=_("处罚依据"), max_length=500)
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"), choices=PenaltyKind.choices, widget=forms.CheckboxSelectMultiple
    )
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    confiscation_value = forms.DecimalField(
        label=_("没收财物价值（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    decision_text = forms.CharField(label=_("拟处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    hearing_applicable = forms.BooleanField(
        label=_("属于听证范围（行政处罚法第六十三条；较大数额由本地规定）"), required=False
    )
    complex_case = forms.BooleanField(
        label=_("涉及多个法律关系或疑难复杂（须法制审核）"), required=False
    )
    complex_reason = forms.CharField(label=_("疑难复杂情形说明"), max_length=300, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
        if proposal is not None:
            body = proposal.content
            self.initial.update(
                {
                    k: body.get(k)
                    for k in (
                        "facts",
                        "evidence",
                        "violated_provisions",
                        "penalty_basis",
                        "penalty_kinds",
                        "decision_text",
                        "hearing_applicable",
                    )
                }
            )
            self.initial["fine_amount"] = body.get("fine_amount")
        else:
            findings = list(case.findings.all())
            self.initial.update(
                {
                    "facts": "\n".join(
                        f"{f.description.replace('【示例】', '')}具体事实：{f.facts}"
                        for f in findings
                    ),
                    "violated_provisions": "；".join(
                        dict.fromkeys(f.violated_provision for f in findings)
                    ),
                    "penalty_basis": "；".join(
                        dict.fromkeys(f.penalty_provision for f in findings if f.penalty_provision)
                    ),
                    "evidence": _("现场检查记录；询问笔录；相关资料复印件。"),
                    "penalty_kinds": [PenaltyKind.FINE],
                }
            )
        self.initial["complex_case"] = case.complex_case
        self.initial["complex_reason"] = case.complex_reason


class NoticeForm(forms.Form):
    notified_at = datetime_field(
        _("告知时间"),
        help_text=_(
            "向当事人告知执法意见须全程音像记录（《实施办法》四（二）2）：请先上传并关联覆盖该时间的音像记录。"
        ),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=StatementKind.choices)
    content_text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    adopted = forms.BooleanField(label=_("意见被采纳"), required=False)
    handling = forms.CharField(
        label=_("复核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class HearingRequestForm(forms.Form):
    requested_on = forms.DateField(label=_("申请日期"), widget=DateInput())


class HearingForm(forms.Form):
    held_on = forms.DateField(label=_("听证日期"), widget=DateInput())
    host = forms.ModelChoiceField(
        label=_("听证主持人（非本案调查人员）"), queryset=Staff.objects.none()
    )
    summary = forms.CharField(label=_("听证记录"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            Staff.objects.filter(agency__path__startswith=case.agency.path, is_active=True)
            .exclude(pk__in=case.officers.values("pk"))
            .order_by("username")
        )


class ServiceForm(forms.Form):
    served_on = forms.DateField(label=_("送达日期"), widget=DateInput())
    method = forms.ChoiceField(label=_("送达方式"), choices=ServiceMethod.choices)
    recipient = forms.CharField(label=_("签收人"), max_length=100)
    place = forms.CharField(label=_("送达地点"), max_length=200, required=False)
    officers = OfficerChoiceField(label=_("送达人"), queryset=Staff.objects.none(), required=False)
    identity_shown = forms.BooleanField(
        label=_("直接送达、留置送达时，送达人均已出示执法证件、表明身份"),
        required=False,
    )
    shown_at = datetime_field(_("出示执法证件的时间"), required=False)
    shown_to = forms.CharField(
        label=_("向谁出示"),
        max_length=200,
        required=False,
        help_text=_("不填写的，为签收人。"),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = timezone.localdate()
        self.fields["shown_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["officers"].queryset = _team(case)
        self.fields["officers"].initial = list(case.officers.values_list("pk", flat=True))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("缴款金额（元）"), min_value=0, max_digits=14, decimal_places=2
    )
    paid_on = forms.DateField(label=_("缴款日期"), widget=DateInput())
    reference = forms.CharField(label=_("缴款凭证号"), max_length=100)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = case.outstanding
        self.fields["paid_on"].initial = timezone.localdate()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("履行情况"), max_length=300)


class AdditionalFineForm(forms.Form):
    as_of = forms.DateField(label=_("计算至"), widget=DateInput())

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()


class CourtForm(forms.Form):
    court = forms.CharField(label=_("受理申请的人民法院"), max_length=100)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("结案情况"), widget=forms.Textarea(attrs={"rows": 3}))


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    call: Callable[..., Any]
    takes_case: bool = False


def _confirm(service):
    def call(*, actor, case, confirm=True):
        return service(actor=actor, case=case)

    return call


def _payment(*, actor, case, **data):
    return execution.payment_record(actor=actor, case=case, **data)


STEPS: dict[str, Step] = {
    "approve_filing": Step(OpinionForm, services.case_filing_approve),
    "refuse_filing": Step(ReasonForm, services.case_filing_refuse),
    "investigate": Step(InvestigateForm, _investigate, True),
    "emergency_measure": Step(EmergencyForm, services.emergency_measure_execute, True),
    "submit_report": Step(ReportForm, services.case_report_submit, True),
    "approve_report": Step(OpinionForm, services.case_report_approve),
    "return_report": Step(ReasonForm, services.case_report_return),
    "reinvestigate": Step(ReasonForm, services.case_reinvestigate),
    "notify": Step(NoticeForm, services.prior_notice_issue, True),
    "statement": Step(StatementForm, services.statement_record, True),
    "request_hearing": Step(HearingRequestForm, services.hearing_request),
    "hold_hearing": Step(HearingForm, services.hearing_hold, True),
    "close_notice": Step(ConfirmForm, _confirm(services.notice_close)),
    "decide": Step(ConfirmForm, _confirm(services.decision_issue)),
    "serve": Step(ServiceForm, execution.service_record, True),
    "payment": Step(PaymentForm, _payment, True),
    "pay": Step(PaymentForm, _payment, True),
    "confirm_execution": Step(NoteForm, execution.execution_confirm),
    "propose_additional_fine": Step(AdditionalFineForm, execution.additional_fine_propose, True),
    "impose_additional_fine": Step(ConfirmForm, _confirm(execution.additional_fine_impose)),
    "propose_court_enforcement": Step(CourtForm, execution.court_enforcement_propose),
    "apply_court": Step(ConfirmForm, _confirm(execution.court_enforcement_apply)),
    "close": Step(CloseForm, execution.case_close),
    "archive": Step(ConfirmForm, _confirm(execution.case_archive_ready)),
}
# Shown as one button: "pay" happens through the payment that settles the amount.
HIDDEN_BUTTONS = frozenset({"pay"})
