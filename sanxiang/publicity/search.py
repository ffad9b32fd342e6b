"""Chinese search over published results: character bigrams in the database's own full-text
index (ADR 0050).

A published result's *public* text (never the withheld original) is cut into segments of
letters and digits; each segment becomes its character bigrams in order, followed by its
last character, so "安泰煤业" is indexed as ``安泰 泰煤 煤业 业``. A query is cut the same way
and each segment becomes a phrase of its bigrams ("安泰煤业" → the phrase ``安泰 泰煤 煤业``),
which matches exactly the texts containing that substring — a two-character query is one
token; single characters are not searched (too common to be useful, too costly to merge). Filters are tokens of the same document (``zc`` +
category, ``za`` + every agency up the tree, ``zr`` + the 2/4/6-digit division code), so one
index answers keyword and filters together. Tokens hold only letters and digits: a query can
never inject index syntax.

Rows are keyed by ``sort_key`` = decision date (days) × 10⁹ + publication id: results come
newest first in key order, a date range is a key range, and both SQLite FTS5 (``ORDER BY
rowid DESC`` over the posting lists) and PostgreSQL (backward primary-key scan, or a GIN
bitmap for rare terms) stop after one page. Counts stop at ``COUNT_CAP``.

SQLite: an FTS5 table ``publicity_fts`` with the entry table as external content, kept in
step by triggers (migration 0002). PostgreSQL: a stored generated ``tsvector`` column ``tsv``
on the entry table with a GIN index (same migration).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

KEY_SCALE = 10**9
COUNT_CAP = 1_000
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_SEGMENT = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def segments(text: str) -> list[str]:
    return _SEGMENT.findall(normalise(text))


def segment_tokens(segment: str) -> list[str]:
    """安泰煤业 → 安泰 泰煤 煤业 业; a single character stays itself."""
    if len(segment) == 1:
        return [segment]
    return [segment[i : i + 2] for i in range(len(segment) - 1)] + [segment[-1]]


def document_tokens(texts: Iterable[str], filters: Iterable[str] = ()) -> str:
    tokens: list[str] = []
    for text in texts:
        for segment in segments(text):
            tokens += segment_tokens(segment)
    tokens += list(filters)
    return " ".join(tokens)


def filter_tokens(*, category: str, agency_ids: Iterable[int], region: str) -> list[str]:
    tokens = [f"zc{category}"] + [f"za{pk}" for pk in agency_ids]
    region = re.sub(r"\D", "", region or "")[:6]
    tokens += [f"zr{region[:n]}" for n in (2, 4, 6) if len(region) >= n]
    return tokens


def sort_key(decision_date: datetime.date, publication_id: int) -> int:
    return decision_date.toordinal() * KEY_SCALE + publication_id


def key_range(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[int, int]:
    low = (date_from or datetime.date(1900, 1, 1)).toordinal() * KEY_SCALE
    high = ((date_to or datetime.date(9999, 12, 30)).toordinal() + 1) * KEY_SCALE - 1
    return low, high


@dataclass(frozen=True)
class Term:
    """One query segment: a phrase of bigrams, or a one-character prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass
class SearchQuery:
    q: str = ""
    category: str = ""
    agency_id: int | None = None
    region: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    terms: list[Term] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        words = normalise(self.q).split()[:MAX_TERMS]
        for word in words:
            for segment in segments(word[:MAX_TERM_LENGTH]):
                if len(segment) == 1:
                    # One character matches most of a million records and would have to merge
                    # every posting list beginning with it (~0.5 s at 1M): not searched (ADR 0050).
                    self.ignored.append(segment)
                else:
                    self.terms.append(Term(tuple(segment_tokens(segment)[:-1])))

    @property
    def unsearchable(self) -> bool:
        """A keyword was given, but none of it can be searched (only single characters)."""
        return bool(self.ignored) and not self.terms

    @property
    def filters(self) -> list[str]:
        tokens = []
        if self.category:
            tokens.append(f"zc{self.category}")
        if self.agency_id:
            tokens.append(f"za{self.agency_id}")
        region = re.sub(r"\D", "", self.region or "")[:6]
        if len(region) in (2, 4, 6):
            tokens.append(f"zr{region}")
        return tokens

    @property
    def empty_text(self) -> bool:
        return not self.terms and not self.filters

    def fts5(self) -> str:
        parts = [f'"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in self.terms]
        parts += [f'"{token}"' for token in self.filters]
        return " AND ".join(parts)

    def tsquery(self) -> str:
        parts = [_ts_term(t) for t in self.terms] + self.filters
        return " & ".join(parts)

    def key_range(self) -> tuple[int, int]:
        return key_range(self.date_from, self.date_to)


def _ts_term(term: Term) -> str:
    if term.prefix:
        return f"{term.tokens[0]}:*"
    if len(term.tokens) == 1:
        return term.tokens[0]
    return "(" + " <-> ".join(term.tokens) + ")"


@dataclass(frozen=True)
class Hits:
    keys: list[int]
    total: int
    capped: bool


def statements(
    query: SearchQuery, *, offset: int, limit: int, few: bool = False
) -> tuple[tuple[str, list], tuple[str, list]]:
    """The page query and the (capped) count query, as SQL with parameters, for this database.

    ``few``: the capped count found fewer matches than the cap. On PostgreSQL the page is then
    read through the GIN bitmap behind an ``OFFSET 0`` fence, because the planner's estimate for
    a rare bigram can be 50× too high and its backward primary-key scan would then recheck the
    tsvector of a third of the table (seconds); with many matches that scan stops after a page.
    Exposed so that the benchmark can time the very same SQL raw.
    """
    low, high = query.key_range()
    table = "publicity_publicentry"
    if query.empty_text:
        where, params = "id BETWEEN %s AND %s", [low, high]
        page = (
            f"SELECT id FROM {table} WHERE {where} ORDER BY id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        count = (
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) AS capped",
            [*params, COUNT_CAP + 1],
        )
        return page, count
    if connection.vendor == "postgresql":
        where = "tsv @@ to_tsquery('simple', %s) AND id BETWEEN %s AND %s"
        params = [query.tsquery(), low, high]
        source = (
            f"(SELECT id FROM {table} WHERE {where} OFFSET 0) AS few"
            if few
            else f"{table} WHERE {where}"
        )
        page = (
            f"SELECT id FROM {source} ORDER BY id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        count = (
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) AS capped",
            [*params, COUNT_CAP + 1],
        )
        return page, count
    where = "publicity_fts MATCH %s AND rowid BETWEEN %s AND %s"
    params = [query.fts5(), low, high]
    page = (
        f"SELECT rowid FROM publicity_fts WHERE {where} ORDER BY rowid DESC LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    count = (
        f"SELECT count(*) FROM (SELECT rowid FROM publicity_fts WHERE {where} LIMIT %s)",
        [*params, COUNT_CAP + 1],
    )
    return page, count


def run(query: SearchQuery, *, offset: int, limit: int) -> Hits:
    """Keys of one page of matching entries, newest first, and the count (capped)."""
    if query.unsearchable:
        return Hits(keys=[], total=0, capped=False)
    _page, (count_sql, count_params) = statements(query, offset=offset, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        total = cursor.fetchone()[0]
        keys: list[int] = []
        if offset < total:
            (page_sql, page_params), _count = statements(
                query, offset=offset, limit=limit, few=total <= COUNT_CAP
            )
            cursor.execute(page_sql, page_params)
            keys = [row[0] for row in cursor.fetchall()]
    return Hits(keys=keys, total=min(total, COUNT_CAP), capped=total > COUNT_CAP)
