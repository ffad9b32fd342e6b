"""Public selectors: the only reads the portal makes. They return published data only.

Nothing here takes a user: the public is anonymous. Catalog reads see published versions
and nothing else; people are returned as small value objects holding exactly what GS-PRE-2.1
requires (name, agency, certificate number) so that no template can reach a phone number,
an ID number or an address by accident.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import PUBLIC_KINDS, CatalogKind, CatalogVersion
from sanxiang.catalog.selectors import agency_chain_ids, applicable_version, version_history
from sanxiang.catalog.workflow import VersionStatus
from sanxiang.org.models import Agency, Certificate, CertificateStatus, Staff
from sanxiang.org.roles import Role


@dataclass(frozen=True)
class PublicAgency:
    id: int
    name: str
    level: str
    parent: str
    credit_code: str
    enforcement_scope: str
    address: str
    phone: str
    depth: int


@dataclass(frozen=True)
class PublicOfficer:
    name: str
    agency: str
    certificate_number: str


def _public_agency(agency: Agency) -> PublicAgency:
    return PublicAgency(
        id=agency.pk,
        name=agency.name,
        level=str(agency.get_level_display()),
        parent=agency.parent.name if agency.parent_id else "",
        credit_code=agency.credit_code,
        enforcement_scope=agency.enforcement_scope,
        address=agency.address,
        phone=agency.phone,
        depth=agency.depth,
    )


def public_agencies() -> list[PublicAgency]:
    """GS-PRE-2.1: enforcement subjects — agency names and their enforcement scope."""
    return [
        _public_agency(a)
        for a in Agency.objects.filter(is_active=True).select_related("parent").order_by("path")
    ]


def public_agency(pk: int | None) -> Agency | None:
    if pk is None:
        return None
    return Agency.objects.filter(pk=pk, is_active=True).first()


def public_officers(*, agency_id: int | None = None, q: str = "") -> list[PublicOfficer]:
    """GS-PRE-2.1: officers holding a certificate valid today — name, agency and number only."""
    today = timezone.localdate()
    certificates = Certificate.objects.filter(
        status=CertificateStatus.ACTIVE,
        issued_on__lte=today,
        expires_on__gte=today,
        holder__is_active=True,
        holder__role_grants__role=Role.OFFICER,
        holder__agency__is_active=True,
    ).distinct()
    if agency_id:
        certificates = certificates.filter(holder__agency_id=agency_id)
    if q:
        certificates = certificates.filter(
            Q(holder__full_name__icontains=q) | Q(number__icontains=q)
        )
    rows = certificates.order_by("holder__agency__path", "number").values_list(
        "holder__full_name", "holder__agency__name", "number"
    )
    return [
        PublicOfficer(name=name, agency=agency, certificate_number=number)
        for name, agency, number in rows
    ]


@dataclass(frozen=True)
class CertificateAnswer:
    status: str  # valid | expired | revoked_or_suspended | not_yet_valid | unknown
    label: str
    number: str
    holder: str = ""
    agency: str = ""


CHECK_LABELS = {
    "valid": _("有效"),
    "expired": _("已过期"),
    "revoked_or_suspended": _("已注销或暂扣"),
    "not_yet_valid": _("尚未生效"),
    "unknown": _("查无此证"),
}


def normalise_certificate_number(raw: str) -> str:
    """Full-width digits and letters (typed with Chinese input methods) become half-width."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return re.sub(r"[\s\-－—]", "", text)[:40]


def certificate_check(number: str, *, today: datetime.date | None = None) -> CertificateAnswer:
    """The public certificate check: status with holder name and agency, nothing more."""
    number = normalise_certificate_number(number)
    certificate = (
        Certificate.objects.filter(number=number).select_related("holder", "holder__agency").first()
        if number
        else None
    )
    if certificate is None:
        return CertificateAnswer("unknown", str(CHECK_LABELS["unknown"]), number)
    validity = certificate.validity_on(today or timezone.localdate())
    status = {
        "valid": "valid",
        "expired": "expired",
        "not_yet_valid": "not_yet_valid",
        "suspended": "revoked_or_suspended",
        "revoked": "revoked_or_suspended",
    }[validity]
    holder: Staff = certificate.holder
    return CertificateAnswer(
        status=status,
        label=str(CHECK_LABELS[status]),
        number=certificate.number,
        holder=holder.full_name,
        agency=holder.agency.name if holder.agency_id else "",
    )


@dataclass
class PublicCatalog:
    """The catalog of one kind governing an agency today, and whose it is."""

    kind: str
    agency: Agency | None
    version: CatalogVersion | None

    @property
    def inherited(self) -> bool:
        return bool(self.version and self.agency and self.version.agency_id != self.agency.pk)


def _check_kind(kind: str) -> None:
    if kind not in PUBLIC_KINDS:
        raise Http404


