"""SQLite side of the result search (ADR 0050): an FTS5 table over the entries' tokens.

``publicity_fts`` has the entry table as external content and the entry's sort key as rowid
(migration 0002), so ``ORDER BY rowid DESC`` walks the posting lists newest first and stops
after one page; the capped count stops at the cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from .search import SearchQuery


def page(query: SearchQuery, *, offset: int, limit: int, cap: int) -> tuple[list[int], int]:
    """Keys of one page, newest first, and the number of matches counted up to ``cap`` + 1."""
    low, high = query.key_range()
    where = "publicity_fts MATCH %s AND rowid BETWEEN %s AND %s"
    params = [query.fts5(), low, high]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM publicity_fts WHERE {where} LIMIT %s)",
            [*params, cap + 1],
        )
        total = cursor.fetchone()[0]
        if offset >= total:
            return [], total
        cursor.execute(
            f"SELECT rowid FROM publicity_fts WHERE {where} ORDER BY rowid DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total
