"""Gapless document numbers per agency, type short code and year (domain-reference §3)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanxiang.org.models import Agency

from .models import DocumentNumber, NumberSequence

NUMBER_PATTERN = "{prefix}煤安{code}〔{year}〕{sequence}号"


def format_number(agency: Agency, type_code: str, year: int, sequence: int) -> str:
    """``A+(B)煤安+C〔YYYY〕D号``, e.g. 华（东）煤安罚〔2026〕12号."""
    return NUMBER_PATTERN.format(
        prefix=agency.document_prefix(), code=type_code, year=year, sequence=sequence
    )


def _locked_sequence(agency: Agency, type_code: str, year: int) -> NumberSequence:
    """The counter row, locked for this transaction; created on first use of the year."""
    lookup = {"agency": agency, "type_code": type_code, "year": year}
    for _attempt in range(3):
        sequence = NumberSequence.objects.select_for_update().filter(**lookup).first()
        if sequence is not None:
            return sequence
        try:
            with transaction.atomic():
                return NumberSequence.objects.create(**lookup)
        except IntegrityError:  # another transaction created it first; lock theirs
            continue
    raise RuntimeError("could not lock the number sequence")


def number_allocate(*, agency: Agency, type_code: str, year: int) -> DocumentNumber:
    """Take the next number. Must run inside the issuing transaction so that it rolls back with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(_("文号只能在签发文书的事务中分配。"))
    sequence = _locked_sequence(agency, type_code, year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return DocumentNumber.objects.create(
        agency=agency,
        type_code=type_code,
        year=year,
        sequence=sequence.last_value,
        text=format_number(agency, type_code, year, sequence.last_value),
    )
