"""API router for cases: filing, every step of the transition table, the checklist, the
documents and the timeline. Steps that only move the case name the state the client expects it
to be in (``expected_status``), so a repeated or stale request is refused rather than applied."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.catalog.major import PartyKind
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.validation import expect_status
from sanxiang.inspections.api import ShowingIn, showings_in
from sanxiang.inspections.models import Finding
from sanxiang.inspections.services import ONSITE_MEASURE_BASIS
from sanxiang.org.models import Staff
from sanxiang.registry.models import Person

from . import execution, selectors, services
from .api_branches import ItemIn
from .confidentiality import case_set_confidentiality
from .models import ActKind, Case, EmergencyMeasure, PenaltyKind, ServiceMethod, StatementKind
from .steps import case_checklists
from .workflow import CaseStatus, available

router = Router(tags=["行政处罚案件"])


def _case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.case_list(user=request.user), pk=case_id)


def _expect(case: Case, expected: str) -> None:
    expect_status(case, expected, noun="案件")


def _staff(request, ids: list[int], field: str) -> list[Staff]:
    people = list(Staff.objects.restrict(request.user).filter(pk__in=ids))
    if len(people) != len(set(ids)):
        raise ValidationError({field: ["所选人员不存在或不在您的管辖范围内。"]})
    return people


class CaseOut(Schema):
    id: int
    agency_id: int
    status: CaseStatus
    status_label: str
    cause: str
    party_kind: str
    party_name: str
    mine_id: int | None
    person_id: int | None
    inspection_id: int | None
    finding_ids: list[int]
    officer_ids: list[int]
    complex_case: bool
    hearing_applicable: bool
    filed_on: datetime.date | None
    notified_at: datetime.datetime | None
    statement_due: datetime.date | None
    statement_due_provisional: bool
    hearing_request_due: datetime.date | None
    hearing_request_due_provisional: bool
    decided_on: datetime.date | None
    decision_number: str | None
    publication_due: datetime.date | None
    publication_due_provisional: bool
    fine_amount: Decimal
    additional_fine_total: Decimal
    paid_total: Decimal
    served_on: datetime.date | None
    payment_due: datetime.date | None
    payment_due_provisional: bool
    needs_post_review: bool
    post_review_due: datetime.date | None
    closed_on: datetime.date | None
    confidentiality: Confidentiality
    confidentiality_label: str
    available_actions: list[str]

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_confidentiality_label(obj):
        return obj.get_confidentiality_display()

    @staticmethod
    def resolve_party_name(obj):
        return str(obj.party or "")

    @staticmethod
    def resolve_finding_ids(obj):
        return sorted(obj.findings.values_list("pk", flat=True))

    @staticmethod
    def resolve_officer_ids(obj):
        return sorted(obj.officers.values_list("pk", flat=True))

    @staticmethod
    def resolve_decision_number(obj):
        return obj.decision_document.number.text if obj.decision_document_id else None

    @staticmethod
    def resolve_available_actions(obj):
        return [t.action for t in available(obj.status)]


class FileIn(InputSchema):
    finding_ids: list[int] = Field(max_length=50)
    cause: str = Field(max_length=200)
    officer_ids: list[int] = Field(max_length=20)
    party_kind: PartyKind = PartyKind.MINE
    person_id: int | None = None
    complex_case: bool = False
    complex_reason: str = Field("", max_length=300)


class StepIn(InputSchema):
    expected_status: CaseStatus


class CaseOpinionIn(StepIn):
    opinion: str = Field(min_length=1, max_length=500)


class CaseReasonIn(StepIn):
    reason: str = Field(min_length=1, max_length=500)


class CaseConfidentialityIn(InputSchema):
    level: Confidentiality
    reason: str = Field(min_length=1, max_length=300)


class QuestionedIn(InputSchema):
    """询问笔录: the person questioned and his answer to the recusal question (ADR 0211)."""

    name: str = Field(max_length=50)
    gender: str = Field("", max_length=10)
    age: str = Field("", max_length=10)
    id_number: str = Field("", max_length=30)
    work: str = Field("", max_length=200)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    relation: str = Field("", max_length=100)
    recusal: str = Field(max_length=200)


class InvestigationIn(InputSchema):
    kind: ActKind
    content_text: str = Field(max_length=20000)
    officer_ids: list[int] = Field(max_length=20)
    started_at: datetime.datetime
    ended_at: datetime.datetime
    location: str = Field("", max_length=200)
    items: list[ItemIn] = Field(
        [], max_length=50, description="先行登记保存、抽样取证：物品（样品）清单（必填）"
    )
    showings: list[ShowingIn] | None = Field(None, max_length=20)
    identity_shown: bool = False
    shown_to: str = Field("", max_length=200)
    questioned: QuestionedIn | None = None


class EmergencyIn(InputSchema):
    measure: EmergencyMeasure
    finding_id: int
    content_text: str = Field(max_length=5000)
    officer_ids: list[int] = Field(max_length=20)
    started_at: datetime.datetime
    ended_at: datetime.datetime
    location: str = Field("", max_length=200)
    legal_basis: str = Field(ONSITE_MEASURE_BASIS, max_length=500)
    items: list[ItemIn] = Field(
        [], max_length=50, description="查封、扣押：场所、设施或者财物清单（必填）"
    )
    showings: list[ShowingIn] | None = Field(None, max_length=20)
    identity_shown: bool = False
    shown_to: str = Field("", max_length=200)


class ActOut(Schema):
    id: int
    case_id: int
    kind: str
    measure: str
    content: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    document_number: str

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number.text


class ReportIn(InputSchema):
    facts: str = Field(max_length=20000)
    evidence: str = Field(max_length=20000)
    violated_provisions: str = Field(max_length=1000)
    penalty_basis: str = Field(max_length=1000)
    penalty_kinds: list[PenaltyKind] = Field(max_length=14)
    decision_text: str = Field(max_length=5000)
    fine_amount: Decimal | None = Field(None, ge=0, le=100000000000, decimal_places=2)
    confiscation_value: Decimal | None = Field(None, ge=0, le=100000000000, decimal_places=2)
    hearing_applicable: bool | None = None
    complex_case: bool | None = None
    complex_reason: str = Field("", max_length=300)


class NoticeIn(InputSchema):
    notified_at: datetime.datetime


class StatementIn(InputSchema):
    kind: StatementKind
    content_text: str = Field(max_length=20000)
    received_on: datetime.date
    adopted: bool = False
    handling: str = Field("", max_length=5000)


class StatementOut(Schema):
    id: int
    case_id: int
    kind: StatementKind
    content: str
    received_on: datetime.date


class HearingRequestIn(InputSchema):
    requested_on: datetime.date


class HearingIn(InputSchema):
    held_on: datetime.date
    host_id: int
    summary: str = Field(max_length=20000)


class ServiceIn(InputSchema):
    served_on: datetime.date
    method: ServiceMethod
    recipient: str = Field(max_length=100)
    place: str = Field("", max_length=200)
    officer_ids: list[int] = Field(default_factory=list, max_length=20)
    showings: list[ShowingIn] | None = Field(
        None, max_length=20, description="直接送达、留置送达：送达人出示执法证件的记录"
    )
    identity_shown: bool = False
    shown_at: datetime.datetime | None = None
    shown_to: str = Field("", max_length=200)


class PaymentIn(InputSchema):
    amount: Decimal = Field(gt=0, le=100000000000, decimal_places=2)
    paid_on: datetime.date
    reference: str = Field(max_length=100)


class PaymentOut(Schema):
    id: int
    case_id: int
    amount: Decimal
    paid_on: datetime.date
    reference: str


class NoteIn(StepIn):
    note: str = Field(min_length=1, max_length=300)


class AdditionalFineIn(InputSchema):
    as_of: datetime.date


class CourtIn(InputSchema):
    court: str = Field(max_length=100)


class ProposalOut(Schema):
    id: int
    case_id: int
    kind: str
    content: dict
    digest: str
    major: bool
    major_matches: list[dict]
    status: str


class CaseCloseIn(StepIn):
    summary: str = Field(min_length=1, max_length=5000)


class ChecklistItemOut(Schema):
    code: str
    name: str
    obligation: str
    condition: str
    present: bool
    document_numbers: list[str]


class StageOut(Schema):
    stage: str
    label: str
    reached: bool
    rules_found: bool
    complete: bool
    items: list[ChecklistItemOut]


class DocumentOut(Schema):
    id: int
    type_code: str
    title: str
    number: str | None
    status: str
    issued_at: datetime.datetime
    pdf_sha256: str
    pdf_sm3: str
    confidentiality: Confidentiality
    confidentiality_label: str

    @staticmethod
    def resolve_number(obj):
        return obj.number.text if obj.number_id else None

    @staticmethod
    def resolve_confidentiality_label(obj):
        return obj.get_confidentiality_display()


class EventOut(Schema):
    seq: int
    recorded_at: datetime.datetime
    actor_name: str
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_digest: str


# --- reads ---------------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="案件列表")
@paginate(PageNumberPagination, page_size=50)
def list_cases(request, q: str = "", status: str = ""):
    return selectors.case_list(user=request.user, q=q[:100], status=status[:30])


@router.get("/cases/{case_id}", response=CaseOut, summary="案件详情")
def get_case(request, case_id: int):
    return _case(request, case_id)


@router.get("/cases/{case_id}/checklist", response=list[StageOut], summary="按环节核对文书")
def get_checklist(request, case_id: int):
    case = _case(request, case_id)
    return [
        {
            "stage": c.stage,
            "label": c.label,
            "reached": c.reached,
            "rules_found": c.rules_found,
            "complete": c.complete,
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "obligation": i.obligation,
                    "condition": i.condition,
                    "present": i.present,
                    "document_numbers": [str(d.number) for d in i.documents],
                }
                for i in c.items
            ],
        }
        for c in case_checklists(case, reached_only=False)
    ]


@router.get("/cases/{case_id}/documents", response=list[DocumentOut], summary="案件文书")
def get_documents(request, case_id: int):
    return selectors.case_documents(_case(request, case_id))


@router.get("/cases/{case_id}/proposals", response=list[ProposalOut], summary="拟作出的决定")
def get_proposals(request, case_id: int):
    return list(_case(request, case_id).proposals.order_by("pk"))


@router.get("/cases/{case_id}/timeline", response=list[EventOut], summary="案件账本记录")
def get_timeline(request, case_id: int):
    return list(selectors.case_timeline(_case(request, case_id)))


# --- filing and investigation --------------------------------------------------------------------


@router.post("/cases", response={201: CaseOut}, summary="提请立案")
def file_case(request, payload: FileIn):
    data = payload.dict()
    findings = list(Finding.objects.restrict(request.user).filter(pk__in=data.pop("finding_ids")))
    if len(findings) != len(set(payload.finding_ids)):
        raise ValidationError({"finding_ids": ["所选问题不存在或不在您的管辖范围内。"]})
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    person = resolve(Person.objects.restrict(request.user), data.pop("person_id"), "person_id")
    return Status(
        201,
        services.case_file(
            actor=request.user, findings=findings, officers=officers, person=person, **data
        ),
    )


@router.post("/cases/{case_id}/approve-filing", response=CaseOut, summary="批准立案")
def approve_filing(request, case_id: int, payload: CaseOpinionIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.case_filing_approve(actor=request.user, case=case, opinion=payload.opinion)


@router.post("/cases/{case_id}/refuse-filing", response=CaseOut, summary="不予立案")
def refuse_filing(request, case_id: int, payload: CaseReasonIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.case_filing_refuse(actor=request.user, case=case, reason=payload.reason)


@router.post("/cases/{case_id}/investigations", response={201: ActOut}, summary="调查取证")
def investigate(request, case_id: int, payload: InvestigationIn):
    case = _case(request, case_id)
    data = payload.dict()
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    data["showings"] = showings_in(officers, data.pop("showings"))
    return Status(
        201,
        services.case_investigation_record(
            actor=request.user, case=case, officers=officers, **data
        ),
    )


@router.post(
    "/cases/{case_id}/emergency-measures",
    response={201: ActOut},
    summary="重大事故隐患紧急措施（先执行、后审核）",
)
def emergency_measure(request, case_id: int, payload: EmergencyIn):
    case = _case(request, case_id)
    data = payload.dict()
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    data["showings"] = showings_in(officers, data.pop("showings"))
    finding = resolve(case.findings.all(), data.pop("finding_id"), "finding_id")
    return Status(
        201,
        services.emergency_measure_execute(
            actor=request.user, case=case, officers=officers, finding=finding, **data
        ),
    )


# --- report, notice, hearing, decision -----------------------------------------------------------


@router.post("/cases/{case_id}/report", response=CaseOut, summary="案件处理呈报")
def submit_report(request, case_id: int, payload: ReportIn):
    case = _case(request, case_id)
    data = payload.dict()
    data["penalty_kinds"] = [str(k) for k in data["penalty_kinds"]]
    return services.case_report_submit(actor=request.user, case=case, **data)


@router.post("/cases/{case_id}/approve-report", response=CaseOut, summary="批准拟处理意见")
def approve_report(request, case_id: int, payload: CaseOpinionIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.case_report_approve(actor=request.user, case=case, opinion=payload.opinion)


@router.post("/cases/{case_id}/return-report", response=CaseOut, summary="退回补充调查")
def return_report(request, case_id: int, payload: CaseReasonIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.case_report_return(actor=request.user, case=case, reason=payload.reason)


@router.post("/cases/{case_id}/reinvestigate", response=CaseOut, summary="补充调查")
def reinvestigate(request, case_id: int, payload: CaseReasonIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.case_reinvestigate(actor=request.user, case=case, reason=payload.reason)


@router.post("/cases/{case_id}/notice", response=CaseOut, summary="告知当事人")
def notify(request, case_id: int, payload: NoticeIn):
    return services.prior_notice_issue(
        actor=request.user, case=_case(request, case_id), notified_at=payload.notified_at
    )


@router.post(
    "/cases/{case_id}/statements", response={201: StatementOut}, summary="登记陈述申辩或放弃"
)
def record_statement(request, case_id: int, payload: StatementIn):
    return Status(
        201,
        services.statement_record(
            actor=request.user, case=_case(request, case_id), **payload.dict()
        ),
    )


@router.post("/cases/{case_id}/hearing-request", response=CaseOut, summary="当事人申请听证")
def request_hearing(request, case_id: int, payload: HearingRequestIn):
    return services.hearing_request(
        actor=request.user, case=_case(request, case_id), requested_on=payload.requested_on
    )


@router.post("/cases/{case_id}/hearing", response=CaseOut, summary="举行听证")
def hold_hearing(request, case_id: int, payload: HearingIn):
    host = resolve(Staff.objects.restrict(request.user), payload.host_id, "host_id")
    return services.hearing_hold(
        actor=request.user,
        case=_case(request, case_id),
        held_on=payload.held_on,
        host=host,
        summary=payload.summary,
    )


@router.post("/cases/{case_id}/close-notice", response=CaseOut, summary="陈述申辩期满")
def close_notice(request, case_id: int, payload: StepIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.notice_close(actor=request.user, case=case)


@router.post("/cases/{case_id}/decision", response=CaseOut, summary="作出行政处罚决定")
def decide(request, case_id: int, payload: StepIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return services.decision_issue(actor=request.user, case=case)


# --- after the decision --------------------------------------------------------------------------


@router.post("/cases/{case_id}/service", response=CaseOut, summary="送达行政处罚决定书")
def serve(request, case_id: int, payload: ServiceIn):
    case = _case(request, case_id)
    data = payload.dict()
    officers = _staff(request, data.pop("officer_ids"), "officer_ids")
    data["showings"] = showings_in(officers, data.pop("showings"))
    execution.service_record(actor=request.user, case=case, officers=officers, **data)
    return _case(request, case_id)


@router.post("/cases/{case_id}/payments", response={201: PaymentOut}, summary="登记缴款")
def pay(request, case_id: int, payload: PaymentIn):
    return Status(
        201,
        execution.payment_record(
            actor=request.user, case=_case(request, case_id), **payload.dict()
        ),
    )


@router.post("/cases/{case_id}/confirm-execution", response=CaseOut, summary="确认履行完毕")
def confirm_execution(request, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return execution.execution_confirm(actor=request.user, case=case, note=payload.note)


@router.post(
    "/cases/{case_id}/additional-fine/proposal", response=ProposalOut, summary="拟加处罚款"
)
def propose_additional_fine(request, case_id: int, payload: AdditionalFineIn):
    return execution.additional_fine_propose(
        actor=request.user, case=_case(request, case_id), as_of=payload.as_of
    )


@router.post("/cases/{case_id}/additional-fine", response=CaseOut, summary="作出加处罚款决定")
def impose_additional_fine(request, case_id: int, payload: StepIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return execution.additional_fine_impose(actor=request.user, case=case)


@router.post(
    "/cases/{case_id}/court-enforcement/proposal",
    response=ProposalOut,
    summary="拟申请人民法院强制执行",
)
def propose_court_enforcement(request, case_id: int, payload: CourtIn):
    return execution.court_enforcement_propose(
        actor=request.user, case=_case(request, case_id), court=payload.court
    )


@router.post("/cases/{case_id}/court-enforcement", response=CaseOut, summary="申请人民法院强制执行")
def apply_court(request, case_id: int, payload: StepIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return execution.court_enforcement_apply(actor=request.user, case=case)


@router.post("/cases/{case_id}/close", response=CaseOut, summary="结案")
def close(request, case_id: int, payload: CaseCloseIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return execution.case_close(actor=request.user, case=case, summary=payload.summary)


@router.post("/cases/{case_id}/archive", response=CaseOut, summary="移交归档")
def archive(request, case_id: int, payload: StepIn):
    case = _case(request, case_id)
    _expect(case, payload.expected_status)
    return execution.case_archive_ready(actor=request.user, case=case)


@router.post("/cases/{case_id}/confidentiality", response=CaseOut, summary="变更案件密级（负责人）")
def set_case_confidentiality(request, case_id: int, payload: CaseConfidentialityIn):
    return case_set_confidentiality(
        actor=request.user, case=_case(request, case_id), level=payload.level, reason=payload.reason
    )
