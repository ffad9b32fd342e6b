import pytest

from sanxiang.testing import factories


@pytest.fixture
def documents_not_typeset(monkeypatch):
    """The cases' documents are rendered but not typeset here (what costs); the campaign report
    is typeset for real (it is read back with pdftotext)."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def catalogs(province):
    return factories.enforcement_catalogs(agency=province["provincial"])
