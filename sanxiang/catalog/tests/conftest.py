import datetime

import pytest

from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.testing import factories

START = datetime.date(2025, 1, 1)


@pytest.fixture
def team(province):
    return factories.catalog_team(agency=province["provincial"])


@pytest.fixture
def samples(province, team):
    """Every sample catalog published for the provincial bureau, in force since 2025-01-01."""
    return load_sample_catalogs(agency=province["provincial"], effective_from=START, **team)
