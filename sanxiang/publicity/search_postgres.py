"""PostgreSQL side of the result search (ADR 0050): year slices of a narrow tsvector table.

``publicity_searchvector`` (migration 0003) holds each entry's key and its tokens as an
uncompressed ``tsvector`` with a GIN index, partitioned by year of decision (the key is
decision date × 10⁹ + publication id). A search asks the years newest first:

1. in each year, *all* matches up to the number still needed for the capped count, through the
   GIN bitmap: for a year with fewer matches than that, this is every match of the year, which
   also gives its part of the page (sorted here);
2. in the year where the count reaches the cap, the rest of the page by a backward key scan
   that rechecks rows until the page is full: matches are dense there, so it stops early.

So a query reads at most ``cap`` + 1 matches and one page; a year's GIN posting lists are a
fraction of the whole; and the database never has to guess how many rows a phrase of common
bigrams matches (its estimates are off by 10–50×), because the plan of each step is fixed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import connection, transaction

from . import search

TABLE = "publicity_searchvector"
MATCH = f"SELECT id FROM {TABLE} WHERE tsv @@ to_tsquery('simple', %s) AND id BETWEEN %s AND %s"

# Each step has one good plan; the planner's choice between them rests on a row estimate it
# cannot make for phrases of correlated bigrams. SET LOCAL lasts until the outermost transaction
# ends: the search's own (a portal request has no other), or a caller's, whose later queries
# then plan with the same switches (their results are the same).
_BITMAP_PLAN = (
    "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true),"
    " set_config('enable_bitmapscan', 'on', true),"
    " set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
)
_KEY_SCAN_PLAN = "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', 'on', true)"


def year_slices(first: int, last: int) -> Iterator[tuple[int, int]]:
    """Key ranges of the calendar years from ``last`` back to ``first`` (keys), newest first."""
    year = datetime.date.fromordinal(last // search.KEY_SCALE).year
    while True:
        low = max(datetime.date(year, 1, 1).toordinal() * search.KEY_SCALE, first)
        high = min(
            datetime.date(year, 12, 31).toordinal() * search.KEY_SCALE + search.KEY_SCALE - 1, last
        )
        yield low, high
        if low <= first:
            return
        year -= 1


def page(query: search.SearchQuery, *, offset: int, limit: int, cap: int) -> tuple[list[int], int]:
    """Keys of one page, newest first, and the number of matches counted up to ``cap`` + 1."""
    low, high = query.key_range()
    terms = query.tsquery()
    wanted = offset + limit
    newest_first: list[int] = []
    still_to_count = cap + 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(id), max(id) FROM {search.ENTRY_TABLE} WHERE id BETWEEN %s AND %s",
            [low, high],
        )
        first, last = cursor.fetchone()
        if first is None:
            return [], 0
        cursor.execute(_BITMAP_PLAN)
        for slice_low, slice_high in year_slices(first, last):
            cursor.execute(f"{MATCH} LIMIT %s", [terms, slice_low, slice_high, still_to_count])
            found = [row[0] for row in cursor.fetchall()]
            if len(found) < still_to_count:
                newest_first += sorted(found, reverse=True)
                still_to_count -= len(found)
                continue
            missing = wanted - len(newest_first)
            if missing > 0:
                cursor.execute(_KEY_SCAN_PLAN)
                cursor.execute(
                    f"{MATCH} ORDER BY id DESC LIMIT %s", [terms, slice_low, slice_high, missing]
                )
                newest_first += [row[0] for row in cursor.fetchall()]
            return newest_first[offset:wanted], cap + 1
    return newest_first[offset:wanted], len(newest_first)
