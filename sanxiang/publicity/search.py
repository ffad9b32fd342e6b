"""Chinese search over published results: character bigrams in the database's own full-text
index (ADR 0050).

A published result's *public* text (never the withheld original) is cut into segments of
letters and digits; each segment becomes its character bigrams in order, followed by its
last character, so "安泰煤业" is indexed as ``安泰 泰煤 煤业 业``. A query is cut the same way
and each segment becomes a phrase of its bigrams ("安泰煤业" → the phrase ``安泰 泰煤 煤业``),
which matches exactly the texts containing that substring — a two-character query is one
token; single characters are not searched (too common to be useful, too costly to merge).
Filters are tokens of the same document (``zc`` + category, ``za`` + every agency up the tree,
``zr`` + the 2/4/6-digit division code), so one index answers keyword and filters together. Tokens hold only letters and digits: a query can
never inject index syntax.

Rows are keyed by ``sort_key`` = decision date (days) × 10⁹ + publication id: results come
newest first in key order and a date range is a key range, so each engine can stop after one
page. Counts stop at ``COUNT_CAP``.

SQLite (``search_fts5``): an FTS5 table ``publicity_fts`` with the entry table as external
content, kept in step by triggers (migration 0002). PostgreSQL (``search_postgres``): a narrow
``tsvector`` table partitioned by year with a GIN index per year, kept in step by triggers
(migration 0003), searched year by year, newest first.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from . import search_fts5, search_postgres

ENTRY_TABLE = "publicity_publicentry"
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


# A whole number: the issuing organ's code (two or more characters), 〔year〕, sequence, 号.
# A partial number such as 〔2026〕12号 stays a keyword search.
_NUMBER_SHAPE = re.compile(r"^\S{2,}[〔\[]\d{4}[〕\]]\d+号$")
_BRACKETS = str.maketrans({"［": "[", "］": "]", "【": "[", "】": "]", "〈": "[", "〉": "]"})


def document_key(number: str) -> str:
    """A document number as compared for an exact match: letters and digits only, NFKC,
    lower case — 测（甲）煤安罚〔2026〕1号, 测(甲)煤安罚[2026]1号 and 测甲煤安罚〔2026〕1号 are
    the same key, 测（乙）…1号 and …11号 are not (the year has four digits, so no two numbers
    collide)."""
    return "".join(segments(number or ""))


def looks_like_document_number(q: str) -> bool:
    """A query that is one whole document number (… 〔YYYY〕 … 号): answered by exact match."""
    text = unicodedata.normalize("NFKC", (q or "").strip()).translate(_BRACKETS)
    return 0 < len(text) <= 100 and bool(_NUMBER_SHAPE.match(text))


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


def run(query: SearchQuery, *, offset: int, limit: int) -> Hits:
    """Keys of one page of matching entries, newest first, and the count (capped).

    Each database has its own engine (``search_fts5``, ``search_postgres``); a query without
    keywords or filters is a plain range of keys and needs neither.
    """
    if query.unsearchable:
        return Hits(keys=[], total=0, capped=False)
    if query.empty_text:
        keys, total = _key_range_page(query, offset=offset, limit=limit)
    elif connection.vendor == "postgresql":
        keys, total = search_postgres.page(query, offset=offset, limit=limit, cap=COUNT_CAP)
    else:
        keys, total = search_fts5.page(query, offset=offset, limit=limit)
    return Hits(keys=keys, total=min(total, COUNT_CAP), capped=total > COUNT_CAP)


def _key_range_page(query: SearchQuery, *, offset: int, limit: int) -> tuple[list[int], int]:
    low, high = query.key_range()
    return capped_page(
        ENTRY_TABLE, "id", "id BETWEEN %s AND %s", [low, high], offset=offset, limit=limit
    )


def capped_page(
    table: str, key: str, where: str, params: list, *, offset: int, limit: int
) -> tuple[list[int], int]:
    """One page of ``key`` values, largest first, and the number of rows matching ``where``
    counted up to ``COUNT_CAP`` + 1 (a single index walk each, both stopping early)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) AS capped",
            [*params, COUNT_CAP + 1],
        )
        total = cursor.fetchone()[0]
        if offset >= total:
            return [], total
        cursor.execute(
            f"SELECT {key} FROM {table} WHERE {where} ORDER BY {key} DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total
