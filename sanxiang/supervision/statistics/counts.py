"""Per-agency, per-month count rows of the statistics, kept in the transaction of each write
(ADR 0172; per month since ADR 0243).

An indicator is *counted* when its condition does not depend on today's date and its source's
model's reading rule is the agency scope through the source's agency field (so restricting the
count rows to the user's scope equals restricting the records). The indicators of a source that
read today (逾期未整改, 核查逾期) stay live queries; the others of the same source are counted
(ADR 0243: a today-dependent indicator no longer keeps its whole source live). For a source with
counted indicators, every save or delete of one of its records — or of a record its agency or
date is read through (the inspection of a finding, the case of a payment) — recounts the affected
``(agency, month)`` keys from the records themselves (a recount, not ±1: nothing can drift),
before and after the change, inside the caller's transaction. ``recount_all`` rebuilds
everything (``manage.py statistics_recount``).

Months, not days: every period the page offers is made of whole months (year, quarter, month),
so a year page and its comparison read 24 rows per indicator and agency, whatever the history.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from .indicators import Indicator, Source, sources

Key = tuple[int, datetime.date]  # (agency id, first day of the local month)

_local = threading.local()  # keys seen before a save or delete, per thread, until after it


def _pending() -> dict:
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending


def countable(source: Source) -> bool:
    """The source's records are read on the agency scope through its own agency field, so the
    count rows (read on ``agency__path``) are restricted exactly as the records are."""
    model = source.queryset().model
    return getattr(model, "scope_path_lookup", None) == f"{source.agency_field}__path"


def counted(source: Source) -> list[Indicator]:
    """The indicators of ``source`` read from the count rows."""
    if not countable(source):
        return []
    return [indicator for indicator in source.indicators if not indicator.uses_today]


def live(source: Source) -> list[Indicator]:
    """The indicators of ``source`` read live from the records on each request."""
    kept = {indicator.key for indicator in counted(source)}
    return [indicator for indicator in source.indicators if indicator.key not in kept]


def rolled_sources() -> list[Source]:
    return [s for s in sources() if counted(s)]


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month(source: Source):
    return TruncMonth(source.date_field, output_field=models.DateField())


def months_q(source: Source, months: Iterable[datetime.date]) -> Q:
    """The records of ``source`` dated in one of ``months`` (local months), as index-friendly
    ranges on the date field."""
    q = Q()
    for month in sorted(set(months)):
        start, end = month, next_month(month)
        if source.is_datetime:
            start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
            end = timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))
        q |= Q(**{f"{source.date_field}__gte": start, f"{source.date_field}__lt": end})
    return q


def _keys(source: Source, qs) -> set[Key]:
    rows = (
        qs.filter(**{f"{source.date_field}__isnull": False})
        .order_by()
        .annotate(stat_month=_month(source))
        .values_list(source.agency_field, "stat_month")
        .distinct()
    )
    return {(a, m) for a, m in rows if a is not None and m is not None}


def aggregates(indicators: Iterable[Indicator], today: datetime.date) -> dict:
    """One aggregate per indicator (a count, or a sum for amounts)."""
    named = {}
    for indicator in indicators:
        condition = indicator.condition(today)
        extra = {"filter": condition} if condition else {}
        if indicator.is_amount:
            named[indicator.key] = Sum(indicator.amount_field, **extra)
        else:
            named[indicator.key] = Count("pk", **extra)
    return named


def _lock(keys: Iterable[Key]) -> None:
    """Serialize the recounts of one ``(agency, month)`` on PostgreSQL until the transaction ends.

    Under READ COMMITTED two transactions writing records of the same agency and month would each
    recount without the other's uncommitted record, and the second's insert would then break the
    unique key (or, in another order, leave a count one short). With a transaction-level advisory
    lock per key taken before the recount, the second waits for the first to commit and its
    recount — a new statement, a new snapshot — sees both records. One lock per agency and month,
    whatever the source (re-entrant within a transaction), taken in sorted order, so the usual
    transaction (one unit, one month) holds one lock and two cannot wait on each other. SQLite
    already writes one transaction at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for agency_id, month in sorted(set(keys)):
            digest = hashlib.blake2b(
                f"statistics:{agency_id}:{month:%Y-%m}".encode(), digest_size=8
            ).digest()
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
            )


