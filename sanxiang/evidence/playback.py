"""Serving stored files in byte ranges (RFC 9110 §14), so a browser can seek in a long video.

Only single ranges are honoured (what media elements send); a multi-range request gets the
whole file, as RFC 9110 allows. The body is read from storage in chunks, never whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

from sanxiang.core import blobstore

STREAM_CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(ValueError):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None for the whole file; raise if unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None  # multi-range or another unit: serve the whole representation
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        if length == 0:
            raise RangeNotSatisfiable
        return max(0, size - length), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable
    return first, min(last, size - 1)


def _chunks(path: str, first: int, length: int) -> Iterator[bytes]:
    """The range, read by the store in chunks: a ranged GET of the pinned version on object
    storage (ADR 0180), a seek on the local store."""
    yield from blobstore.blob_read_range(path, first, length, STREAM_CHUNK)


def ranged_response(
    *,
    path: str,
    size: int,
    content_type: str,
    range_header: str | None,
    disposition: str = "inline",
    filename: str = "",
) -> HttpResponse:
    try:
        span = parse_range(range_header, size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = span if span is not None else (0, size - 1)
    length = max(0, last - first + 1)
    response = StreamingHttpResponse(
        _chunks(path, first, length), content_type=content_type, status=206 if span else 200
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if span is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        from django.utils.http import content_disposition_header

        response["Content-Disposition"] = content_disposition_header(
            disposition == "attachment", filename
        )
    return response
