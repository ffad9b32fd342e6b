"""Reads of training, certificates' applications and annual reviews (BZ-3), cut to scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from .. import catalogs
from ..models_people import (
    AnnualReview,
    CertificateApplication,
    ExamResult,
    LegalQualification,
    TrainingRecord,
    TrainingRequirement,
)

TRAINED_ROLES = (Role.OFFICER, Role.LEGAL_REVIEWER)


def training_list(*, user: Staff, staff: Staff | None = None, year: int | None = None):
    rows = TrainingRecord.objects.restrict(user).select_related("staff", "staff__agency")
    if staff is not None:
        rows = rows.filter(staff=staff)
    if year:
        rows = rows.filter(ended_on__year=year)
    return rows


def training_get(*, user: Staff, pk: int) -> TrainingRecord:
    return training_list(user=user).get(pk=pk)


def requirement_list(*, user: Staff) -> QuerySet[TrainingRequirement]:
    """Requirements of the user's agencies and of the agencies above (they apply to him)."""
    rows = TrainingRequirement.objects.select_related("agency")
    if getattr(user, "is_superuser", False):
        return rows
    agency = getattr(user, "agency", None)
    if agency is None:
        return rows.none()
    chain = [int(p) for p in agency.path.strip("/").split("/") if p]
    from django.db.models import Q

    return rows.filter(Q(agency__path__startswith=agency.path) | Q(agency_id__in=chain))


@dataclass(frozen=True)
class Requirement:
    hours: Decimal
    source: str  # in words: which agency set it, or the sample default
    sample: bool


def requirement_for(agency: Agency | None, year: int) -> Requirement:
    """The hours asked of a person of ``agency`` in ``year``: the nearest agency's own setting
    (itself, then up the tree), else the data file's sample default (示例)."""
    if agency is not None:
        chain = [int(p) for p in agency.path.strip("/").split("/") if p]
        rows = {
            r.agency_id: r
            for r in TrainingRequirement.objects.filter(agency_id__in=chain, year=year)
        }
        for pk in reversed(chain):
            if pk in rows:
                row = rows[pk]
                return Requirement(row.hours, _("%(a)s设定") % {"a": row.agency}, False)
    return Requirement(
        catalogs.default_training_hours(), str(catalogs.training_requirement()["title"]), True
    )


def hours_done(staff: Staff, year: int) -> Decimal:
    """Hours of courses ended in ``year``; a failed exam does not count."""
    total = (
        TrainingRecord.objects.filter(staff=staff, ended_on__year=year)
        .exclude(exam_result=ExamResult.FAILED)
        .aggregate(total=Sum("hours"))["total"]
    )
    return total or Decimal("0")


@dataclass(frozen=True)
class TrainingStatus:
    done: Decimal
    required: Decimal
    sample: bool

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.done, Decimal("0"))

    def label(self) -> str:
        state = _("已达标") if self.met else _("差%(h)s学时") % {"h": _num(self.missing)}
        return _("本年度培训%(d)s/%(r)s学时，%(s)s") % {
            "d": _num(self.done),
            "r": _num(self.required),
            "s": state,
        }


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def training_status(staff: Staff, year: int | None = None) -> TrainingStatus:
    year = year or timezone.localdate().year
    requirement = requirement_for(staff.agency, year)
    return TrainingStatus(hours_done(staff, year), requirement.hours, requirement.sample)


def qualification_label(staff: Staff, year: int | None = None) -> str:
    """What the reviewer-assignment form shows next to a name (BZ-3)."""
    qualified = _("具有法律职业资格") if staff.has_legal_qualification else _("无法律职业资格")
    return f"{qualified}；{training_status(staff, year).label()}"


def training_due(*, user: Staff, today: datetime.date | None = None) -> TrainingStatus | None:
    """An officer's or reviewer's own hours this year when below the requirement, else None."""
    if not user.has_role(*TRAINED_ROLES):
        return None
    status = training_status(user, (today or timezone.localdate()).year)
    return None if status.met else status


def people_below(*, user: Staff, year: int) -> list[tuple[Staff, TrainingStatus]]:
    """Officers and reviewers in scope below the year's hours (for heads and administrators)."""
    people = (
        Staff.objects.restrict(user)
        .filter(is_active=True, role_grants__role__in=TRAINED_ROLES)
        .select_related("agency")
        .distinct()
    )
    out = []
    for person in people:
        status = training_status(person, year)
        if not status.met:
            out.append((person, status))
    return out


def application_list(*, user: Staff) -> QuerySet[CertificateApplication]:
    return CertificateApplication.objects.restrict(user).select_related(
        "applicant", "applicant__agency", "certificate"
    )


def application_get(*, user: Staff, pk: int) -> CertificateApplication:
    return application_list(user=user).get(pk=pk)


def annual_review_list(*, user: Staff) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.restrict(user).select_related(
        "certificate", "certificate__holder", "decided_by"
    )


def annual_review_get(*, user: Staff, pk: int) -> AnnualReview:
    return annual_review_list(user=user).get(pk=pk)


def qualification_list(*, user: Staff) -> QuerySet[LegalQualification]:
    return LegalQualification.objects.restrict(user).select_related("staff", "staff__agency")


def qualification_get(*, user: Staff, pk: int) -> LegalQualification:
    return qualification_list(user=user).get(pk=pk)
