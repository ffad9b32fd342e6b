"""ADR 0205: every document type of the catalog is issued by some service."""

import csv
import importlib
import inspect
from pathlib import Path

from sanxiang.catalog.issuers import ISSUERS, unissued

CSV = Path(__file__).resolve().parents[1] / "data" / "document_type.csv"


def _catalog_codes() -> list[str]:
    with CSV.open(encoding="utf-8-sig") as handle:
        return [row["文书代码"] for row in csv.DictReader(handle)]


def _table_codes(module) -> set[str]:
    codes = set()
    for name in dir(module):
        value = getattr(module, name)
        if isinstance(value, tuple | dict):
            rows = value.values() if isinstance(value, dict) else value
            for row in rows:
                issues = getattr(row, "issues", None)
                if isinstance(issues, str):
                    codes.add(issues)
                elif isinstance(row, tuple):
                    codes |= {getattr(r, "issues", None) for r in row} - {None}
    return codes


def _mapped_codes(module) -> set[str]:
    codes = set()
    for name in dir(module):
        value = getattr(module, name)
        if isinstance(value, dict) and name.isupper():
            codes |= {v for v in value.values() if isinstance(v, str)}
    return codes


def test_every_catalog_type_has_an_issuing_service():
    missing = unissued(_catalog_codes())
    assert not missing, f"document types no service issues: {missing}"


def test_each_issuer_exists_and_names_its_type():
    for code, path in ISSUERS.items():
        module_path, name = path.rsplit(".", 1)
        module = importlib.import_module(module_path)
        service = getattr(module, name)
        assert callable(service), path
        source = inspect.getsource(service)
        tables = set()
        for dependency in ("workflow", "branch_workflow", "appeal_workflow"):
            try:
                package = module_path.rsplit(".", 1)[0]
                tables |= _table_codes(importlib.import_module(f"{package}.{dependency}"))
            except ModuleNotFoundError:
                pass
        named = (
            f'"{code}"' in source
            or ("row.issues" in inspect.getsource(module) and "row" in source and code in tables)
            or (code in _mapped_codes(module) and "DOCUMENTS[" in source)
            or ("letter.kind" in source and code in ("supervision_advice", "management_opinion"))
        )
        assert named, f"{path} does not issue {code}"


def test_an_agency_type_no_service_issues_is_reported():
    assert unissued(["penalty_decision", "本机关自定文书"]) == ["本机关自定文书"]


def test_the_catalog_page_warns_of_a_type_no_service_issues(samples, team):
    """The warning an agency sees on its document-type catalog (ADR 0215): none for the sample
    catalog, the name of a type it adds that no service issues."""
    from sanxiang.catalog.models import CatalogKind, DocumentType
    from sanxiang.catalog.tests.test_views import client_for

    version = samples[CatalogKind.DOCUMENT_TYPE]
    client = client_for(team["editor"])
    page = client.get(f"/catalog/versions/{version.pk}/").content.decode()
    assert "有文书种类无法制作" not in page
    DocumentType.objects.create(  # (added outside the services: test set-up only)
        version=version, code="own_notice", name="本机关自定告知书", short_code="自告"
    )
    page = client.get(f"/catalog/versions/{version.pk}/").content.decode()
    assert "有文书种类无法制作" in page and "《本机关自定告知书》" in page
    assert "own_notice" not in page.split("有文书种类无法制作")[1].split("</div>")[0]
