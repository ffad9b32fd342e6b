"""Reads of catalogs: staff see their scope's versions; rules resolve the catalog in force.

A unit without a catalog of its own uses the nearest superior agency's (a sub-bureau follows
its provincial bureau's power list unless it publishes its own). For the major-decision
catalog, a unit with no catalog anywhere above it uses the statutory items of SH-SCOPE-2.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.org.models import Agency, Staff

from .legalrefs import Citation, normalise_title
from .major import STATUTORY_ITEMS, MajorItem
from .models import (
    CatalogKind,
    CatalogVersion,
    LegalArticle,
    LegalBasis,
    StageRule,
    ViolationEntry,
)
from .stages import Obligation, RequirementKind
from .workflow import VersionStatus


def agency_chain_ids(agency: Agency) -> list[int]:
    """The agency and its superiors, nearest first."""
    return [int(part) for part in agency.path.strip("/").split("/") if part][::-1]


def applicable_version(
    *,
    agency: Agency,
    kind: str,
    on: datetime.date | None = None,
    include_approved: bool = False,
) -> CatalogVersion | None:
    """The version of ``kind`` that governs ``agency`` on ``on``: its own, else the nearest superior's.

    Only published versions count, plus — for checking a draft that takes effect later —
    approved ones when ``include_approved``.
    """
    on = on or timezone.localdate()
    chain = agency_chain_ids(agency)
    statuses = [VersionStatus.PUBLISHED]
    if include_approved:
        statuses.append(VersionStatus.APPROVED)
    candidates = (
        CatalogVersion.objects.filter(
            agency_id__in=chain, kind=kind, status__in=statuses, effective_from__lte=on
        )
        .select_related("agency")
        .order_by("-effective_from", "-number")
    )
    best: dict[int, CatalogVersion] = {}
    for version in candidates:
        best.setdefault(version.agency_id, version)
    for agency_id in chain:
        if agency_id in best:
            return best[agency_id]
    return None


def version_list(
    *,
    user: Staff,
    kind: str = "",
    agency_id: int | None = None,
    status: str = "",
) -> QuerySet[CatalogVersion]:
    versions = CatalogVersion.objects.restrict(user).select_related("agency")
    if kind:
        versions = versions.filter(kind=kind)
    if agency_id:
        versions = versions.filter(agency_id=agency_id)
    if status:
        versions = versions.filter(status=status)
    return versions


def versions_readable(user: Staff, action: str = "view") -> QuerySet[CatalogVersion]:
    """Versions in the user's scope; for viewing, also the published catalogs of his superiors,
    which govern his agency (they are public anyway)."""
    versions = CatalogVersion.objects.restrict(user, action)
    agency = getattr(user, "agency", None)
    if action == "view" and agency is not None and user.is_authenticated:
        versions = CatalogVersion.objects.filter(
            Q(pk__in=versions.values("pk"))
            | Q(status=VersionStatus.PUBLISHED, agency_id__in=agency_chain_ids(agency))
        )
    return versions


def version_get(*, user: Staff, pk: int, action: str = "view") -> CatalogVersion:
    """A version in the user's scope, or a published catalog of a superior (see above)."""
    return (
        versions_readable(user, action)
        .select_related("agency", "based_on", "submitted_by", "reviewed_by", "approved_by")
        .get(pk=pk)
    )


def versions_awaiting(*, user: Staff) -> QuerySet[CatalogVersion]:
    """Versions waiting for this user's review or approval."""
    wanted = []
    if user.has_role("legal_reviewer"):
        wanted.append(Q(status=VersionStatus.SUBMITTED) & ~Q(submitted_by=user))
    if user.has_role("head"):
        wanted.append(Q(status=VersionStatus.REVIEWED))
    if not wanted:
        return CatalogVersion.objects.none()
    query = wanted[0]
    for extra in wanted[1:]:
        query |= extra
    return version_list(user=user).filter(query)


