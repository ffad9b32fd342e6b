import pytest

from sanxiang.testing import factories


@pytest.fixture
def catalogs(province):
    """The sample catalogs (示例) published by the provincial bureau; sub-bureaus inherit them."""
    return factories.enforcement_catalogs(agency=province["provincial"])


@pytest.fixture
def team(province, catalogs):
    """Two certified officers and the head of sub-bureau A, and a coal mine it supervises."""
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }


@pytest.fixture
def officers(team):
    return [team["officer"], team["partner"]]


@pytest.fixture(autouse=True)
def _typeset_only_when_asked(request, monkeypatch):
    """Typesetting PDFs costs ~0.2 s each; tests that read them ask for ``real_pdf``."""
    if "real_pdf" not in request.fixturenames:
        monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def real_pdf():
    """Documents are typeset by WeasyPrint, as in production."""