def default_agency(kind: str) -> Agency | None:
    """The agency shown when none is chosen: the highest one that publishes this catalog itself."""
    version = (
        CatalogVersion.objects.filter(
            kind=kind, status=VersionStatus.PUBLISHED, agency__is_active=True
        )
        .select_related("agency")
        .order_by("agency__path")
        .first()
    )
    return version.agency if version else None


def public_catalog(
    kind: str, *, agency: Agency | None = None, on: datetime.date | None = None
) -> PublicCatalog:
    """GS-PRE-2.2…2.6, GS-PRE-3: the published version in force today (own or inherited)."""
    _check_kind(kind)
    agency = agency or default_agency(kind)
    if agency is None:
        return PublicCatalog(kind, None, None)
    return PublicCatalog(kind, agency, applicable_version(agency=agency, kind=kind, on=on))


def public_history(kind: str, *, agency: Agency) -> list[CatalogVersion]:
    """GS-PRE-3: every published version of the agency's catalog with its dates, newest first."""
    _check_kind(kind)
    owner = agency
    current = applicable_version(agency=agency, kind=kind)
    if current is not None:
        owner = current.agency
    return version_history(agency=owner, kind=kind)


def public_version(pk: int) -> CatalogVersion:
    """One published version (an old one from the history); anything unpublished is a 404."""
    version = (
        CatalogVersion.objects.filter(pk=pk, status=VersionStatus.PUBLISHED, kind__in=PUBLIC_KINDS)
        .select_related("agency")
        .first()
    )
    if version is None:
        raise Http404
    return version


def publishing_agencies(kind: str) -> list[Agency]:
    """Agencies a visitor can choose for a catalog: all active agencies below one that publishes it."""
    owners = set(
        CatalogVersion.objects.filter(kind=kind, status=VersionStatus.PUBLISHED).values_list(
            "agency_id", flat=True
        )
    )
    return [
        agency
        for agency in Agency.objects.filter(is_active=True).order_by("path")
        if owners & set(agency_chain_ids(agency))
    ]


def is_public_kind(kind: str) -> bool:
    return kind in PUBLIC_KINDS and kind in CatalogKind.values


# --- the mine directory (ADR 0097) ------------------------------------------------------------


@dataclass(frozen=True)
class PublicMine:
    """A coal mine as the public directory shows it: its registration, nothing about people."""

    id: int
    name: str
    credit_code: str
    region: str
    status: str
    licence_valid: bool
    licence_valid_until: datetime.date | None
    supervising_agency: str
    results: int


MINE_PAGE_SIZE = 20


def mine_regions() -> list[tuple[str, str]]:
    """(code, full name) of the regions that have mines, with their provinces and prefectures,
    for a picker by name."""
    from sanxiang.core.regions import region_options
    from sanxiang.registry.models import CoalMine

    return region_options(CoalMine.objects.values_list("division_code", flat=True).distinct())


def mine_directory(*, q: str = "", region: str = "", page: int = 1):
    """Mines whose name contains ``q``, whose credit code is ``q`` (or starts with it), or
    whose region's name contains ``q``; within the region ``region`` (a code from the picker).
    Returns a Django page of ``PublicMine``."""
    from django.core.paginator import Paginator
    from django.db.models import Count, OuterRef, Subquery

    from sanxiang.core.regions import codes_matching, region_name
    from sanxiang.publicity.models import PublicEntry
    from sanxiang.registry.models import CoalMine

    mines = CoalMine.objects.select_related("supervising_agency")
    text = unicodedata.normalize("NFKC", q or "").strip()
    if text:
        condition = Q(name__icontains=text) | Q(credit_code__startswith=text.upper())
        codes = codes_matching(
            text, CoalMine.objects.values_list("division_code", flat=True).distinct()
        )
        if codes:
            condition |= Q(division_code__in=codes)
        mines = mines.filter(condition)
    region = re.sub(r"\D", "", region or "")[:6]
    if region:
        mines = mines.filter(division_code__startswith=region)
    live = (
        PublicEntry.objects.filter(mine=OuterRef("pk"))
        .values("mine")
        .annotate(n=Count("id"))
        .values("n")
    )
    mines = mines.annotate(results=Subquery(live)).order_by("name", "pk")
    paginator = Paginator(mines, MINE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    today = timezone.localdate()
    page_obj.object_list = [
        PublicMine(
            id=mine.pk,
            name=mine.name,
            credit_code=mine.credit_code,
            region=region_name(mine.division_code),
            status=mine.get_status_display(),
            licence_valid=mine.licence_is_valid_on(today),
            licence_valid_until=mine.licence_valid_until,
            supervising_agency=mine.supervising_agency.name,
            results=mine.results or 0,
        )
        for mine in page_obj.object_list
    ]
    return page_obj
