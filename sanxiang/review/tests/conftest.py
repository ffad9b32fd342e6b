import datetime

import pytest
from django.utils import timezone

from sanxiang.testing import factories


@pytest.fixture
def catalogs(province):
    """The sample catalogs (示例) published by the provincial bureau; sub-bureaus inherit them."""
    return factories.enforcement_catalogs(agency=province["provincial"])


@pytest.fixture
def team(province, catalogs):
    """Sub-bureau A: two officers handling cases, two heads, a legal reviewer, a coal mine."""
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "head": factories.head(agency=sub, full_name="赵局长", position="局长"),
        "deputy": factories.head(agency=sub, full_name="钱副局长", position="副局长"),
        "reviewer": factories.legal_reviewer(agency=sub, full_name="孙审核"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }


@pytest.fixture
def officers(team):
    return [team["officer"], team["partner"]]


@pytest.fixture
def major_case(team, officers):
    """A 60,000 CNY fine on a coal mine (SH2-02M) waiting for its decision."""
    return factories.major_case(officers=officers, mine=team["mine"], head=team["head"])


@pytest.fixture(autouse=True)
def _typeset_only_when_asked(request, monkeypatch):
    """Typesetting PDFs costs ~0.2 s each; tests that read them ask for ``real_pdf``."""
    if "real_pdf" not in request.fixturenames:
        monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def real_pdf():
    """Documents are typeset by WeasyPrint, as in production."""


class Clock:
    """Today, as the services see it (``django.utils.timezone.now``), set to a chosen day."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self._real_now = timezone.now

    def set(self, day: datetime.date, hour: int = 10) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
        offset = moment - self._real_now()
        real_now = self._real_now
        self._monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
