"""UI forms for the review steps; they parse types only, the services validate (ADR 0005).

``STEPS`` maps each action a page offers to its form and the service it calls; ``steps_for``
says which of them a user may take on a review now (the page's buttons). The services check
again: a button shown is a convenience, never the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case
from sanxiang.core.forms import DateInput
from sanxiang.core.permissions import in_scope
from sanxiang.org.models import Agency, LegalAdviser, Staff
from sanxiang.org.roles import Role
from sanxiang.org.selectors import adviser_list

from . import disagreement, rules, services
from .models import (
    ArgumentSource,
    ChangeGround,
    ChecklistItem,
    CollectiveOutcome,
    Finding,
    InquiryKind,
    OpinionKind,
    Review,
)
from .workflow import ReviewStatus, transition_for

TEXTAREA = {"rows": 4}


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        """The name with the legal qualification and this year's training hours (BZ-3)."""
        from sanxiang.supervision.training.selectors import qualification_label

        return f"{obj.full_name or obj.username}（{obj.username}；{qualification_label(obj)}）"


class HeadsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Staff) -> str:
        return (
            f"{obj.full_name or obj.username}{'（' + obj.position + '）' if obj.position else ''}"
        )


def declaration_field() -> forms.BooleanField:
    return forms.BooleanField(label=services.DECLARATION, required=False)


