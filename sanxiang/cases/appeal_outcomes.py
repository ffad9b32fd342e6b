"""The outcomes of reconsideration and litigation (复议决定、裁判结果) and what each does to the
published result — a data file (``catalog/data/appeal_outcome.csv``) an agency may replace
(``SANXIANG_APPEAL_OUTCOMES_FILE``), not code (ADR 0155).

Effects: ``none`` (维持、驳回: the publication stands), ``withdraw`` (撤销、确认违法、确认无效:
the result is withdrawn), ``replace`` (变更: withdrawn, and the changed decision is published
as a new record at once), ``remake`` (责令重新作出: withdrawn; the remade decision is published
as a new record when the agency makes it).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DATA_FILE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "appeal_outcome.csv"
EFFECTS = ("none", "withdraw", "replace", "remake")


@dataclass(frozen=True)
class Outcome:
    code: str
    kind: str  # AppealKind value
    name: str
    effect: str
    withdrawal_reason: str  # publicity WithdrawalReason value ("" when nothing is withdrawn)
    basis: str

    @property
    def withdraws(self) -> bool:
        return self.effect != "none"

    @property
    def new_record(self) -> bool:
        return self.effect in ("replace", "remake")


@functools.cache
def _load(path: str) -> dict[str, Outcome]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    outcomes = {}
    for row in rows:
        if not row or not row[0].strip():
            continue
        code, kind, name, effect, reason, basis = (cell.strip() for cell in row[:6])
        if effect not in EFFECTS:
            raise ValueError(f"appeal outcome {code}: unknown effect {effect!r}")
        outcomes[code] = Outcome(code, kind, name, effect, reason, basis)
    return outcomes


def outcomes() -> dict[str, Outcome]:
    return _load(str(getattr(settings, "SANXIANG_APPEAL_OUTCOMES_FILE", DATA_FILE)))


def outcome_get(code: str) -> Outcome | None:
    return outcomes().get(code) if isinstance(code, str) else None


def choices_for(kind: str | None = None) -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in outcomes().values() if kind in (None, o.kind)]
