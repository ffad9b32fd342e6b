"""The figures: per agency with its direct subordinates, for a period and the same period of last
year, and the list of records behind each figure (JL-USE-1, ADR 0170).

Each record is counted once, under the agency that handled it (the source's agency field); a
subordinate's figure is the sum over its whole subtree, and the agency's total is its own records
plus the sum of its subordinates'. The figures of most sources are read from per-agency, per-day
count rows recounted in the transaction of each write (ADR 0172, ``counts.py``), the others live
from the apps' tables (ADR 0170): either way a record written a moment ago is in the next page.
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.db.models import (
    Case,
    DecimalField,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.org.models import Agency

from .counts import aggregates, counted, live
from .indicators import RATIOS, Indicator, Source, indicator_get, ratio, sources

KINDS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | month
    year: int
    number: int = 1  # the quarter (1–4) or month (1–12); 1 for a year

    @classmethod
    def parse(cls, kind: Any, year: Any, number: Any, today: datetime.date) -> Period:
        """A period from the query string; anything malformed falls back to the current one."""
        kind = kind if kind in KINDS else "year"
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = today.year
        if not 2000 <= year <= 2100:
            year = today.year
        limit = {"year": 1, "quarter": 4, "month": 12}[kind]
        default = {"year": 1, "quarter": (today.month - 1) // 3 + 1, "month": today.month}[kind]
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = default
        if not 1 <= number <= limit:
            number = default
        return cls(kind, year, number)

    @property
    def start(self) -> datetime.date:
        if self.kind == "year":
            return datetime.date(self.year, 1, 1)
        if self.kind == "quarter":
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, self.number, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == "year":
            return datetime.date(self.year, 12, 31)
        last_month = 3 * self.number if self.kind == "quarter" else self.number
        first_next = (
            datetime.date(self.year + 1, 1, 1)
            if last_month == 12
            else datetime.date(self.year, last_month + 1, 1)
        )
        return first_next - datetime.timedelta(days=1)

    def last_year(self) -> Period:
        return Period(self.kind, self.year - 1, self.number)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(y)d年") % {"y": self.year}
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度") % {"y": self.year, "q": self.number}
        return _("%(y)d年%(m)d月") % {"y": self.year, "m": self.number}

    def query(self) -> dict[str, Any]:
        return {"period": self.kind, "year": self.year, "n": self.number}


def period_q(source: Source, period: Period) -> Q:
    """The records of ``source`` whose date falls in ``period`` (local days)."""
    return day_range_q(source, period.start, period.end)


def day_range_q(
    source: Source, first: datetime.date | None, last: datetime.date | None = None
) -> Q:
    """The records of ``source`` dated from local day ``first`` to ``last`` (either open)."""
    q = Q()
    if source.is_datetime:
        if first is not None:
            start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
            q &= Q(**{f"{source.date_field}__gte": start})
        if last is not None:
            end = timezone.make_aware(
                datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
            )
            q &= Q(**{f"{source.date_field}__lt": end})
        return q
    if first is not None:
        q &= Q(**{f"{source.date_field}__gte": first})
    if last is not None:
        q &= Q(**{f"{source.date_field}__lte": last})
    return q


def records(
    *,
    user: Any,
    indicator: Indicator,
    agency: Agency,
    own_only: bool,
    period: Period,
    today: datetime.date,
) -> QuerySet:
    """The records behind one figure: the same queryset, condition and period as the figure."""
    source = indicator.source
    qs = source.queryset().restrict(user)
    if own_only:
        qs = qs.filter(**{source.agency_field: agency})
    else:
        qs = qs.filter(**{f"{source.agency_field}__path__startswith": agency.path})
    return qs.filter(period_q(source, period)).filter(indicator.condition(today)).order_by("pk")


def total_of(qs: QuerySet, indicator: Indicator) -> Decimal | int:
    if indicator.is_amount:
        return qs.aggregate(v=Sum(indicator.amount_field))["v"] or 0
    return qs.count()


@dataclass
class Cell:
    value: Decimal | int
    url: str


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell]  # own, each subordinate, total
    previous: Cell  # the total of the same period last year

    @property
    def total(self) -> Cell:
        return self.cells[-1]

    @property
    def change(self) -> Decimal | None:
        if not self.previous.value:
            return None
        return ratio(self.total.value - self.previous.value, self.previous.value)


@dataclass
class Column:
    agency: Agency
    kind: str  # own | sub | total
    label: str
    drill_url: str = ""


class RatioRow(NamedTuple):
    """A rate or mean: of the period's total, of the same period last year, and per column
    (本级, each subordinate, 合计) — so a sub-bureau's mean score is on its superior's page."""

    label: Any
    now: Decimal | None
    before: Decimal | None
    unit: Any  # "%" or a mean's unit such as 分
    cells: list[Decimal | None]


@dataclass
class Table:
    agency: Agency
    period: Period
    previous: Period
    columns: list[Column]
    groups: list[tuple[Any, list[Row]]] = field(default_factory=list)
    ratios: list[RatioRow] = field(default_factory=list)

    def rows(self) -> list[Row]:
        return [row for _group, rows in self.groups for row in rows]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows() if r.indicator.key == key)


def list_url(indicator: Indicator, agency: Agency, own_only: bool, period: Period) -> str:
    query = {"agency": agency.pk, **period.query()}
    if own_only:
        query["own"] = 1
    return reverse("supervision:statistics_list", args=[indicator.key]) + "?" + urlencode(query)


def page_url(agency: Agency, period: Period) -> str:
    return (
        reverse("supervision:statistics") + "?" + urlencode({"agency": agency.pk, **period.query()})
    )


Values = dict[str, dict[tuple[int, int], Any]]  # indicator → (agency id, in period?) → value


def _live_values(
    *,
    user: Any,
    agency: Agency,
    period: Period,
    source: Source,
    indicators: list[Indicator],
    today: datetime.date,
    since: datetime.date | None = None,
) -> Values:
    """One grouped query over the source's records of both periods for ``indicators`` (ADR 0170),
    dated ``since`` that day if given. When each of them has a condition, the records matching
    none are left out in the WHERE (ADR 0243)."""
    current_q = period_q(source, period)
    qs = (
        source.queryset()
        .restrict(user)
        .filter(**{f"{source.agency_field}__path__startswith": agency.path})
        .filter(current_q | period_q(source, period.last_year()))
    )
    if since is not None:
        qs = qs.filter(day_range_q(source, since))
    conditions = [indicator.condition(today) for indicator in indicators]
    if all(conditions) and not any(indicator.is_amount for indicator in indicators):
        qs = qs.filter(reduce(operator.or_, conditions))
    rows = (
        qs.annotate(
            in_period=Case(
                When(current_q, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by()
        .values(source.agency_field, "in_period")
        .annotate(**aggregates(indicators, today))
    )
    values: Values = {indicator.key: {} for indicator in indicators}
    for row in rows:
        key = (row[source.agency_field], row["in_period"])
        for indicator in indicators:
            values[indicator.key][key] = row[indicator.key] or 0
    return values


def _counted_values(
    *, user: Any, agency: Agency, period: Period, indicators: list, today: datetime.date
) -> tuple[Values, Values]:
    """The counted indicators' values from the count rows kept in the writing transaction
    (ADR 0172, 0243): one query for all of them, over the months of the two periods. Also the
    part of each value from the months that are over (before today's month), which the
    indicators that read today take from the count rows (``Indicator.settled_as``)."""
    from sanxiang.supervision.models import StatisticsCount

    if not indicators:
        return {}, {}
    previous = period.last_year()
    current = Q(month__gte=period.start, month__lte=period.end)
    rows = (
        StatisticsCount.objects.restrict(user)
        .filter(indicator__in=[i.key for i in indicators], agency__path__startswith=agency.path)
        .filter(current | Q(month__gte=previous.start, month__lte=previous.end))
        .annotate(
            in_period=Case(
                When(current, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            over=Case(
                When(month__lt=today.replace(day=1), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values_list("indicator", "agency", "in_period", "over")
        .annotate(total=Sum("value"))
    )
    # counts and integer sums as integers, money as the Decimal the live sum gives
    money = {
        i.key
        for i in indicators
        if i.is_amount
        and isinstance(i.source.queryset().model._meta.get_field(i.amount_field), DecimalField)
    }
    values: Values = {i.key: {} for i in indicators}
    settled: Values = {i.key: {} for i in indicators}
    for key, agency_id, in_period, over, total in rows:
        total = total if key in money else int(total)
        cell = (agency_id, in_period)
        values[key][cell] = values[key].get(cell, 0) + total
        if over:
            settled[key][cell] = total
    return values, settled


def _settled_parts(source: Source, indicator: Indicator, counted_keys: set[str]) -> bool:
    parts = indicator.settled_as
    return bool(parts) and all(
        key in counted_keys and indicator_get(key).source is source for key in parts
    )


def compute(*, user: Any, agency: Agency, period: Period, today: datetime.date) -> Table:
    """The figures of ``agency`` (own records), of each direct subordinate (its subtree) and the
    total, for ``period`` and the total of the same period last year: one query over the count
    rows, and one grouped query per source with an indicator that reads today (ADR 0243)."""
    previous = period.last_year()
    subordinates = list(agency.children.order_by("path"))
    paths = dict(Agency.objects.filter(path__startswith=agency.path).values_list("pk", "path"))
    columns = [Column(agency, "own", _("本级"))]
    columns += [
        Column(sub, "sub", sub.short_name or sub.name, page_url(sub, period))
        for sub in subordinates
    ]
    columns.append(Column(agency, "total", _("合计")))
    table = Table(agency, period, previous, columns)
    # which cell each agency's records go to: 0 its own column, i the i-th subordinate's subtree
    slot: dict[int, int] = {agency.pk: 0}
    for agency_id, path in paths.items():
        for index, sub in enumerate(subordinates, start=1):
            if path.startswith(sub.path):
                slot[agency_id] = index
                break
    counted_indicators = [i for s in sources() for i in counted(s)]
    values, settled = _counted_values(
        user=user, agency=agency, period=period, indicators=counted_indicators, today=today
    )
    counted_keys = {i.key for i in counted_indicators}
    this_month = today.replace(day=1)
    for source in sources():
        wanted = live(source)
        split = [i for i in wanted if _settled_parts(source, i, counted_keys)]
        whole = [i for i in wanted if i not in split]
        if whole:
            values.update(
                _live_values(
                    user=user,
                    agency=agency,
                    period=period,
                    source=source,
                    indicators=whole,
                    today=today,
                )
            )
        if split:
            # the months that are over from the count rows, this month and later live
            recent = _live_values(
                user=user,
                agency=agency,
                period=period,
                source=source,
                indicators=split,
                today=today,
                since=this_month,
            )
            for indicator in split:
                plus, minus = (settled[key] for key in indicator.settled_as)
                merged = dict(recent[indicator.key])
                for cell in set(plus) | set(minus):
                    merged[cell] = merged.get(cell, 0) + plus.get(cell, 0) - minus.get(cell, 0)
                values[indicator.key] = merged
    # the query strings of the lists behind the cells, the same for every indicator (list_url)
    query = period.query()
    own_query = urlencode({"agency": agency.pk, **query, "own": 1})
    sub_queries = [urlencode({"agency": sub.pk, **query}) for sub in subordinates]
    total_query = urlencode({"agency": agency.pk, **query})
    previous_query = urlencode({"agency": agency.pk, **previous.query()})
    list_prefix = reverse("supervision:statistics_list", args=["-"])[:-2]
    grouped: dict[Any, list[Row]] = {}
    for source in sources():
        for indicator in source.indicators:
            base = f"{list_prefix}{indicator.key}/?"
            sums = [0] * (len(subordinates) + 1)
            before = 0
            for (agency_id, in_period), value in values.get(indicator.key, {}).items():
                if not in_period:
                    before += value
                elif agency_id in slot:
                    sums[slot[agency_id]] += value
            cells = [Cell(sums[0], base + own_query)]
            cells += [
                Cell(sums[index], base + sub_queries[index - 1])
                for index in range(1, len(subordinates) + 1)
            ]
            cells.append(Cell(sum(sums), base + total_query))
            previous_cell = Cell(before, base + previous_query)
            grouped.setdefault(indicator.group, []).append(Row(indicator, cells, previous_cell))
    table.groups = list(grouped.items())
    for item in RATIOS:
        numerator, denominator = indicator_get(item.numerator), indicator_get(item.denominator)
        if numerator is None or denominator is None:
            continue
        top, bottom = table.row(item.numerator), table.row(item.denominator)
        percent = item.unit == "%"
        table.ratios.append(
            RatioRow(
                item.label,
                ratio(top.total.value, bottom.total.value, percent),
                ratio(top.previous.value, bottom.previous.value, percent),
                item.unit,
                [
                    ratio(n.value, d.value, percent)
                    for n, d in zip(top.cells, bottom.cells, strict=True)
                ],
            )
        )
    return table
