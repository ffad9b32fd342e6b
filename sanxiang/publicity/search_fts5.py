"""SQLite side of the result search (ADR 0050): an FTS5 table over the entries' tokens.

``publicity_fts`` has the entry table as external content and the entry's sort key as rowid
(migration 0002), so ``ORDER BY rowid DESC`` walks the posting lists newest first and stops
after one page; the capped count stops at the cap.
"""

from __future__ import annotations

from . import search


def page(query: search.SearchQuery, *, offset: int, limit: int) -> tuple[list[int], int]:
    """Keys of one page, newest first, and the number of matches counted up to the cap + 1."""
    low, high = query.key_range()
    return search.capped_page(
        "publicity_fts",
        "rowid",
        "publicity_fts MATCH %s AND rowid BETWEEN %s AND %s",
        [query.fts5(), low, high],
        offset=offset,
        limit=limit,
    )
