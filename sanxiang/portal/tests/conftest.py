import datetime

import pytest

from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.testing import factories


@pytest.fixture
def team(province):
    return factories.catalog_team(agency=province["provincial"])


@pytest.fixture
def samples(province, team):
    return load_sample_catalogs(
        agency=province["provincial"], effective_from=datetime.date(2025, 1, 1), **team
    )
