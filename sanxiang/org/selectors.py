"""Reads of the organisation, always cut to the acting user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Agency, Certificate, CertificateStatus, LegalAdviser, Staff


def agency_list(*, user: Staff, q: str = "", level: str = "") -> QuerySet[Agency]:
    agencies = Agency.objects.restrict(user).select_related("parent")
    if q:
        agencies = agencies.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if level:
        agencies = agencies.filter(level=level)
    return agencies


def agency_get(*, user: Staff, pk: int, action: str = "view") -> Agency:
    return Agency.objects.restrict(user, action).select_related("parent").get(pk=pk)


def staff_list(
    *, user: Staff, q: str = "", role: str = "", agency_id: int | None = None
) -> QuerySet[Staff]:
    staff = Staff.objects.restrict(user).select_related("agency").prefetch_related("role_grants")
    if q:
        staff = staff.filter(Q(full_name__icontains=q) | Q(username__icontains=q))
    if role:
        staff = staff.filter(role_grants__role=role).distinct()
    if agency_id:
        staff = staff.filter(agency_id=agency_id)
    return staff


def staff_get(*, user: Staff, pk: int, action: str = "view") -> Staff:
    return Staff.objects.restrict(user, action).select_related("agency").get(pk=pk)


def certificate_list(
    *, user: Staff, q: str = "", validity: str = "", today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """Certificates in scope; ``validity`` filters by validity today (valid / expired / revoked)."""
    today = today or timezone.localdate()
    certificates = Certificate.objects.restrict(user).select_related("holder", "holder__agency")
    if q:
        certificates = certificates.filter(
            Q(number__icontains=q) | Q(holder__full_name__icontains=q)
        )
    if validity == "valid":
        certificates = certificates.filter(
            status=CertificateStatus.ACTIVE, issued_on__lte=today, expires_on__gte=today
        )
    elif validity == "expired":
        certificates = certificates.filter(status=CertificateStatus.ACTIVE, expires_on__lt=today)
    elif validity in (CertificateStatus.REVOKED, CertificateStatus.SUSPENDED):
        certificates = certificates.filter(status=validity)
    return certificates


def certificate_withdrawn(staff: Staff, day: datetime.date | None = None) -> Certificate | None:
    """BZ-3: the suspended (暂扣, e.g. after a failed 年审) or revoked certificate that keeps
    ``staff`` from enforcement work — only when he holds no other certificate valid on ``day``.
    Assignment to on-site work and signing refuse such a person (inspections, documents)."""
    day = day or timezone.localdate()
    certificates = list(staff.certificates.all())
    if any(c.validity_on(day) == "valid" for c in certificates):
        return None
    withdrawn = [
        c
        for c in certificates
        if c.status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)
    ]
    return max(withdrawn, key=lambda c: (c.issued_on, c.pk)) if withdrawn else None


def certificates_expiring(
    *, user: Staff, within_days: int = 60, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    today = today or timezone.localdate()
    return certificate_list(user=user, validity="valid", today=today).filter(
        expires_on__lte=today + datetime.timedelta(days=within_days)
    )


def adviser_list(*, user: Staff, q: str = "") -> QuerySet[LegalAdviser]:
    """Advisers of the user's agencies, plus the shared pool every agency may draw on (SH-ORG-4)."""
    if user is None or not user.is_authenticated:
        return LegalAdviser.objects.none()
    own = LegalAdviser.objects.restrict(user).values("pk")
    advisers = LegalAdviser.objects.filter(Q(pk__in=own) | Q(shared_pool=True)).select_related(
        "agency"
    )
    if q:
        advisers = advisers.filter(Q(name__icontains=q) | Q(organisation__icontains=q))
    return advisers


def staffing_counts(*, user: Staff) -> dict[str, int]:
    """Officers, legal reviewers and heads visible to the user."""
    visible = Staff.objects.restrict(user).filter(is_active=True)
    return {
        role: visible.filter(role_grants__role=role).distinct().count()
        for role in ("officer", "legal_reviewer", "head")
    }


@dataclass(frozen=True)
class ReviewerStaffing:
    """Legal reviewers against enforcement officers, and whether the 5% floor is met."""

    reviewers: int
    officers: int
    compliant: bool
    shortfall: int

    @property
    def ratio(self) -> float | None:
        return self.reviewers / self.officers if self.officers else None

    @property
    def percent(self) -> str:
        return f"{self.reviewers * 100 / self.officers:.1f}" if self.officers else "—"


REVIEWER_SHARE_PERCENT = 5


def reviewer_staffing(*, reviewers: int, officers: int) -> ReviewerStaffing:
    """SH-ORG-3: legal review staff are, in principle, not fewer than 5% of the unit's
    enforcement officers ("不少于" includes 5% itself). Exact integer arithmetic: 1 reviewer for
    20 officers is compliant, for 21 it is not. ``shortfall``: reviewers still needed."""
    needed = -(-officers * REVIEWER_SHARE_PERCENT // 100)  # ceil(officers × 5%)
    return ReviewerStaffing(
        reviewers=reviewers,
        officers=officers,
        compliant=reviewers * 100 >= officers * REVIEWER_SHARE_PERCENT,
        shortfall=max(needed - reviewers, 0),
    )


def staffing_by_agency(*, user: Staff) -> list[tuple[Agency, ReviewerStaffing]]:
    """SH-ORG-3 per agency in the user's scope: each agency with its subordinates, as the
    dashboard counts them for the agency's own head."""
    agencies = list(agency_list(user=user).filter(is_active=True))
    people = list(
        Staff.objects.restrict(user)
        .filter(
            is_active=True,
            agency__isnull=False,
            role_grants__role__in=("officer", "legal_reviewer"),
        )
        .values_list("pk", "agency__path", "role_grants__role")
    )
    out = []
    for agency in agencies:
        officers = {
            pk for pk, path, role in people if role == "officer" and path.startswith(agency.path)
        }
        reviewers = {
            pk
            for pk, path, role in people
            if role == "legal_reviewer" and path.startswith(agency.path)
        }
        out.append((agency, reviewer_staffing(reviewers=len(reviewers), officers=len(officers))))
    return out


def privilege_request_list(*, user: Staff, state: str = "") -> QuerySet:
    """Requests about accounts in the user's scope (heads decide them, admins follow them)."""
    from .models import PrivilegeRequest

    requests = PrivilegeRequest.objects.restrict(user).select_related(
        "staff", "staff__agency", "requested_by", "decided_by"
    )
    return requests.filter(state=state) if state else requests


def privilege_request_get(*, user: Staff, pk: int):
    return privilege_request_list(user=user).get(pk=pk)
