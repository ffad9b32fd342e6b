"""JL-ARC-3: which retention rule governs a unit, when its retention runs out, when it is due
for filing, and how its archival code (档号) is taken.

The rules are the retention-schedule catalog in force for the unit's agency (a versioned
catalog like the others; the shipped rows are 示例). Retention is counted from 1 January of
the year after filing; a permanent unit never falls due. The 案卷号 is gapless per agency,
year and unit kind: the counter row is locked in the approving transaction, so a refused or
failed approval takes no number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, CatalogVersion, RetentionRule
from sanxiang.catalog.models.retention import RETENTION_YEARS
from sanxiang.catalog.selectors import applicable_version
from sanxiang.org.models import Agency

from .models import ArchivalCodeSequence, ArchiveUnit


@dataclass(frozen=True)
class Governing:
    rule: RetentionRule
    version: CatalogVersion


def rule_for(
    *,
    agency: Agency,
    kind: str,
    penalty_kinds: list[str] | tuple[str, ...] = (),
    fine: Decimal = Decimal(0),
    on: datetime.date | None = None,
) -> Governing | None:
    """JL-ARC-3: the first rule of the unit's kind whose conditions the unit meets (a rule
    with no condition meets every unit), from the schedule in force on ``on``; None when the
    agency has no schedule."""
    version = applicable_version(agency=agency, kind=CatalogKind.RETENTION_SCHEDULE, on=on)
    if version is None:
        return None
    kinds = set(penalty_kinds or ())
    for rule in version.retention_rules.filter(unit_kind=kind).order_by("position", "pk"):
        conditions = []
        if rule.penalty_kinds:
            conditions.append(bool(kinds & set(rule.penalty_kinds)))
        if rule.fine_at_least is not None:
            conditions.append(fine >= rule.fine_at_least)
        if not conditions or any(conditions):
            return Governing(rule=rule, version=version)
    return None


def retention_starts(filed_on: datetime.date) -> datetime.date:
    """JL-ARC-3: retention is counted from 1 January of the year after filing."""
    return datetime.date(filed_on.year + 1, 1, 1)


def retention_due(period: str, filed_on: datetime.date) -> datetime.date | None:
    """The first day after the retention period (when appraisal may begin); None for 永久."""
    years = RETENTION_YEARS.get(period)
    if years is None:
        return None
    start = retention_starts(filed_on)
    return start.replace(year=start.year + years)


def filing_due(closed_on: datetime.date, governing: Governing | None) -> datetime.date | None:
    """The filing deadline: the schedule's number of days (示例) after the matter closed."""
    if governing is None:
        return None
    return closed_on + datetime.timedelta(days=governing.rule.filing_days)


def _locked_sequence(unit: ArchiveUnit) -> ArchivalCodeSequence:
    lookup = {"agency": unit.agency, "kind": unit.kind, "year": unit.year}
    for _attempt in range(3):
        sequence = ArchivalCodeSequence.objects.select_for_update().filter(**lookup).first()
        if sequence is not None:
            return sequence
        try:
            with transaction.atomic():
                return ArchivalCodeSequence.objects.create(**lookup)
        except IntegrityError:  # another transaction created it first; lock theirs
            continue
    raise RuntimeError("could not lock the archival code sequence")


def archival_code_take(unit: ArchiveUnit, governing: Governing) -> str:
    """Take the next 案卷号 and write the 档号 parts and text on ``unit`` (not saved here).

    Must run inside the approving transaction so that a failure gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("archival codes are taken only inside the approving transaction")
    rule = governing.rule
    sequence = _locked_sequence(unit)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    parts = {
        "fonds": rule.fonds_code,
        "category": rule.category_code,
        "year": unit.year,
        "period": rule.period_code,
        "agency": unit.agency.short_name or str(unit.agency.pk),
        "number": sequence.last_value,
    }
    try:
        text = rule.code_pattern.format(**parts)
    except (KeyError, ValueError, IndexError):
        raise ValidationError(
            {"archival_code": [_("保管期限表中的档号格式无法使用，请先修订保管期限表。")]}
        ) from None
    unit.fonds_code = rule.fonds_code
    unit.category_code = rule.category_code
    unit.period_code = rule.period_code
    unit.agency_code = str(parts["agency"])
    unit.code_number = sequence.last_value
    unit.code_pattern = rule.code_pattern
    unit.archival_code = text
    return text


#: Object Lock needs a date: a permanent (永久) unit is locked this many years ahead, and the
#: lock is renewed by whoever holds the archive then (ADR 0180).
PERMANENT_LOCK_YEARS = 100


def unit_original_paths(unit) -> set[str]:
    """Every stored original the filed unit consists of: its volume and each item's file."""
    paths = {unit.volume_path}
    for item in unit.items.select_related("document", "recording"):
        paths.add(item.file_path)
        if item.document_id:
            paths.add(item.document.pdf_path)
        if item.recording_id:
            paths.add(item.recording.blob_path)
    paths.discard("")
    return paths


def lock_originals(unit) -> int:
    """P10 → P13: once filed, the unit's originals are switched from GOVERNANCE to COMPLIANCE
    until the retention end (on object storage; the local store keeps them read-only)."""
    from sanxiang.core.blobstore import blob_retain

    until = unit.retention_due
    if until is None:
        start = unit.retention_starts or unit.filed_on
        until = start.replace(year=start.year + PERMANENT_LOCK_YEARS)
    return blob_retain(unit_original_paths(unit), until)