def recount(source: Source, keys: Iterable[Key]) -> None:
    """Recount the rows of ``source``'s counted indicators for ``keys`` from the records."""
    from sanxiang.supervision.models import StatisticsCount

    keys = set(keys)
    by_agency: dict[int, set[datetime.date]] = defaultdict(set)
    for agency_id, month in keys:
        by_agency[agency_id].add(month)
    indicators = counted(source)
    if not by_agency or not indicators:
        return
    _lock(keys)
    today = timezone.localdate()
    names = [i.key for i in indicators]
    for agency_id, months in by_agency.items():
        rows = (
            source.queryset()
            .filter(**{source.agency_field: agency_id})
            .filter(months_q(source, months))
            .order_by()
            .annotate(stat_month=_month(source))
            .values("stat_month")
            .annotate(**aggregates(indicators, today))
        )
        StatisticsCount.objects.filter(
            indicator__in=names, agency_id=agency_id, month__in=months
        ).delete()
        StatisticsCount.objects.bulk_create(
            StatisticsCount(
                indicator=key, agency_id=agency_id, month=row["stat_month"], value=value
            )
            for row in rows
            for key in names
            if (value := row[key] or 0)
        )


def recount_all() -> int:
    """Rebuild every count row from the records (after a restore or a bulk load)."""
    from sanxiang.supervision.models import StatisticsCount

    StatisticsCount.objects.all().delete()
    written = 0
    today = timezone.localdate()
    for source in rolled_sources():
        indicators = counted(source)
        names = [i.key for i in indicators]
        rows = (
            source.queryset()
            .filter(**{f"{source.date_field}__isnull": False})
            .order_by()
            .annotate(stat_month=_month(source))
            .values(source.agency_field, "stat_month")
            .annotate(**aggregates(indicators, today))
        )
        batch = [
            StatisticsCount(
                indicator=key,
                agency_id=row[source.agency_field],
                month=row["stat_month"],
                value=value,
            )
            for row in rows.iterator()
            for key in names
            if (value := row[key] or 0)
        ]
        StatisticsCount.objects.bulk_create(batch, batch_size=5000)
        written += len(batch)
    return written


# --- keeping them in step -------------------------------------------------------------------


def _watchers() -> dict[type, list[tuple[Source, str, str]]]:
    """model → [(source, lookup from the source's records to that model's pk, the model's
    attribute that moves the records' agency or day — empty for the source's own model)]."""
    watched: dict[type, list[tuple[Source, str, str]]] = defaultdict(list)
    for source in rolled_sources():
        model = source.queryset().model
        watched[model].append((source, "pk", ""))
        for field_path in (source.agency_field, source.date_field):
            parts = field_path.split("__")
            related = model
            for end in range(1, len(parts)):
                related = related._meta.get_field(parts[end - 1]).related_model
                attname = related._meta.get_field(parts[end]).attname
                entry = (source, "__".join(parts[:end]), attname)
                if entry not in watched[related]:
                    watched[related].append(entry)
    return watched


_WATCHED: dict[type, list[tuple[Source, str, str]]] | None = None


def _watched(model: type) -> list[tuple[Source, str, str]]:
    global _WATCHED
    if _WATCHED is None:
        _WATCHED = _watchers()
    return _WATCHED.get(model, [])


def _old_values(sender, instance, watchers) -> dict[str, Any]:
    attnames = sorted({a for _s, _l, a in watchers if a})
    if not attnames or instance.pk is None:
        return {}
    return sender._base_manager.filter(pk=instance.pk).values(*attnames).first() or {}


def _before_save(sender, instance, **kwargs) -> None:
    _stash(sender, instance, deleting=False)


def _before_delete(sender, instance, **kwargs) -> None:
    _stash(sender, instance, deleting=True)


def _stash(sender, instance, *, deleting: bool) -> None:
    watchers = _watched(sender)
    if not watchers or instance.pk is None:
        return
    old = _old_values(sender, instance, watchers)
    pending = []
    for source, lookup, attname in watchers:
        if attname and not deleting and old.get(attname) == getattr(instance, attname):
            continue  # the records' agency and day do not move
        qs = source.queryset().filter(**{lookup: instance.pk})
        pending.append((source, lookup, _keys(source, qs)))
    _pending()[(sender._meta.label_lower, instance.pk)] = pending


def _after_save(sender, instance, **kwargs) -> None:
    watchers = _watched(sender)
    if not watchers:
        return
    pending = _pending().pop((sender._meta.label_lower, instance.pk), None)
    if pending is None:  # created: only its own records can be counted
        pending = [(s, lookup, set()) for s, lookup, attname in watchers if not attname]
    for source, lookup, before in pending:
        qs = source.queryset().filter(**{lookup: instance.pk})
        recount(source, before | _keys(source, qs))


def _after_delete(sender, instance, **kwargs) -> None:
    for source, _lookup, keys in _pending().pop((sender._meta.label_lower, instance.pk), []):
        recount(source, keys)


def connect() -> None:
    """Called from ``SupervisionConfig.ready``: one receiver per signal, filtering by model."""
    pre_save.connect(_before_save, dispatch_uid="statistics_counts_pre_save")
    pre_delete.connect(_before_delete, dispatch_uid="statistics_counts_pre_delete")
    post_save.connect(_after_save, dispatch_uid="statistics_counts_post_save")
    post_delete.connect(_after_delete, dispatch_uid="statistics_counts_post_delete")
