"""Canonical JSON: one byte string per value, so a record's hash can be recomputed years later.

Rules (chosen so the output is reproducible from the record alone, in any language):

* object keys must be strings and are sorted by code point; separators ``,`` and ``:`` with no
  whitespace; non-ASCII text is written as UTF-8, not ``\\u`` escapes; output is UTF-8 bytes;
* ``datetime`` must be timezone-aware and is written in UTC as ISO 8601 with a ``Z`` suffix
  (``2024-05-01T08:30:00Z``, microseconds only when non-zero), so the same instant hashes the
  same whatever the server's time zone; naive datetimes are rejected as ambiguous;
* ``date`` → ``YYYY-MM-DD``; naive ``time`` → ``HH:MM:SS[.ffffff]``;
* ``Decimal`` → fixed-point string keeping its scale (``Decimal("1.10")`` → ``"1.10"``, never an
  exponent), so money amounts are exact; NaN and infinities are rejected;
* ``UUID`` → lowercase hyphenated string; ``bytes``/``bytearray``/``memoryview`` → standard
  base64 with padding;
* finite ``float`` → Python's shortest round-trip repr (prefer ``Decimal`` for amounts);
* tuples are arrays; sets are rejected because their order is not defined; anything else
  raises ``TypeError`` rather than being stringified by accident.
"""

import base64
import datetime
import json
import math
import uuid
from decimal import Decimal

__all__ = ["canonical_json"]


def canonical_json(value: object) -> bytes:
    """Serialise ``value`` to canonical JSON bytes (see module docstring for the rules)."""
    return json.dumps(
        _normalize(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def _normalize(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite float {value!r} has no canonical JSON form")
        return value
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"object keys must be str, not {type(key).__name__}: {key!r}")
        return {key: _normalize(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(item) for item in value]
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} is ambiguous; attach a time zone")
        utc = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return utc.isoformat() + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        if value.utcoffset() is not None:
            raise ValueError(f"time with a time zone {value!r} has no canonical form")
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"non-finite Decimal {value!r} has no canonical JSON form")
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not supported in canonical JSON: {value!r}")
