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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
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

from .counts import aggregates, rolled_up
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
    if source.is_datetime:
        start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
        end = timezone.make_aware(
            datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
        )
        return Q(**{f"{source.date_field}__gte": start, f"{source.date_field}__lt": end})
    return Q(**{f"{source.date_field}__gte": period.start, f"{source.date_field}__lte": period.end})


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


@dataclass
class Table:
    agency: Agency
    period: Period
    previous: Period
    columns: list[Column]
    groups: list[tuple[Any, list[Row]]] = field(default_factory=list)
    # (label, this period, same period last year, unit: "%" or a mean's unit such as 分)
    ratios: list[tuple[Any, Decimal | None, Decimal | None, Any]] = field(default_factory=list)

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


def _live_rows(
    *, user: Any, agency: Agency, period: Period, source: Source, today: datetime.date
) -> list[dict]:
    """One grouped query over the source's records of both periods (ADR 0170)."""
    current_q = period_q(source, period)
    qs = (
        source.queryset()
        .restrict(user)
        .filter(**{f"{source.agency_field}__path__startswith": agency.path})
        .filter(current_q | period_q(source, period.last_year()))
        .annotate(
            in_period=Case(
                When(current_q, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by()
        .values(source.agency_field, "in_period")
        .annotate(**aggregates(source, today))
    )
    return list(qs)


def _count_rows(
    *, user: Any, agency: Agency, period: Period, rolled: list[Source]
) -> dict[str, list[dict]]:
    """The rolled-up sources' rows in the shape of ``_live_rows``, from the count rows kept in
    the writing transaction (ADR 0172): one query for all of them."""
    from sanxiang.supervision.models import StatisticsCount

    if not rolled:
        return {}
    previous = period.last_year()
    owner = {i.key: (s, i) for s in rolled for i in s.indicators}
    current = Q(day__gte=period.start, day__lte=period.end)
    qs = (
        StatisticsCount.objects.restrict(user)
        .filter(indicator__in=list(owner), agency__path__startswith=agency.path)
        .filter(current | Q(day__gte=previous.start, day__lte=previous.end))
        .annotate(
            in_period=Case(
                When(current, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by()
        .values("indicator", "agency", "in_period")
        .annotate(total=Sum("value"))
    )
    merged: dict[str, dict[tuple[int, int], dict]] = {s.key: {} for s in rolled}
    money = {
        s.key: {
            i.key
            for i in s.indicators
            if i.is_amount
            and isinstance(s.queryset().model._meta.get_field(i.amount_field), DecimalField)
        }
        for s in rolled
    }
    for item in qs:
        source, indicator = owner[item["indicator"]]
        row = merged[source.key].setdefault(
            (item["agency"], item["in_period"]),
            {source.agency_field: item["agency"], "in_period": item["in_period"]},
        )
        # counts and integer sums as integers, money as the Decimal the live sum gives
        total = item["total"]
        row[indicator.key] = total if indicator.key in money[source.key] else int(total)
    return {key: list(rows.values()) for key, rows in merged.items()}


def compute(*, user: Any, agency: Agency, period: Period, today: datetime.date) -> Table:
    """The figures of ``agency`` (own records), of each direct subordinate (its subtree) and the
    total, for ``period`` and the total of the same period last year: one grouped query per
    source."""
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
    grouped: dict[Any, list[Row]] = {}
    rolled = [s for s in sources() if rolled_up(s)]
    counted = _count_rows(user=user, agency=agency, period=period, rolled=rolled)
    for source in sources():
        if source.key in counted:
            rows = counted[source.key]
        else:
            rows = _live_rows(user=user, agency=agency, period=period, source=source, today=today)
        for indicator in source.indicators:
            sums = {"own": 0, "prev": 0, **{sub.pk: 0 for sub in subordinates}}
            for row in rows:
                value = row.get(indicator.key) or 0
                if not row["in_period"]:
                    sums["prev"] += value
                    continue
                agency_id = row[source.agency_field]
                if agency_id == agency.pk:
                    sums["own"] += value
                    continue
                path = paths.get(agency_id, "")
                for sub in subordinates:
                    if path.startswith(sub.path):
                        sums[sub.pk] += value
                        break
            cells = [Cell(sums["own"], list_url(indicator, agency, True, period))]
            cells += [
                Cell(sums[sub.pk], list_url(indicator, sub, False, period)) for sub in subordinates
            ]
            total = sums["own"] + sum(sums[sub.pk] for sub in subordinates)
            cells.append(Cell(total, list_url(indicator, agency, False, period)))
            previous_cell = Cell(sums["prev"], list_url(indicator, agency, False, previous))
            grouped.setdefault(indicator.group, []).append(Row(indicator, cells, previous_cell))
    table.groups = list(grouped.items())
    for item in RATIOS:
        numerator, denominator = indicator_get(item.numerator), indicator_get(item.denominator)
        if numerator is None or denominator is None:
            continue
        now_n, now_d = table.row(item.numerator), table.row(item.denominator)
        percent = item.unit == "%"
        table.ratios.append(
            (
                item.label,
                ratio(now_n.total.value, now_d.total.value, percent),
                ratio(now_n.previous.value, now_d.previous.value, percent),
                item.unit,
            )
        )
    return table
