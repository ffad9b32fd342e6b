from __future__ import annotations

import datetime

import pytest

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.licensing.services import Material, licensing_items
from sanxiang.testing import factories

START = datetime.date(2025, 1, 1)
PDF = b"%PDF-1.4\n% sample material\n"


@pytest.fixture
def window(province):
    """The provincial bureau's power list and document types, its licensing staff and a mine of
    sub-bureau A."""
    provincial = province["provincial"]
    load_sample_catalogs(
        agency=provincial,
        effective_from=START,
        kinds=(
            CatalogKind.LEGAL_BASIS,
            CatalogKind.DOCUMENT_TYPE,
            CatalogKind.REMEDY,
            CatalogKind.POWER_LIST,
        ),
        **factories.catalog_team(agency=provincial),
    )
    items = {item.code: item for item in licensing_items(agency=provincial)}
    return {
        "officer": factories.officer(agency=provincial),
        "head": factories.head(agency=provincial),
        "mine": factories.mine(agency=province["a"]),
        "item": items["XK-001"],
        "item45": items["XK-002"],
        "agency": provincial,
    }


def materials(item, *, skip: int = 0) -> list[Material]:
    names = item.material_list[: len(item.material_list) - skip]
    return [Material(name=name, file_name=f"{i}.pdf", data=PDF) for i, name in enumerate(names)]