class SubmitForm(forms.Form):
    reviewing_agency = forms.ModelChoiceField(
        label=_("送交法制审核机构"),
        queryset=Agency.objects.none(),
        empty_label=None,
        help_text=_(
            "原则上由作出决定的机构审核；上级机构必要时可以审核（《实施办法》五（一）1）。"
        ),
    )
    materials_note = forms.CharField(
        label=_("其他材料说明（纸质材料等）"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    declaration = declaration_field()

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        chain = [int(p) for p in case.agency.path.strip("/").split("/") if p]
        self.fields["reviewing_agency"].queryset = Agency.objects.filter(pk__in=chain).order_by(
            "-path"
        )
        self.fields["reviewing_agency"].initial = case.agency_id


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认办理"), initial=True)


class AssignForm(forms.Form):
    reviewer = StaffChoiceField(
        label=_("审核人员"),
        queryset=Staff.objects.none(),
        help_text=_("与本案有利害关系的人员（承办、立案、调查取证或现场检查人员）不在可选范围内。"),
    )

    def __init__(self, *args, review: Review, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = rules.eligible_reviewers(agency=review.reviewing_agency, case=review.case)
        self.fields["reviewer"].queryset = Staff.objects.filter(
            pk__in=[s.pk for s in eligible]
        ).order_by("username")
        if user.pk in {s.pk for s in eligible}:
            self.fields["reviewer"].initial = user.pk


class ReceiveForm(forms.Form):
    received_on = forms.DateField(
        label=_("收到齐全材料日期"),
        widget=DateInput(),
        help_text=_("自次日起算5个工作日审核期限（《实施办法》五（四）2）。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class ReturnIncompleteForm(forms.Form):
    missing = forms.CharField(
        label=_("缺少或需要补正的材料"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class ChecklistForm(forms.Form):
    """SH-CONT-1: one finding and notes per review point."""

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        submission = review.current_submission
        existing = {a.item: a for a in submission.answers.all()} if submission else {}
        for item in ChecklistItem:
            finding, notes = services.checklist_fields(item.value)
            answer = existing.get(item.value)
            self.fields[finding] = forms.ChoiceField(
                label=item.label,
                choices=Finding.choices,
                widget=forms.RadioSelect,
                initial=answer.finding if answer else None,
                required=False,
            )
            self.fields[notes] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=2000,
                initial=answer.notes if answer else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        for item in ChecklistItem:
            finding, notes = services.checklist_fields(item.value)
            yield item, self[finding], self[notes]

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        out = {}
        for item in ChecklistItem:
            finding, notes = services.checklist_fields(item.value)
            if data.get(finding) or data.get(notes):
                out[item.value] = {"finding": data.get(finding) or "", "notes": data.get(notes)}
        return out


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=InquiryKind.choices)
    occurred_on = forms.DateField(label=_("日期"), widget=DateInput())
    persons = forms.CharField(label=_("对象和参加人"), max_length=300)
    content = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs=TEXTAREA))


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("需要延长的特殊情况"), max_length=500, widget=forms.Textarea(attrs=TEXTAREA)
    )


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("审核意见"), choices=OpinionKind.choices, widget=forms.RadioSelect
    )
    do_not_decide = forms.BooleanField(
        label=_("建议不予作出行政执法决定（仅限“继续调查或不予作出决定”）"), required=False
    )
    grounds = forms.MultipleChoiceField(
        label=_("变更理由（仅限“变更”）"),
        choices=ChangeGround.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reasons = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "同意的：事实清楚、证据确凿充分、定性准确、处罚适当、程序合法（《实施办法》五（三）2）。"
        ),
    )
    proposed_change = forms.CharField(
        label=_("变更意见、纠正意见或需要查明的事实"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class ResubmitForm(forms.Form):
    response = forms.CharField(
        label=_("对审核意见（或补正要求）的研究处理情况"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "送审的是本案当前拟作出的决定和当前的文书、音像记录（《实施办法》五（三）3）。"
        ),
    )
    materials_note = forms.CharField(
        label=_("其他材料说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    declaration = declaration_field()


class ContestForm(forms.Form):
    reasons = forms.CharField(
        label=_("不同意审核意见的理由"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class ArgumentForm(forms.Form):
    source = forms.ChoiceField(label=_("论证方"), choices=ArgumentSource.choices)
    adviser = forms.ModelChoiceField(
        label=_("法律顾问或公职律师"),
        queryset=LegalAdviser.objects.none(),
        required=False,
        help_text=_("本单位聘用的，或共享库中的（《实施办法》五（一）4）。"),
    )
    author = forms.CharField(label=_("论证人"), max_length=100, required=False)
    organisation = forms.CharField(label=_("工作单位或机构"), max_length=200, required=False)
    content = forms.CharField(label=_("书面论证意见"), widget=forms.Textarea(attrs=TEXTAREA))
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())

    def __init__(self, *args, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = adviser_list(user=user)
        self.fields["received_on"].initial = timezone.localdate()


class CollectiveForm(forms.Form):
    held_on = forms.DateField(label=_("讨论日期"), widget=DateInput())
    participants = HeadsField(
        label=_("参加讨论的负责人（两名以上）"), queryset=Staff.objects.none()
    )
    attendees = forms.CharField(label=_("列席人员"), max_length=500, required=False)
    minutes = forms.CharField(label=_("讨论记录"), widget=forms.Textarea(attrs=TEXTAREA))
    outcome = forms.ChoiceField(
        label=_("讨论决定"), choices=CollectiveOutcome.choices, widget=forms.RadioSelect
    )
    decision = forms.CharField(label=_("决定内容"), widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, review: Review, user: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Staff.objects.filter(
            agency=review.case.agency, is_active=True, role_grants__role=Role.HEAD
        ).distinct()
        self.fields["participants"].initial = [user.pk]
        self.fields["held_on"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea(attrs=TEXTAREA))


@dataclass(frozen=True)
class Step:
    label: Any
    form: Callable[..., forms.Form]
    call: Callable[..., Any]
    secondary: bool = False


def _checklist(*, actor, review, form):
    return services.checklist_save(actor=actor, review=review, answers=form.answers())


STEPS: dict[str, Step] = {
    "assign": Step(
        _("分配审核人员"),
        lambda data, review, user: AssignForm(data, review=review, user=user),
        lambda actor, review, data, form: services.review_assign(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "receive": Step(
        _("接收材料（材料齐全）"),
        lambda data, review, user: ReceiveForm(data),
        lambda actor, review, data, form: services.review_receive(
            actor=actor, review=review, **data
        ),
    ),
    "return_incomplete": Step(
        _("材料不全，退回补正"),
        lambda data, review, user: ReturnIncompleteForm(data),
        lambda actor, review, data, form: services.review_return_incomplete(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "checklist": Step(
        _("填写审核要点"),
        lambda data, review, user: ChecklistForm(data, review=review),
        lambda actor, review, data, form: _checklist(actor=actor, review=review, form=form),
    ),
    "inquiry": Step(
        _("登记了解情况或调查取证"),
        lambda data, review, user: InquiryForm(data, initial={"occurred_on": timezone.localdate()}),
        lambda actor, review, data, form: services.inquiry_record(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "opinion": Step(
        _("提出审核意见"),
        lambda data, review, user: OpinionForm(data),
        lambda actor, review, data, form: services.opinion_issue(
            actor=actor, review=review, **data
        ),
    ),
    "extend": Step(
        _("批准延长审核期限"),
        lambda data, review, user: ExtendForm(data),
        lambda actor, review, data, form: services.review_extend(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "resubmit": Step(
        _("再次送审"),
        lambda data, review, user: ResubmitForm(data),
        lambda actor, review, data, form: services.review_resubmit(
            actor=actor, review=review, **data
        ),
    ),
    "contest": Step(
        _("对审核意见提出异议"),
        lambda data, review, user: ContestForm(data),
        lambda actor, review, data, form: disagreement.opinion_contest(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "argument": Step(
        _("登记论证意见"),
        lambda data, review, user: ArgumentForm(data, user=user),
        lambda actor, review, data, form: disagreement.argument_record(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
    "collective": Step(
        _("登记负责人集体讨论决定"),
        lambda data, review, user: CollectiveForm(data, review=review, user=user),
        lambda actor, review, data, form: disagreement.collective_decision_record(
            actor=actor, review=review, **data
        ),
    ),
    "register": Step(
        _("登记集体讨论决定为审核结果"),
        lambda data, review, user: ConfirmForm(data),
        lambda actor, review, data, form: disagreement.collective_clearance_register(
            actor=actor, review=review
        ),
    ),
    "withdraw": Step(
        _("撤回送审"),
        lambda data, review, user: WithdrawForm(data),
        lambda actor, review, data, form: services.review_withdraw(
            actor=actor, review=review, **data
        ),
        secondary=True,
    ),
}


def _office_reviewer(user: Staff, review: Review) -> bool:
    return (
        user.has_role(Role.LEGAL_REVIEWER)
        and user.agency_id == review.reviewing_agency_id
        and not rules.conflict_reasons(user, review.case)
    )


def steps_for(user: Staff, review: Review) -> list[str]:
    """The actions this user may take on this review now (the page's buttons)."""
    status = review.status
    out: list[str] = []
    reviewer = _office_reviewer(user, review)
    mine = reviewer and review.reviewer_id in (None, user.pk)
    office_head = (
        user.has_role(Role.HEAD)
        and user.agency is not None
        and in_scope(user, review.reviewing_agency)
    )
    case_side = services.is_case_side(user, review.case)
    if status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW) and (
        office_head or (reviewer and review.reviewer_id is None)
    ):
        out.append("assign")
    if status == ReviewStatus.SUBMITTED and mine:
        out += ["receive", "return_incomplete"]
    if status == ReviewStatus.IN_REVIEW and mine and review.reviewer_id == user.pk:
        out += ["checklist", "inquiry", "opinion"]
    if (
        status == ReviewStatus.IN_REVIEW
        and office_head
        and not review.extensions.filter(round=review.round).exists()
    ):
        out.append("extend")
    if case_side:
        stale = status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW) and services.is_stale(
            review.current_submission
        )
        if status in (ReviewStatus.RETURNED, ReviewStatus.INCOMPLETE) or stale:
            out.append("resubmit")
        if status == ReviewStatus.RETURNED:
            opinion = review.opinions.filter(submission__round=review.round).first()
            if opinion is not None and not hasattr(opinion, "contest"):
                out.append("contest")
        if transition_for(status, "withdraw"):
            out.append("withdraw")
    if status == ReviewStatus.CONTESTED:
        if user.has_role(*(Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER)) and (
            case_side
            or reviewer
            or (user.has_role(Role.HEAD) and in_scope(user, review.case.agency))
        ):
            out.append("argument")
        if user.has_role(Role.HEAD) and user.agency_id == review.case.agency_id:
            out.append("collective")
    if status == ReviewStatus.COLLECTIVE_PROCEED and reviewer:
        out.append("register")
    return out