def version_history(*, agency: Agency, kind: str) -> list[CatalogVersion]:
    """Published versions of one agency's catalog, newest first, each with its end date."""
    versions = list(
        CatalogVersion.objects.filter(agency=agency, kind=kind, status=VersionStatus.PUBLISHED)
        .select_related("agency")
        .order_by("-effective_from", "-number")
    )
    following: datetime.date | None = None
    for version in versions:
        version.effective_to = (
            following - datetime.timedelta(days=1) if following is not None else None
        )
        following = version.effective_from
    return versions


def major_items_for(*, agency: Agency, on: datetime.date | None = None) -> list[MajorItem]:
    """SH-SCOPE-3: the major-decision catalog that governs ``agency`` on ``on``."""
    version = applicable_version(agency=agency, kind=CatalogKind.MAJOR_DECISION, on=on)
    if version is None:
        return list(STATUTORY_ITEMS)
    return [item.as_major_item() for item in version.major_items.all()]


def compendium_search(
    *, agency: Agency, q: str = "", on: datetime.date | None = None
) -> QuerySet[ViolationEntry]:
    """JL-TXT-3c: entries of the compendium in force whose code, description or keywords
    contain ``q`` (a two-character Chinese query like “瓦斯” works)."""
    version = applicable_version(agency=agency, kind=CatalogKind.VIOLATION_COMPENDIUM, on=on)
    if version is None:
        return ViolationEntry.objects.none()
    entries = version.violation_entries.prefetch_related("benchmarks")
    for word in (q or "").split()[:5]:
        entries = entries.filter(
            Q(description__icontains=word)
            | Q(keywords__icontains=word)
            | Q(code__icontains=word)
            | Q(specialty__icontains=word)
        )
    return entries


def legal_article_in_force(
    *, agency: Agency, citation: Citation, on: datetime.date
) -> LegalArticle | LegalBasis | None:
    """The article (or the law, when no article is cited) in force on ``on``.

    Looks in the legal-basis catalog that governed ``agency`` on ``on`` (or today's, for a day
    before the agency's first catalog) and picks the revision of the cited law in force that day,
    so a case cites the text that applied when it was decided.
    """
    version = applicable_version(
        agency=agency, kind=CatalogKind.LEGAL_BASIS, on=on
    ) or applicable_version(agency=agency, kind=CatalogKind.LEGAL_BASIS)
    if version is None:
        return None
    wanted = normalise_title(citation.title)
    for basis in version.legal_bases.all():
        if not basis.in_force_on(on):
            continue
        if wanted not in {normalise_title(basis.title), normalise_title(basis.short_title)}:
            continue
        if citation.article is None:
            return basis
        return basis.articles.filter(number=citation.article).first()
    return None


def stage_requirements(
    *, agency: Agency, stage: str, on: datetime.date | None = None
) -> dict[str, list[StageRule]]:
    """JL-TXT-3b / JL-AV-2: the documents and recordings a stage requires, from the catalog."""
    version = applicable_version(agency=agency, kind=CatalogKind.STAGE_RULE, on=on)
    result: dict[str, list[StageRule]] = {"documents": [], "recordings": []}
    if version is None:
        return result
    for rule in version.stage_rules.filter(stage=stage):
        key = "documents" if rule.requirement == RequirementKind.DOCUMENT else "recordings"
        result[key].append(rule)
    return result


def required_documents(*, agency: Agency, stage: str, on: datetime.date | None = None) -> list[str]:
    """Codes of the documents a stage always requires (conditional ones are left to the case)."""
    return [
        rule.document_code
        for rule in stage_requirements(agency=agency, stage=stage, on=on)["documents"]
        if rule.obligation == Obligation.REQUIRED
    ]


def document_short_code(
    *, agency: Agency, code: str, on: datetime.date | None = None
) -> str | None:
    """The numbering short code (C in A+(B)煤安+C〔YYYY〕D号) of a document type."""
    version = applicable_version(agency=agency, kind=CatalogKind.DOCUMENT_TYPE, on=on)
    if version is None:
        return None
    return version.document_types.filter(code=code).values_list("short_code", flat=True).first()


def subordinate_versions(*, user: Staff, kind: str) -> Iterable[CatalogVersion]:
    """The superior's view of its subordinates' catalogs of one kind (SH-SCOPE-3)."""
    return version_list(user=user, kind=kind).order_by("agency__path", "-number")
