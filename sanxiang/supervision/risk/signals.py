"""BZ-6: risk signals per mine, ranked, with the reason for each rank (ADR 0171).

Each signal reads one app's records (cut to what the head may see) and gives, per mine, how many
times it fires and the words that say why. The score is the weighted sum; the weights are sample
values (示例) an agency replaces in ``data/risk_weights.json`` (ADR 0174). Other apps add their signals with
``register_signal`` (complaints: verified complaints against the mine).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, F, Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.registry.models import CoalMine

LOOKBACK_DAYS = 3 * 365  # repeats and emergency measures count over the last three years

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "risk_weights.json"


def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, int]:
    """Points per occurrence of each signal, from the agency's data file (the shipped one is
    marked 示例). A malformed file fails loudly at start-up rather than ranking with guesses."""
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = {}
    for key, item in data["weights"].items():
        points = item["points"] if isinstance(item, dict) else item
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            raise ValueError(f"risk weight {key!r} must be a non-negative integer")
        weights[key] = points
    return weights


WEIGHTS = load_weights()


def weight(key: str) -> int:
    """The weight of signal ``key`` (0 for a signal the agency's file leaves out)."""
    return WEIGHTS.get(key, 0)


Hits = dict[int, list[tuple[int, str]]]  # mine id → [(occurrences, reason)]
SignalFn = Callable[[Any, datetime.date], Hits]


@dataclass(frozen=True)
class Signal:
    key: str
    label: Any
    weight: int
    compute: SignalFn


_SIGNALS: list[Signal] = []


def register_signal(signal: Signal) -> None:
    """The hook another app uses to add a signal (complaints registers verified complaints)."""
    if any(s.key == signal.key for s in _SIGNALS):
        raise ValueError(f"risk signal {signal.key!r} registered twice")
    _SIGNALS.append(signal)


def _repeats(user: Any, today: datetime.date) -> Hits:
    """The same compendium entry found at the same mine more than once."""
    from sanxiang.inspections.models import Finding

    since = today - datetime.timedelta(days=LOOKBACK_DAYS)
    hits: Hits = {}
    rows = (
        Finding.objects.restrict(user)
        .filter(inspection__inspected_on__gte=since)
        .values("inspection__mine", "entry_code")
        .annotate(n=Count("pk"), text=Min("description"), first=Min("inspection__inspected_on"))
        .filter(n__gte=2)
        .order_by()
    )
    for row in rows:
        text = row["text"].replace("【示例】", "")[:40]
        hits.setdefault(row["inspection__mine"], []).append(
            (
                row["n"] - 1,
                _("同一违法行为“%(t)s”自%(d)s起被发现%(n)d次")
                % {"t": text, "d": row["first"], "n": row["n"]},
            )
        )
    return hits


def _count_hits(rows, mine_field: str, message: str) -> Hits:
    return {
        row[mine_field]: [(row["n"], message % {"n": row["n"]})]
        for row in rows
        if row[mine_field] is not None
    }


def _overdue(user: Any, today: datetime.date) -> Hits:
    from sanxiang.inspections.models import OnsiteMeasure

    rows = (
        OnsiteMeasure.objects.restrict(user)
        .filter(due_on__lt=today)
        .exclude(verification="rectified", verified_on__lte=F("due_on"))
        .values("inspection__mine")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _count_hits(rows, "inspection__mine", _("%(n)d项限期整改逾期未整改"))


def _unpaid(user: Any, today: datetime.date) -> Hits:
    from sanxiang.cases.models import Case

    rows = (
        Case.objects.restrict(user)
        .filter(payment_due__lt=today, fine_amount__gt=0, closed_on__isnull=True)
        .filter(paid_total__lt=F("fine_amount") + F("additional_fine_total"))
        .values("mine")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _count_hits(rows, "mine", _("%(n)d件罚款逾期未缴清"))


def _emergency(user: Any, today: datetime.date) -> Hits:
    from sanxiang.cases.models import CaseAct

    since = today - datetime.timedelta(days=LOOKBACK_DAYS)
    rows = (
        CaseAct.objects.restrict(user)
        .filter(kind="emergency_measure", started_at__date__gte=since)
        .values("case__mine")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _count_hits(rows, "case__mine", _("近三年被采取紧急措施%(n)d次"))


register_signal(Signal("repeat", gettext_lazy("重复违法"), weight("repeat"), _repeats))
register_signal(Signal("overdue", gettext_lazy("逾期未整改"), weight("overdue"), _overdue))
register_signal(Signal("unpaid", gettext_lazy("罚款未缴"), weight("unpaid"), _unpaid))
register_signal(Signal("emergency", gettext_lazy("紧急措施"), weight("emergency"), _emergency))


@dataclass
class Entry:
    mine: CoalMine
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    by_signal: dict[str, int] = field(default_factory=dict)
    flags: list[Any] = field(default_factory=list)
    rank: int = 0


def watch_list(*, user: Any, today: datetime.date, limit: int = 50) -> list[Entry]:
    """The mines in the user's scope with any signal, highest score first (ties: by name)."""
    from sanxiang.inspections.key_mines import flags_in_force

    entries: dict[int, Entry] = {}
    hits_by_signal = [(signal, signal.compute(user, today)) for signal in _SIGNALS]
    mine_ids = {mine_id for _s, hits in hits_by_signal for mine_id in hits}
    mines = CoalMine.objects.restrict(user).in_bulk(mine_ids)
    for signal, hits in hits_by_signal:
        for mine_id, items in hits.items():
            mine = mines.get(mine_id)
            if mine is None:
                continue
            entry = entries.setdefault(mine_id, Entry(mine))
            for occurrences, reason in items:
                entry.score += signal.weight * occurrences
                entry.by_signal[signal.key] = entry.by_signal.get(signal.key, 0) + occurrences
                entry.reasons.append(
                    _("%(r)s（%(s)s，每次%(w)d分）")
                    % {"r": reason, "s": signal.label, "w": signal.weight}
                )
    ranked = sorted(entries.values(), key=lambda e: (-e.score, e.mine.name))[:limit]
    flags: dict[int, list] = {}
    for flag in flags_in_force(mine_ids=[e.mine.pk for e in ranked], day=today):
        flags.setdefault(flag.mine_id, []).append(flag)
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
        entry.flags = flags.get(entry.mine.pk, [])
    return ranked
