"""一矿一档 (JL-ARC-3): a coal mine's whole enforcement history as one timeline (ADR 0126).

The registry owns the mine page, but not the records: inspections, findings, measures, cases,
documents, recordings, reviews and publications belong to their apps, and archive units,
disposal tombstones and complaints come later. So the timeline is assembled from **sources**
that each app registers in its ``AppConfig.ready``::

    from sanxiang.registry.timeline import register_timeline_source
    register_timeline_source(minefile.feeds)

A source is ``source(user, mine) -> Iterable[Feed]``. A :class:`Feed` is one kind of event: the
rows of that kind about ``mine`` **that ``user`` may read** (the app's own selector, so the
rule of ADR 0065 stays in one place), the date column to order and filter by, and a function
turning a list of rows into events (one per row, in order; it may prefetch in bulk). The engine
here never looks inside another app's models: it filters every feed by date range and agency,
counts each feed with one query, reads only as many rows of each as the page needs (one query
per feed plus the feed's prefetches), and merges them newest first. A mine with thousands of
events costs the same number of queries as a mine with ten.

Documents and recordings are not linked to the mine directly but to a *subject* (an
inspection plan, an inspection, a case, the mine itself); apps that own such subjects say
which of theirs belong to a mine with :func:`register_mine_subjects`, and the documents and
evidence feeds ask :func:`mine_subject_q`.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db.models import CharField, DateTimeField, F, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from sanxiang.org.models import Agency

from .models import CoalMine


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a mine's file, in words: nothing here is an id or a code a person sees."""

    when: datetime.date | datetime.datetime
    title: str
    summary: str = ""
    who: str = ""  # the people who did it, by name
    agency: str = ""  # the agency whose record it is, by name
    url: str = ""  # the record's page; "" when there is none the viewer may open
    badge: str = ""  # a short state in words (已作废, 重大事故隐患)
    object_type: str = ""  # ``app.model`` of the record (for exports and tests, never shown)
    object_id: str = ""
    kind: str = ""  # set by the engine from the feed
    kind_label: str = ""  # set by the engine from the feed

    @property
    def day(self) -> datetime.date:
        if isinstance(self.when, datetime.datetime):
            return (
                timezone.localtime(self.when).date()
                if timezone.is_aware(self.when)
                else self.when.date()
            )
        return self.when

    @property
    def time(self) -> datetime.time | None:
        if isinstance(self.when, datetime.datetime):
            moment = timezone.localtime(self.when) if timezone.is_aware(self.when) else self.when
            return moment.time()
        return None


@dataclass(frozen=True)
class Feed:
    """One kind of event of one mine, as the owning app reads it for one user."""

    kind: str  # a short key, unique across sources ("inspection", "archive_unit")
    label: str  # the kind in words ("现场检查")
    order: int  # position among the kinds (counts bar, filter list)
    rows: QuerySet  # the readable rows of this kind about the mine, not sliced
    date_field: str  # a field or annotation of ``rows`` (date or date-time, never null)
    to_events: Callable[[list[Model]], list[TimelineEvent]]  # one event per row, in order
    agency_path: str = "agency__path"  # lookup of the record's agency path (agency filter)

    @cached_property
    def has_time(self) -> bool:
        annotation = self.rows.query.annotations.get(self.date_field)
        field = (
            annotation.output_field
            if annotation is not None
            else self.rows.model._meta.get_field(self.date_field)
        )
        return isinstance(field, DateTimeField)


TimelineSource = Callable[[Any, CoalMine], Iterable[Feed]]

_SOURCES: dict[str, TimelineSource] = {}
_SUBJECTS: dict[str, Callable[[CoalMine], QuerySet]] = {}


def register_timeline_source(source: TimelineSource) -> None:
    """Add ``source(user, mine) -> Iterable[Feed]`` to every mine's file (idempotent)."""
    _SOURCES[f"{source.__module__}.{source.__qualname__}"] = source


def register_mine_subjects(object_type: str, rows: Callable[[CoalMine], QuerySet]) -> None:
    """Say which records of ``object_type`` (``app.model``) are about a mine: ``rows(mine)``
    returns them (unrestricted: whoever reads documents or recordings linked to them applies
    his own rule)."""
    _SUBJECTS[object_type] = rows


def mine_subject_q(
    mine: CoalMine, *, type_field: str = "subject_type", id_field: str = "subject_id"
) -> Q:
    """Rows whose ``(type_field, id_field)`` names a record about ``mine`` (one subquery per
    subject type; the id column is text, so the keys are compared as text)."""
    query = Q(pk__in=[])
    for object_type, rows in _SUBJECTS.items():
        keys = rows(mine).order_by().annotate(_key=Cast("pk", CharField())).values("_key")
        query |= Q(**{type_field: object_type, f"{id_field}__in": keys})
    return query


