"""The sample catalogs of this part of 执法监督 (data files marked 示例, replaced by an agency):
the training-hour default, the accountability measures and the assessment weights."""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def training_requirement() -> dict:
    return _load("training_requirement.json")


def default_training_hours() -> Decimal:
    return Decimal(training_requirement()["default_hours"])


def accountability_kinds() -> list[dict]:
    return list(_load("accountability_kinds.json")["kinds"])


def accountability_kind(code: str) -> dict | None:
    return next((k for k in accountability_kinds() if k["code"] == code), None)


def accountability_choices() -> list[tuple[str, str]]:
    return [(k["code"], k["label"]) for k in accountability_kinds()]


def assessment_weights() -> dict:
    return _load("assessment_weights.json")


def evaluation_review_rule() -> dict:
    """How a file graded 不合格 counts against its officers at the 年审 (ADR 0229, 示例)."""
    return _load("evaluation_review_rule.json")
