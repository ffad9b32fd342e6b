"""Spreadsheet files that are safe to open: the one writer for every CSV and XLSX we hand out.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, WPS and LibreOffice as a formula (“CSV injection”): a party name ``=HYPERLINK(…)`` in the
open data would run on the reader's machine. So (ADR 0080):

- **XLSX**: every text cell is written with the string type. openpyxl would otherwise store a
  text starting with ``=`` as a live formula. The text itself is unchanged.
- **CSV**: the OWASP rule: such a text is prefixed with a single quote (``'=1+1``). A text that
  itself begins with a quote followed by one of those characters (or by a quote) gets one more
  quote, so :func:`restore_csv_text` undoes the rule exactly and our own exports re-import
  unchanged.
- **JSON** keeps the original text: it is data, not a sheet.
- Numbers stay numbers: ``int``/``float``/``Decimal`` values, and texts that are a plain
  decimal number such as ``-12.5`` (a negative fine, a coordinate), are written as they are —
  Excel reads them as numbers, never as formulas.

Use :func:`csv_bytes` / :func:`csv_stream` (UTF-8 with BOM, CRLF: what Excel on a Chinese
Windows opens correctly) or :class:`CsvRows` for CSV, and :func:`xlsx_append` (or
:func:`xlsx_cells`) for rows of an openpyxl sheet, normal or write-only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)."""

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_QUOTE = "'"


def is_plain_number(text: str) -> bool:
    """``text`` is a bare decimal number (``-12.5``, ``+3``, ``1e5``), safe in any sheet."""
    return bool(_PLAIN_NUMBER.fullmatch(text))


def needs_neutralising(text: str) -> bool:
    """A text a spreadsheet could read as a formula (a plain number excepted)."""
    return bool(text) and text[0] in FORMULA_TRIGGERS and not is_plain_number(text)


def neutralise_csv(value: Any) -> Any:
    """``value`` as a CSV cell: formula-like text gets a leading ``'``; anything else unchanged.

    A text already starting with ``'`` and then a trigger or another ``'`` is quoted once more,
    which keeps :func:`restore_csv_text` an exact inverse.
    """
    if not isinstance(value, str) or not value:
        return value
    if needs_neutralising(value):
        return _QUOTE + value
    if (
        value[0] == _QUOTE
        and len(value) > 1
        and (value[1] == _QUOTE or value[1] in FORMULA_TRIGGERS)
    ):
        return _QUOTE + value
    return value


def restore_csv_text(text: Any) -> Any:
    """The original text of a CSV cell written by :func:`neutralise_csv` (importers call this)."""
    if (
        isinstance(text, str)
        and len(text) > 1
        and text[0] == _QUOTE
        and (text[1] == _QUOTE or text[1] in FORMULA_TRIGGERS)
    ):
        return text[1:]
    return text


class CsvRows:
    """A ``csv.writer`` whose every cell goes through :func:`neutralise_csv`.

    >>> out = io.StringIO(); CsvRows(out).writerow(["=1+1", -3, "-3"]); out.getvalue()
    "'=1+1,-3,-3\\r\\n"
    """

    def __init__(self, buffer: io.StringIO | Any):
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow([neutralise_csv(_plain(value)) for value in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> bytes:
    """A whole CSV file (header row first in ``rows``), UTF-8 with BOM, CRLF line ends."""
    buffer = io.StringIO()
    CsvRows(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def csv_stream(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[bytes]:
    """The same file as :func:`csv_bytes`, one encoded line at a time (for streaming responses)."""
    buffer = io.StringIO()
    writer = CsvRows(buffer)
    first = bom
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        text = buffer.getvalue()
        if first:
            text = "\ufeff" + text
            first = False
        yield text.encode("utf-8")
    if first:  # no rows at all: still a valid (empty) UTF-8-with-BOM file
        yield "\ufeff".encode()


def xlsx_cells(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """openpyxl cells for one row of ``sheet``: text always of the string type, numbers,
    dates and booleans as they are. Works for normal and write-only worksheets."""
    from openpyxl.cell.cell import Cell

    cells = []
    for index, value in enumerate(values, start=1):
        cell = value if isinstance(value, Cell) else Cell(sheet, value=value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never "f": a text starting with "=" stays text
        # A provisional place (append sets the real one); write-only sheets need it to exist.
        cell.row, cell.column = cell.row or 1, cell.column or index
        cells.append(cell)
    return cells


def xlsx_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append one row to an openpyxl sheet (normal or write-only) the safe way."""
    sheet.append(xlsx_cells(sheet, values))
