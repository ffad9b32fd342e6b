"""API router for the legal review of major decisions (section 五 of the Measures)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.cases.models import Case, Proposal
from sanxiang.evidence import selectors as evidence_selectors
from sanxiang.org.models import Agency, Staff
from sanxiang.org.selectors import adviser_list

from . import disagreement, selectors, services
from .models import (
    ArgumentSource,
    ChangeGround,
    ChecklistItem,
    CollectiveOutcome,
    Finding,
    InquiryKind,
    OpinionKind,
)
from .workflow import ReviewStatus

router = Router(tags=["法制审核"])
STATISTICS_REFUSED = "只有负责人、法制审核人员和系统管理员可以查看法制审核统计。"


class ChecklistAnswerOut(Schema):
    item: str
    finding: str
    notes: str


class InquiryOut(Schema):
    id: int
    kind: str
    occurred_on: datetime.date
    persons: str
    content: str


class OpinionOut(Schema):
    id: int
    round: int = Field(alias="submission.round")
    kind: OpinionKind
    do_not_decide: bool
    grounds: list[str]
    reasons: str
    proposed_change: str
    document_number: str
    reviewer_id: int
    issued_on: datetime.date
    received_on: datetime.date
    due_on: datetime.date
    extended: bool
    working_days: int
    overdue: bool

    @staticmethod
    def resolve_document_number(obj) -> str:
        return str(obj.document.number or "")


class SubmissionOut(Schema):
    round: int
    proposal_id: int
    proposal_digest: str
    major_matches: list[dict]
    case_report_number: str
    materials: list[dict]
    materials_note: str
    response: str
    declaration: str
    declared_by_id: int
    declared_at: datetime.datetime
    digest: str
    checklist: list[ChecklistAnswerOut]
    inquiries: list[InquiryOut]

    @staticmethod
    def resolve_materials(obj, context) -> list[dict]:
        return evidence_selectors.manifest_shown(context["request"].user, obj.materials)

    @staticmethod
    def resolve_case_report_number(obj) -> str:
        return str(obj.case_report.number) if obj.case_report_id else ""

    @staticmethod
    def resolve_checklist(obj):
        return list(obj.answers.all())

    @staticmethod
    def resolve_inquiries(obj):
        return list(obj.inquiries.all())


class ReviewOut(Schema):
    id: int
    case_id: int
    kind: str
    post_review: bool
    deciding_agency_id: int = Field(alias="case.agency_id")
    reviewing_agency_id: int
    status: ReviewStatus
    status_reason: str
    round: int
    reviewer_id: int | None
    received_on: datetime.date | None
    due_on: datetime.date | None
    due_provisional: bool


class ReviewDetailOut(ReviewOut):
    submissions: list[SubmissionOut]
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_submissions(obj):
        return list(obj.submissions.order_by("round"))

    @staticmethod
    def resolve_opinions(obj):
        return list(obj.opinions.select_related("submission", "document__number"))


class ExtensionOut(Schema):
    id: int
    round: int
    previous_due_on: datetime.date
    due_on: datetime.date
    due_provisional: bool
    approved_by_id: int


class ContestOut(Schema):
    id: int
    opinion_id: int
    reasons: str
    raised_by_id: int


class ArgumentOut(Schema):
    id: int
    source: ArgumentSource
    adviser_id: int | None
    author: str
    organisation: str
    content: str
    received_on: datetime.date


class CollectiveDecisionOut(Schema):
    id: int
    held_on: datetime.date
    participant_ids: list[int]
    outcome: CollectiveOutcome
    decision: str
    document_number: str
    proposal_digest: str

    @staticmethod
    def resolve_participant_ids(obj) -> list[int]:
        return sorted(obj.participants.values_list("pk", flat=True))

    @staticmethod
    def resolve_document_number(obj) -> str:
        return str(obj.document.number or "")


class AlertOut(Schema):
    id: int
    kind: str
    case_id: int
    review_id: int | None
    due_on: datetime.date
    message: str
    escalated: bool


class KindCount(Schema):
    kind: str
    label: str
    count: int
    share: float | None


class StatisticsOut(Schema):
    agency_id: int | None
    agency: str
    reviews: int
    by_superior: int
    open_now: int
    overdue_now: int
    opinions: int
    by_kind: list[KindCount]
    first_round_pass: float | None
    average_days: float | None
    overdue_opinions: int
    average_overdue_days: float | None
    rounds_per_review: float | None
    extensions: int
    collective: int
    legal_reviewers: int | None
    officers: int | None
    staffing_compliant: bool | None


# --- inputs --------------------------------------------------------------------------------------


class SubmitIn(InputSchema):
    case_id: int
    proposal_id: int
    declaration: bool
    reviewing_agency_id: int | None = None
    materials_note: str = Field("", max_length=2000)


class ResubmitIn(InputSchema):
    response: str = Field(max_length=5000)
    declaration: bool
    proposal_id: int | None = None
    materials_note: str = Field("", max_length=2000)


class ReviewReasonIn(InputSchema):
    reason: str = Field(max_length=500)


class AssignIn(InputSchema):
    reviewer_id: int


class ReceiveIn(InputSchema):
    complete: bool
    received_on: datetime.date | None = None
    missing: str = Field("", max_length=2000)


class ChecklistAnswerIn(InputSchema):
    item: ChecklistItem
    finding: Finding
    notes: str = Field("", max_length=2000)


class ChecklistIn(InputSchema):
    answers: list[ChecklistAnswerIn] = Field(max_length=len(ChecklistItem.values))


class InquiryIn(InputSchema):
    kind: InquiryKind
    occurred_on: datetime.date
    persons: str = Field(max_length=300)
    content: str = Field(max_length=20000)


class ReviewOpinionIn(InputSchema):
    kind: OpinionKind
    reasons: str = Field(max_length=20000)
    proposed_change: str = Field("", max_length=20000)
    grounds: list[ChangeGround] = Field(default_factory=list, max_length=3)
    do_not_decide: bool = False


class ContestIn(InputSchema):
    reasons: str = Field(max_length=20000)


class ArgumentIn(InputSchema):
    source: ArgumentSource
    content: str = Field(max_length=20000)
    received_on: datetime.date
    author: str = Field("", max_length=100)
    organisation: str = Field("", max_length=200)
    adviser_id: int | None = None


class CollectiveIn(InputSchema):
    held_on: datetime.date
    participant_ids: list[int] = Field(max_length=30)
    outcome: CollectiveOutcome
    decision: str = Field(max_length=20000)
    minutes: str = Field(max_length=50000)
    attendees: str = Field("", max_length=500)


class CollectiveConfirmIn(InputSchema):
    confirm: bool


# --- reads ---------------------------------------------------------------------------------------


def _review(request, review_id: int):
    return get_object_or_404(selectors.review_list(user=request.user), pk=review_id)


@router.get("/reviews", response=list[ReviewOut], summary="法制审核列表")
@paginate(PageNumberPagination, page_size=50)
def list_reviews(request, q: str = "", status: str = "", agency_id: int | None = None):
    return selectors.review_list(
        user=request.user, q=q[:100], status=status[:30], agency_id=agency_id
    )


@router.get("/queue", response=list[ReviewOut], summary="本人的审核队列（按期限）")
def queue(request):
    return [row.review for row in selectors.review_queue(user=request.user)]


@router.get(
    "/reviews/{review_id}",
    response=ReviewDetailOut,
    summary="法制审核详情（各轮送审、审核要点、意见）",
)
def get_review(request, review_id: int):
    return _review(request, review_id)


@router.get("/alerts", response=list[AlertOut], summary="审核期限提醒和超期")
def list_alerts(request):
    return selectors.alert_list(user=request.user)[:200]


@router.get("/statistics", response=list[StatisticsOut], summary="法制审核统计（按机构）")
def statistics(request, year: int | None = None):
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied(STATISTICS_REFUSED)
    year = year if year and 2000 <= year <= 2100 else timezone.localdate().year
    out = []
    for row in selectors.review_statistics(user=request.user, year=year):
        staffing = row.staffing
        out.append(
            {
                "agency_id": row.agency.pk if row.agency else None,
                "agency": row.agency.name if row.agency else "合计",
                "reviews": row.reviews,
                "by_superior": row.by_superior,
                "open_now": row.open_now,
                "overdue_now": row.overdue_now,
                "opinions": row.opinions,
                "by_kind": [
                    {
                        "kind": kind,
                        "label": str(OpinionKind(kind).label),
                        "count": row.by_kind.get(kind, 0),
                        "share": row.share_by_kind.get(kind),
                    }
                    for kind in OpinionKind.values
                ],
                "first_round_pass": row.first_round_pass,
                "average_days": row.average_days,
                "overdue_opinions": row.overdue_opinions,
                "average_overdue_days": row.average_overdue_days,
                "rounds_per_review": row.rounds_per_review,
                "extensions": row.extensions,
                "collective": row.collective,
                "legal_reviewers": staffing.reviewers if staffing else None,
                "officers": staffing.officers if staffing else None,
                "staffing_compliant": staffing.compliant if staffing else None,
            }
        )
    return out


# --- writes --------------------------------------------------------------------------------------


@router.post("/reviews", response={201: ReviewDetailOut}, summary="送法制审核")
def submit(request, payload: SubmitIn):
    case = resolve(Case.objects.restrict(request.user), payload.case_id, "case_id")
    proposal = resolve(
        Proposal.objects.restrict(request.user).filter(case_id=payload.case_id),
        payload.proposal_id,
        "proposal_id",
    )
    agency = resolve(
        Agency.objects.filter(pk__in=_chain(case)),
        payload.reviewing_agency_id,
        "reviewing_agency_id",
    )
    review = services.review_submit(
        actor=request.user,
        case=case,
        proposal=proposal,
        declaration=payload.declaration,
        reviewing_agency=agency,
        materials_note=payload.materials_note,
    )
    return Status(201, review)


def _chain(case: Case) -> list[int]:
    return [int(p) for p in case.agency.path.strip("/").split("/") if p]


@router.post("/reviews/{review_id}/resubmit", response=ReviewDetailOut, summary="再次送审")
def resubmit(request, review_id: int, payload: ResubmitIn):
    review = _review(request, review_id)
    proposal = resolve(
        Proposal.objects.restrict(request.user).filter(case_id=review.case_id),
        payload.proposal_id,
        "proposal_id",
    )
    return services.review_resubmit(
        actor=request.user,
        review=review,
        response=payload.response,
        declaration=payload.declaration,
        proposal=proposal,
        materials_note=payload.materials_note,
    )


@router.post("/reviews/{review_id}/withdraw", response=ReviewDetailOut, summary="撤回送审")
def withdraw(request, review_id: int, payload: ReviewReasonIn):
    return services.review_withdraw(
        actor=request.user, review=_review(request, review_id), reason=payload.reason
    )


@router.post("/reviews/{review_id}/assign", response=ReviewDetailOut, summary="分配审核人员")
def assign(request, review_id: int, payload: AssignIn):
    reviewer = resolve(Staff.objects.restrict(request.user), payload.reviewer_id, "reviewer_id")
    return services.review_assign(
        actor=request.user, review=_review(request, review_id), reviewer=reviewer
    )


@router.post(
    "/reviews/{review_id}/receive",
    response=ReviewDetailOut,
    summary="接收送审材料（齐全则起算期限，不全则退回补正）",
)
def receive(request, review_id: int, payload: ReceiveIn):
    review = _review(request, review_id)
    if payload.complete:
        return services.review_receive(
            actor=request.user, review=review, received_on=payload.received_on
        )
    return services.review_return_incomplete(
        actor=request.user, review=review, missing=payload.missing
    )


@router.put("/reviews/{review_id}/checklist", response=ReviewDetailOut, summary="填写审核要点")
def checklist(request, review_id: int, payload: ChecklistIn):
    review = _review(request, review_id)
    services.checklist_save(
        actor=request.user,
        review=review,
        answers={a.item: {"finding": a.finding, "notes": a.notes} for a in payload.answers},
    )
    return _review(request, review_id)


@router.post(
    "/reviews/{review_id}/inquiries", response={201: InquiryOut}, summary="登记了解情况或调查取证"
)
def inquiry(request, review_id: int, payload: InquiryIn):
    return Status(
        201,
        services.inquiry_record(
            actor=request.user, review=_review(request, review_id), **payload.dict()
        ),
    )


@router.post(
    "/reviews/{review_id}/extension", response={201: ExtensionOut}, summary="负责人批准延长审核期限"
)
def extend(request, review_id: int, payload: ReviewReasonIn):
    return Status(
        201,
        services.review_extend(
            actor=request.user, review=_review(request, review_id), reason=payload.reason
        ),
    )


@router.post("/reviews/{review_id}/opinion", response={201: OpinionOut}, summary="提出法制审核意见")
def opinion(request, review_id: int, payload: ReviewOpinionIn):
    data = payload.dict()
    data["grounds"] = [str(g) for g in data["grounds"]]
    issued = services.opinion_issue(actor=request.user, review=_review(request, review_id), **data)
    return Status(201, issued)


@router.post(
    "/reviews/{review_id}/contest", response={201: ContestOut}, summary="对审核意见提出异议"
)
def contest(request, review_id: int, payload: ContestIn):
    return Status(
        201,
        disagreement.opinion_contest(
            actor=request.user, review=_review(request, review_id), reasons=payload.reasons
        ),
    )


@router.post(
    "/reviews/{review_id}/arguments",
    response={201: ArgumentOut},
    summary="登记专家、法律顾问或第三方论证意见",
)
def argument(request, review_id: int, payload: ArgumentIn):
    data = payload.dict()
    adviser = resolve(adviser_list(user=request.user), data.pop("adviser_id"), "adviser_id")
    return Status(
        201,
        disagreement.argument_record(
            actor=request.user, review=_review(request, review_id), adviser=adviser, **data
        ),
    )


@router.post(
    "/reviews/{review_id}/collective-decision",
    response={201: CollectiveDecisionOut},
    summary="登记负责人集体讨论决定",
)
def collective(request, review_id: int, payload: CollectiveIn):
    data = payload.dict()
    ids = list(dict.fromkeys(data.pop("participant_ids")))
    people = list(Staff.objects.restrict(request.user).filter(pk__in=ids))
    if len(people) != len(ids):
        raise ValidationError({"participant_ids": ["所选对象不存在或不在您的管辖范围内。"]})
    return Status(
        201,
        disagreement.collective_decision_record(
            actor=request.user, review=_review(request, review_id), participants=people, **data
        ),
    )


@router.post(
    "/reviews/{review_id}/collective-clearance",
    response=ReviewDetailOut,
    summary="登记集体讨论决定为审核结果",
)
def collective_clearance(request, review_id: int, payload: CollectiveConfirmIn):
    if not payload.confirm:
        raise ValidationError({"confirm": ["请确认登记。"]})
    return disagreement.collective_clearance_register(
        actor=request.user, review=_review(request, review_id)
    )