@dataclass(frozen=True)
class TimelineFilter:
    kinds: frozenset[str] = frozenset()  # empty: every kind
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    agency: Agency | None = None  # this agency and those below it


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int
    selected: bool


def _sort_key(value: Any) -> datetime.datetime:
    """Dates and local date-times on one scale (a date sorts at the start of its day)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time.min)
    return datetime.datetime.min


def _filtered(feed: Feed, flt: TimelineFilter) -> Feed:
    rows = feed.rows
    day = f"{feed.date_field}__date" if feed.has_time else feed.date_field
    if flt.date_from:
        rows = rows.filter(**{f"{day}__gte": flt.date_from})
    if flt.date_to:
        rows = rows.filter(**{f"{day}__lte": flt.date_to})
    if flt.agency is not None:
        rows = rows.filter(**{f"{feed.agency_path}__startswith": flt.agency.path})
    rows = rows.order_by(F(feed.date_field).desc(nulls_last=True), "-pk")
    return replace(feed, rows=rows)


class MineTimeline:
    """The filtered timeline of one mine for one user: counts per kind, and events newest first.

    Sliceable and countable, so Django's ``Paginator`` pages it like a queryset; a page reads
    ``stop`` rows of each selected feed at most.
    """

    def __init__(self, *, user: Any, mine: CoalMine, flt: TimelineFilter | None = None):
        self.user, self.mine, self.flt = user, mine, flt or TimelineFilter()
        feeds = [feed for source in _SOURCES.values() for feed in source(user, mine)]
        self._unfiltered = sorted(feeds, key=lambda f: f.order)
        self.feeds = [_filtered(f, self.flt) for f in self._unfiltered]

    def with_filter(self, flt: TimelineFilter) -> MineTimeline:
        """The same mine and viewer under another filter (the sources are not asked again)."""
        other = object.__new__(MineTimeline)
        other.user, other.mine, other.flt = self.user, self.mine, flt
        other._unfiltered = self._unfiltered
        other.feeds = [_filtered(f, flt) for f in self._unfiltered]
        return other

    @cached_property
    def counts(self) -> list[KindCount]:
        """Every kind with its number of events in the date range and agency (one query each)."""
        return [KindCount(f.kind, f.label, f.rows.count(), self._selected(f)) for f in self.feeds]

    def kinds(self) -> list[tuple[str, str]]:
        return [(f.kind, f.label) for f in self.feeds]

    def _selected(self, feed: Feed) -> bool:
        return not self.flt.kinds or feed.kind in self.flt.kinds

    def count(self) -> int:
        return sum(c.count for c in self.counts if c.selected)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise ValueError("a timeline is sliced without a step")
            return self.events(key.start or 0, key.stop)
        return self.events(key, key + 1)[0]

    def events(self, start: int = 0, stop: int | None = None) -> list[TimelineEvent]:
        """Events ``start:stop`` of the merged timeline, newest first (``stop`` None: all)."""
        chosen = list(itertools.islice(self._merged(stop), start, stop))
        by_feed: dict[int, list[Model]] = {}
        for _key, index, row in chosen:
            by_feed.setdefault(index, []).append(row)
        made: dict[tuple[int, Any], TimelineEvent] = {}
        for index, rows in by_feed.items():
            feed = self.feeds[index]
            events = feed.to_events(rows)
            for row, event in zip(rows, events, strict=True):
                made[(index, row.pk)] = replace(event, kind=feed.kind, kind_label=feed.label)
        return [made[(index, row.pk)] for _key, index, row in chosen]

    def _merged(self, stop: int | None) -> Iterator[tuple[tuple, int, Model]]:
        streams = [
            _keyed(index, feed, feed.rows if stop is None else feed.rows[:stop])
            for index, feed in enumerate(self.feeds)
            if self._selected(feed)
        ]
        return heapq.merge(*streams, key=lambda item: item[0], reverse=True)


def _keyed(index: int, feed: Feed, rows: QuerySet) -> Iterator[tuple[tuple, int, Model]]:
    """The rows of one feed with their merge key (date, feed position, pk), newest first."""
    for row in rows:
        yield (_sort_key(getattr(row, feed.date_field)), -index, row.pk), index, row


def names(people: Iterable[Any]) -> str:
    """“李明、王强”: staff as people call them."""
    return "、".join(str(p) for p in people)
