"""Reading a rubric version (评查标准) and scoring a file against it (ADR 0160).

A rubric's ``content`` is data (``supervision/data/evaluation_rubric_sample.json`` is the sample,
marked 示例): basic standards that fail a file outright (一票否决), form (卷面) and content (内容)
items with their points and the deduction per defect, grade thresholds, and which checks of
the pre-fill (``prefill.py``) each item takes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models_evaluation import Grade, ItemKind, Rubric

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "evaluation_rubric_sample.json"
ZERO = Decimal("0")


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    label: str
    max: Decimal = ZERO
    per_defect: Decimal = ZERO
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Score:
    basic_failed: bool
    form: Decimal
    content: Decimal
    total: Decimal
    grade: str


def sample_content() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def items_of(content: dict) -> list[Item]:
    out = []
    for kind in (ItemKind.BASIC, ItemKind.FORM, ItemKind.CONTENT):
        for raw in content.get(kind, []):
            out.append(
                Item(
                    code=str(raw["code"]),
                    kind=str(kind),
                    label=str(raw["label"]),
                    max=Decimal(str(raw.get("max", 0))),
                    per_defect=Decimal(str(raw.get("per_defect", 0))),
                    checks=tuple(raw.get("checks", ())),
                )
            )
    return out


def validate_content(content: object) -> dict:
    """The rubric's content as data, or a ValidationError naming what is wrong."""
    problems = []
    if not isinstance(content, dict):
        raise ValidationError({"content": [_("评查标准应为 JSON 对象。")]})
    try:
        items = items_of(content)
        grades = content.get("grades") or {}
        excellent, passing = Decimal(str(grades["excellent"])), Decimal(str(grades["pass"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise ValidationError(
            {"content": [_("评查标准须含基本标准、卷面、内容项目和等次分数线。")]}
        ) from None
    codes = [i.code for i in items]
    if len(set(codes)) != len(codes):
        problems.append(_("评查项目代码重复。"))
    if not any(i.kind == ItemKind.BASIC for i in items):
        problems.append(_("评查标准须至少有一项基本标准。"))
    total = sum((i.max for i in items), ZERO)
    if total != Decimal("100"):
        problems.append(_("卷面和内容项目的分值合计应为100分（现为%(t)s分）。") % {"t": total})
    if not ZERO < passing <= excellent <= Decimal("100"):
        problems.append(_("等次分数线应满足：0 < 合格 ≤ 优秀 ≤ 100。"))
    if problems:
        raise ValidationError({"content": problems})
    return content


class RubricView:
    """A rubric version's items, looked up by code or by pre-fill check."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self.items = items_of(rubric.content)
        self.by_code = {i.code: i for i in self.items}
        self.by_check = {c: i for i in self.items for c in i.checks}
        grades = rubric.content.get("grades", {})
        self.excellent = Decimal(str(grades.get("excellent", 90)))
        self.passing = Decimal(str(grades.get("pass", 60)))

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def score(self, findings) -> Score:
        """Confirmed findings count: a basic standard failed makes the file 不合格 whatever its
        points; each form/content item loses its deductions, never more than its points."""
        lost: dict[str, Decimal] = {}
        basic_failed = False
        for finding in findings:
            item = self.by_code.get(finding.item_code)
            if item is None:
                continue
            if item.kind == ItemKind.BASIC:
                basic_failed = True
                continue
            lost[item.code] = lost.get(item.code, ZERO) + Decimal(finding.deduction)
        parts = {}
        for kind in (ItemKind.FORM, ItemKind.CONTENT):
            parts[kind] = sum(
                (max(i.max - min(lost.get(i.code, ZERO), i.max), ZERO) for i in self.of_kind(kind)),
                ZERO,
            )
        total = parts[ItemKind.FORM] + parts[ItemKind.CONTENT]
        if basic_failed or total < self.passing:
            grade = Grade.FAIL
        elif total >= self.excellent:
            grade = Grade.EXCELLENT
        else:
            grade = Grade.PASS
        return Score(basic_failed, parts[ItemKind.FORM], parts[ItemKind.CONTENT], total, grade)
