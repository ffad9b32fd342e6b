"""API router for BZ-3: training records, hour requirements, training status, certificate
applications and annual reviews (年审). Evidence files are uploaded on the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.lookups import resolve
from sanxiang.api.schemas import InputSchema
from sanxiang.org import selectors as org_selectors
from sanxiang.org.models import Agency

from .models_people import CertificateApplicationStatus, EvaluationResult, ExamResult, ReviewOutcome
from .training import selectors, services

router = Router(tags=["培训与执法证年审"])


class TrainingRecordOut(Schema):
    id: int
    staff_id: int
    course: str
    organiser: str
    started_on: datetime.date
    ended_on: datetime.date
    hours: Decimal
    exam_result: ExamResult
    has_evidence: bool

    @staticmethod
    def resolve_has_evidence(obj):
        return bool(obj.evidence_path)


class TrainingRecordIn(InputSchema):
    staff_id: int = Field(description="参训人员")
    course: str = Field(max_length=200)
    organiser: str = Field(max_length=100)
    started_on: datetime.date
    ended_on: datetime.date
    hours: Decimal = Field(gt=0, le=500, max_digits=5, decimal_places=1)
    exam_result: ExamResult = ExamResult.NONE


class TrainingRequirementIn(InputSchema):
    agency_id: int
    year: int = Field(ge=2000, le=2100)
    hours: Decimal = Field(gt=0, le=500, max_digits=5, decimal_places=1)
    note: str = Field("", max_length=200)


class TrainingRequirementOut(Schema):
    id: int
    agency_id: int
    year: int
    hours: Decimal
    note: str


class TrainingStatusOut(Schema):
    staff_id: int
    year: int
    done: Decimal
    required: Decimal
    met: bool
    sample_requirement: bool
    label: str


class CertificateApplicationOut(Schema):
    id: int
    applicant_id: int
    reason: str
    status: CertificateApplicationStatus
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str
    certificate_id: int | None


class CertificateApplicationIn(InputSchema):
    applicant_id: int
    reason: str = Field(max_length=200)


class CertificateApplicationDecisionIn(InputSchema):
    decision: str = Field(pattern="^(issue|refuse)$", description="issue 发证 / refuse 不予发证")
    number: str = Field("", max_length=30)
    issuing_authority: str = Field("", max_length=100)
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    note: str = Field("", max_length=300)


class AnnualReviewOut(Schema):
    id: int
    certificate_id: int
    year: int
    outcome: ReviewOutcome
    hours_done: Decimal
    hours_required: Decimal
    evaluation_result: EvaluationResult
    reasons: list[str]
    note: str
    decided_at: datetime.datetime


class AnnualReviewIn(InputSchema):
    certificate_id: int
    year: int = Field(ge=2000, le=2100)
    outcome: ReviewOutcome
    evaluation_result: EvaluationResult
    note: str = Field("", max_length=300)


@router.get("/training/records", response=list[TrainingRecordOut], summary="培训记录列表")
@paginate(PageNumberPagination, page_size=50)
def list_training(request, year: int | None = Query(None, ge=1900, le=9999)):
    # Bounded: ``ended_on__year`` builds a date from it (a year beyond 9999 was a 500).
    return selectors.training_list(user=request.user, year=year)


@router.post("/training/records", response={201: TrainingRecordOut}, summary="登记培训记录")
def create_training(request, payload: TrainingRecordIn):
    data = payload.dict()
    staff = resolve(org_selectors.staff_list(user=request.user), data.pop("staff_id"), "staff_id")
    return Status(201, services.training_record_create(actor=request.user, staff=staff, **data))


@router.post(
    "/training/requirements", response={201: TrainingRequirementOut}, summary="设定年度培训学时要求"
)
def set_requirement(request, payload: TrainingRequirementIn):
    data = payload.dict()
    agency = resolve(Agency.objects.restrict(request.user), data.pop("agency_id"), "agency_id")
    return Status(201, services.training_requirement_set(actor=request.user, agency=agency, **data))


@router.get("/training/status/{staff_id}", response=TrainingStatusOut, summary="人员本年度培训学时")
def training_status(request, staff_id: int, year: int | None = None):
    staff = get_object_or_404(org_selectors.staff_list(user=request.user), pk=staff_id)
    year = year if year and 2000 <= year <= 2100 else timezone.localdate().year
    status = selectors.training_status(staff, year)
    return {
        "staff_id": staff.pk,
        "year": year,
        "done": status.done,
        "required": status.required,
        "met": status.met,
        "sample_requirement": status.sample,
        "label": status.label(),
    }


@router.get(
    "/certificate-applications",
    response=list[CertificateApplicationOut],
    summary="执法证申领列表",
)
@paginate(PageNumberPagination, page_size=50)
def list_applications(request):
    return selectors.application_list(user=request.user)


@router.post(
    "/certificate-applications",
    response={201: CertificateApplicationOut},
    summary="申领执法证",
)
def apply_certificate(request, payload: CertificateApplicationIn):
    data = payload.dict()
    applicant = resolve(
        org_selectors.staff_list(user=request.user), data.pop("applicant_id"), "applicant_id"
    )
    return Status(201, services.certificate_apply(actor=request.user, applicant=applicant, **data))


@router.post(
    "/certificate-applications/{application_id}/decision",
    response=CertificateApplicationOut,
    summary="审核执法证申领（发证或不予发证）",
)
def decide_application(request, application_id: int, payload: CertificateApplicationDecisionIn):
    application = selectors.application_get(user=request.user, pk=application_id)
    data = payload.dict()
    issue = data.pop("decision") == "issue"
    return services.certificate_application_decide(
        actor=request.user, application=application, issue=issue, **data
    )


@router.get("/annual-reviews", response=list[AnnualReviewOut], summary="执法证年审记录")
@paginate(PageNumberPagination, page_size=50)
def list_reviews(request):
    return selectors.annual_review_list(user=request.user)


@router.post("/annual-reviews", response={201: AnnualReviewOut}, summary="执法证年审")
def decide_review(request, payload: AnnualReviewIn):
    data = payload.dict()
    certificate = resolve(
        org_selectors.certificate_list(user=request.user),
        data.pop("certificate_id"),
        "certificate_id",
    )
    return Status(
        201, services.annual_review_decide(actor=request.user, certificate=certificate, **data)
    )
