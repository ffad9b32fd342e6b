"""ADR 0080 with ADR 0011: catalog files with formula-like text are safe to open and still
round-trip through export and import, in both formats."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from sanxiang.catalog import exporters, services
from sanxiang.catalog.exporters import content_rows
from sanxiang.catalog.kinds import rows_from_db, spec_for
from sanxiang.catalog.models import CatalogKind
from sanxiang.core.tabular import xlsx_append

from .test_import_export import POWER_HEADER, draft

NAMES = ["=1+1", '=HYPERLINK("http://evil.example","点击")', "+SUM(A1)", "@cmd", "-x-", "'=已引"]


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        xlsx_append(book.active, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_formula_like_catalog_text_is_safe_in_files_and_round_trips(samples, team, province):
    spec = spec_for(CatalogKind.POWER_LIST)
    version = draft(team, province["provincial"], CatalogKind.POWER_LIST)
    lines = [
        [f"B-{i}", name, "行政检查", "《安全生产法》第六十五条", "监察分局", "行政检查程序"]
        for i, name in enumerate(NAMES, start=1)
    ]
    services.catalog_import(
        actor=team["editor"],
        version=version,
        content=_xlsx([POWER_HEADER, *lines]),
        filename="p.xlsx",
    )
    stored = content_rows(spec, rows_from_db(spec, version))
    assert [row["name"] for row in stored] == NAMES

    csv_content, _, csv_name = exporters.export_version(spec, version, "csv")
    rows = list(csv.reader(io.StringIO(csv_content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [
        "'=1+1",
        '\'=HYPERLINK("http://evil.example","点击")',
        "'+SUM(A1)",
        "'@cmd",
        "'-x-",
        "''=已引",
    ]
    xlsx_content, _, xlsx_name = exporters.export_version(spec, version, "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_content)).worksheets[0]
    cells = [sheet.cell(row=i, column=2) for i in range(2, len(NAMES) + 2)]
    assert [c.value for c in cells] == NAMES and {c.data_type for c in cells} == {"s"}

    # Re-importing either file into the draft (import replaces its items) gives the same items.
    for content, filename in ((csv_content, csv_name), (xlsx_content, xlsx_name)):
        getattr(version, spec.primary.related_name).all().delete()
        services.catalog_import(
            actor=team["editor"], version=version, content=content, filename=filename
        )
        assert content_rows(spec, rows_from_db(spec, version)) == stored, filename
