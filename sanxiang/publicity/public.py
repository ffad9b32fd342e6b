"""Public selectors of result publication: the only reads the portal, the open data, the feed
and the public API make. They return released, redacted data only.

Everything comes from ``PublicationVersion.public_fields`` (the values the head approved, after
redaction) and the ``PublicEntry`` search table built from them; ``Publication.fields`` (the
working copy with personal data) is never read here. Results are returned as value objects, so
no template can reach a model and from it the original. A withdrawn result comes back as a
tombstone (what, when, why, on whose approval); a result that was never released is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.http import Http404

from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.selectors import checkpoint_latest
from sanxiang.registry.models import CoalMine

from . import search
from .corrections import corrections_shown
from .fields import Category, LayoutField, display_value, layout
from .models import AnnualReport, Publication, PublicationVersion, PublicEntry, WithdrawalReason
from .workflow import PublicationStatus, ReportStatus

PAGE_SIZE = 20
MAX_PAGE = search.COUNT_CAP // PAGE_SIZE
S = PublicationStatus


@dataclass(frozen=True)
class PublicField:
    key: str
    label: str
    value: str
    required: bool


@dataclass(frozen=True)
class VersionInfo:
    number: int
    published_at: datetime.datetime
    change_note: str
    superseded_at: datetime.datetime | None


@dataclass(frozen=True)
class LedgerRef:
    seq: int
    action: str
    recorded_at: datetime.datetime
    covered: bool


@dataclass(frozen=True)
class PublicRecord:
    id: int
    category: str
    category_label: str
    agency: str
    party_name: str
    document_number: str
    kind_text: str
    outcome: str
    decision_date: datetime.date
    published_at: datetime.datetime
    version: int
    mine_id: int | None
    state: str  # live | withdrawn | expired
    fields: list[PublicField] = field(default_factory=list)
    withheld: list[dict[str, Any]] = field(default_factory=list)
    versions: list[VersionInfo] = field(default_factory=list)
    ledger: list[LedgerRef] = field(default_factory=list)
    tombstone: dict[str, Any] | None = None
    corrections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def values(self) -> dict[str, str]:
        return {f.key: f.value for f in self.fields}


def _fields(category: str, values: dict[str, str]) -> list[PublicField]:
    out = []
    for item in layout(category):
        value = display_value(item, str(values.get(item.key, "") or ""))
        out.append(PublicField(item.key, str(item.label), value, item.required))
    return out


def _state(publication: Publication) -> str:
    if publication.status == S.WITHDRAWN:
        return "withdrawn"
    if publication.status == S.EXPIRED:
        return "expired"
    return "live"


def _tombstone(publication: Publication) -> dict[str, Any] | None:
    if publication.status == S.WITHDRAWN:
        approver = publication.withdrawn_by
        return {
            "kind": "withdrawn",
            "when": publication.withdrawn_at,
            "reason_kind": publication.withdrawal_reason_kind,
            "reason_kind_label": str(WithdrawalReason(publication.withdrawal_reason_kind).label)
            if publication.withdrawal_reason_kind
            else "",
            "reason": publication.withdrawal_reason,
            "basis": publication.withdrawal_basis,
            "approved_by": f"{approver.full_name}（{publication.agency.name}负责人）"
            if approver
            else "",
        }
    if publication.status == S.EXPIRED:
        return {
            "kind": "expired",
            "when": publication.expired_at,
            "until": publication.publicity_until,
        }
    return None


def _ledger(publication: Publication) -> list[LedgerRef]:
    latest = checkpoint_latest()
    covered_to = latest.tree_size if latest else 0
    rows = LedgerEntry.objects.filter(
        object_type="publicity.publication",
        object_id=str(publication.pk),
        action__in=("publication.publish", "publication.withdraw", "publication.expire"),
    ).order_by("seq")
    return [
        LedgerRef(
            seq=e.seq, action=e.action, recorded_at=e.recorded_at, covered=e.seq <= covered_to
        )
        for e in rows
    ]


def _record(publication: Publication, version: PublicationVersion, *, full: bool) -> PublicRecord:
    values = version.public_fields
    state = _state(publication)
    show = state == "live" or not full
    return PublicRecord(
        id=publication.pk,
        category=publication.category,
        category_label=str(Category(publication.category).label),
        agency=publication.agency.name,
        party_name=values.get("party_name", "") if show else "",
        document_number=values.get("decision_number", ""),
        kind_text=_kind_text(publication.category, values) if show else "",
        outcome="",
        decision_date=publication.decided_on,
        published_at=version.published_at,
        version=version.number,
        mine_id=publication.mine_id,
        state=state,
        fields=_fields(publication.category, values) if full and state == "live" else [],
        withheld=version.withheld if full and state == "live" else [],
        versions=[
            VersionInfo(v.number, v.published_at, v.change_note, v.superseded_at)
            for v in publication.versions.order_by("number")
        ]
        if full
        else [],
        ledger=_ledger(publication) if full else [],
        tombstone=_tombstone(publication),
        corrections=corrections_shown(publication) if full else [],
    )


def _kind_text(category: str, values: dict[str, str]) -> str:
    from .fields import KIND_FIELD

    return values.get(KIND_FIELD[category], "")


def result_get(pk: int) -> PublicRecord:
    """GS-POST-1: one released result, or its tombstone (GS-POST-2). Never-released: 404."""
    publication = (
        Publication.objects.filter(pk=pk, first_published_at__isnull=False)
        .select_related("agency", "live_version", "withdrawn_by")
        .first()
    )
    if publication is None or publication.live_version is None:
        raise Http404
    return _record(publication, publication.live_version, full=True)


def result_version(pk: int, number: int) -> PublicRecord:
    """An earlier released version of a live result ("updates keep versions")."""
    publication = (
        Publication.objects.filter(pk=pk, first_published_at__isnull=False)
        .select_related("agency")
        .first()
    )
    if publication is None or _state(publication) != "live":
        raise Http404
    version = publication.versions.filter(number=number).first()
    if version is None:
        raise Http404
    record = _record(publication, version, full=True)
    return record


@dataclass(frozen=True)
class Hit:
    id: int
    category: str
    category_label: str
    agency: str
    party_name: str
    document_number: str
    kind_text: str
    outcome: str
    decision_date: datetime.date
    fine_amount: Decimal | None = None


class Sort:
    DATE = "date"
    AMOUNT = "amount"
    CHOICES = (DATE, AMOUNT)


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int
    capped: bool
    page: int
    num_pages: int
    sort: str = Sort.DATE
    # The query was a whole document number and was answered by exact match.
    exact_number: bool = False
    # Sorting by amount was asked for more results than the count cap: shown by date instead.
    amount_sort_refused: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


CATEGORY_LABELS = {code: str(label) for code, label in Category.choices}


HITS_SQL = (
    "SELECT e.id, e.publication_id, e.category, a.name, e.party_name, e.document_number,"
    " e.kind_text, e.outcome, e.decision_date, e.fine_amount FROM publicity_publicentry e"
    " JOIN org_agency a ON a.id = e.agency_id WHERE e.id IN ({keys})"
)


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).normalize()


def _hits(keys: list[int]) -> list[Hit]:
    """The entries of one page, in the order of ``keys``: one plain query on the hot path of
    every search (the ORM's query building cost as much as the query itself, ADR 0050)."""
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(HITS_SQL.format(keys=", ".join(["%s"] * len(keys))), keys)
        found = {row[0]: row for row in cursor.fetchall()}
    hits = []
    for key in keys:
        row = found.get(key)
        if row is None:
            continue
        _key, pk, category, agency, party, number, kind_text, outcome, day, fine = row
        if isinstance(day, str):  # SQLite through a raw cursor
            day = datetime.date.fromisoformat(day)
        hits.append(
            Hit(
                pk,
                category,
                CATEGORY_LABELS[category],
                agency,
                party,
                number,
                kind_text,
                outcome,
                day,
                _decimal(fine),
            )
        )
    return hits


def result_search(
    query: search.SearchQuery,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    sort: str = Sort.DATE,
) -> SearchPage:
    """GS-POST-1, GS-REQ-1: released results matching ``query``, newest decision first, or by
    fine amount (ADR 0097). A query that is one whole document number is an exact lookup."""
    page = max(int(page or 1), 1)
    sort = sort if sort in Sort.CHOICES else Sort.DATE
    if page > MAX_PAGE:
        return SearchPage([], 0, False, page, 0, sort)
    if search.looks_like_document_number(query.q):
        keys = _exact_number_keys(query)
        start = (page - 1) * page_size
        if sort == Sort.AMOUNT:
            keys = _by_amount(keys)
        num_pages = max((len(keys) + page_size - 1) // page_size, 1)
        return SearchPage(
            _hits(keys[start : start + page_size]),
            len(keys),
            False,
            page,
            num_pages,
            sort,
            exact_number=True,
        )
    if sort == Sort.AMOUNT:
        # Every match (at most COUNT_CAP) in one run of the engine, then ordered by amount.
        hits = search.run(query, offset=0, limit=search.COUNT_CAP)
        start = (page - 1) * page_size
        num_pages = max((hits.total + page_size - 1) // page_size, 1)
        if hits.capped:
            keys = hits.keys[start : start + page_size]
            return SearchPage(
                _hits(keys), hits.total, True, page, num_pages, Sort.DATE, amount_sort_refused=True
            )
        keys = _by_amount(hits.keys)[start : start + page_size]
        return SearchPage(_hits(keys), hits.total, False, page, num_pages, sort)
    hits = search.run(query, offset=(page - 1) * page_size, limit=page_size)
    num_pages = max((hits.total + page_size - 1) // page_size, 1)
    return SearchPage(_hits(hits.keys), hits.total, hits.capped, page, num_pages, sort)


def _exact_number_keys(query: search.SearchQuery) -> list[int]:
    """Entries whose document number is exactly the query's (brackets and spacing aside),
    within the query's other filters, newest first (an indexed lookup, ADR 0097)."""
    entries = PublicEntry.objects.filter(document_key=search.document_key(query.q))
    low, high = query.key_range()
    entries = entries.filter(id__gte=low, id__lte=high)
    if query.category:
        entries = entries.filter(category=query.category)
    if query.agency_id:
        entries = entries.filter(agency__path__startswith=_agency_path(query.agency_id))
    region = "".join(c for c in query.region or "" if c.isdigit())
    if region:
        entries = entries.filter(region__startswith=region)
    return list(entries.order_by("-id").values_list("id", flat=True)[: search.COUNT_CAP])


def _by_amount(keys: list[int]) -> list[int]:
    """``keys`` ordered by fine amount, largest first; entries without an amount last."""
    if not keys:
        return []
    amounts = dict(PublicEntry.objects.filter(id__in=keys).values_list("id", "fine_amount"))
    return sorted(
        keys,
        key=lambda key: (amounts.get(key) is None, -(amounts.get(key) or 0), -key),
    )


def result_export_rows(
    query: search.SearchQuery, *, sort: str = Sort.DATE, limit: int = search.COUNT_CAP
) -> tuple[list[Hit], int]:
    """The current result set for export: at most ``limit`` hits in the page's order, and the
    number of matches (capped)."""
    first = result_search(query, page=1, page_size=limit, sort=sort)
    return first.hits, first.total


@dataclass(frozen=True)
class CategoryYear:
    category_label: str
    year: int
    count: int
    fine_total: Decimal | None


@dataclass(frozen=True)
class MinePage:
    id: int
    name: str
    credit_code: str
    region: str
    status: str
    licence_number: str
    licence_valid_until: datetime.date | None
    licence_valid: bool
    supervising_agency: str
    live: list[Hit]
    live_total: int
    summary: list[CategoryYear]
    removed: list[PublicRecord]

    @property
    def fine_total(self) -> Decimal:
        return sum((row.fine_total or Decimal(0) for row in self.summary), Decimal(0))


LATEST_ON_MINE_PAGE = 10


def mine_page(mine_id: int) -> MinePage:
    """一矿一页: the mine's public registration (status, licence validity), a summary of its
    results *now public* — counts and fines by category and year, from the search table, which
    holds only released, live versions (withdrawn and expired results leave it; drafts never
    enter) — its latest results, and tombstones of the withdrawn or expired ones."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractYear

    from sanxiang.core.regions import region_name

    mine = CoalMine.objects.filter(pk=mine_id).select_related("supervising_agency").first()
    if mine is None:
        raise Http404
    entries = PublicEntry.objects.filter(mine_id=mine_id)
    rows = (
        entries.annotate(year=ExtractYear("decision_date"))
        .values("category", "year")
        .annotate(count=Count("id"), fine_total=Sum("fine_amount"))
        .order_by("-year", "category")
    )
    summary = [
        CategoryYear(
            CATEGORY_LABELS[row["category"]], row["year"], row["count"], _decimal(row["fine_total"])
        )
        for row in rows
    ]
    keys = list(entries.order_by("-id").values_list("id", flat=True)[:LATEST_ON_MINE_PAGE])
    removed = [
        _record(p, p.live_version, full=False)
        for p in Publication.objects.filter(
            mine_id=mine_id, first_published_at__isnull=False, status__in=(S.WITHDRAWN, S.EXPIRED)
        )
        .select_related("agency", "live_version", "withdrawn_by")
        .order_by("-decided_on", "-pk")[:50]
        if p.live_version is not None
    ]
    return MinePage(
        id=mine.pk,
        name=mine.name,
        credit_code=mine.credit_code,
        region=region_name(mine.division_code),
        status=mine.get_status_display(),
        licence_number=mine.licence_number,
        licence_valid_until=mine.licence_valid_until,
        licence_valid=mine.licence_is_valid_on(),
        supervising_agency=mine.supervising_agency.name,
        live=_hits(keys),
        live_total=sum(row.count for row in summary),
        summary=summary,
        removed=removed,
    )


def feed_entries(
    limit: int = 50, *, mine_id: int | None = None
) -> list[tuple[Hit, datetime.datetime, dict[str, str]]]:
    """The latest released results for the Atom feed (of one mine when given), with their
    public values."""
    entries = PublicEntry.objects.select_related("agency", "version")
    if mine_id is not None:
        entries = entries.filter(mine_id=mine_id)
    entries = entries.order_by("-published_at", "-id")[:limit]
    return [
        (
            Hit(
                id=e.publication_id,
                category=e.category,
                category_label=str(CATEGORY_LABELS[e.category]),
                agency=e.agency.name,
                party_name=e.party_name,
                document_number=e.document_number,
                kind_text=e.kind_text,
                outcome=e.outcome,
                decision_date=e.decision_date,
                fine_amount=_decimal(e.fine_amount),
            ),
            e.published_at,
            e.version.public_fields,
        )
        for e in entries
    ]


def open_data_rows(
    category: str, *, year: int | None = None, agency_id: int | None = None
) -> Iterator[tuple[int, dict[str, str], datetime.datetime]]:
    """Released results of one category in the 双公示 layout (public values), newest first."""
    if category not in Category.values:
        raise Http404
    entries = PublicEntry.objects.filter(category=category)
    if year:
        entries = entries.filter(
            id__gte=datetime.date(year, 1, 1).toordinal() * search.KEY_SCALE,
            id__lt=datetime.date(year + 1, 1, 1).toordinal() * search.KEY_SCALE,
        )
    if agency_id:
        entries = entries.filter(agency__path__startswith=_agency_path(agency_id))
    for entry in entries.select_related("version").order_by("-id").iterator(chunk_size=2000):
        yield entry.publication_id, entry.version.public_fields, entry.published_at


def _agency_path(agency_id: int) -> str:
    from sanxiang.org.models import Agency

    agency = Agency.objects.filter(pk=agency_id).first()
    return agency.path if agency else "/-/"


def layout_fields(category: str) -> tuple[LayoutField, ...]:
    if category not in Category.values:
        raise Http404
    return layout(category)


def region_choices() -> list[str]:
    """Division codes a result's region can have: a result takes its mine's, its party's
    employer's or its agency's (``services.drafts._region``). Read from those small tables, never from
    the search table (a DISTINCT there scans every row, ADR 0097)."""
    from sanxiang.org.models import Agency

    codes = set(CoalMine.objects.values_list("division_code", flat=True).distinct())
    codes |= set(Agency.objects.values_list("division_code", flat=True).distinct())
    return sorted(code for code in codes if code)


def public_reports() -> list[AnnualReport]:
    """GS-POST-3: published annual reports, newest year first."""
    return list(
        AnnualReport.objects.filter(status=ReportStatus.PUBLISHED)
        .select_related("agency")
        .order_by("-year", "agency__path")
    )


def public_report(pk: int) -> AnnualReport:
    report = (
        AnnualReport.objects.filter(pk=pk, status=ReportStatus.PUBLISHED)
        .select_related("agency")
        .first()
    )
    if report is None:
        raise Http404
    return report
