import datetime

import pytest
from django.utils import timezone

from sanxiang.cases import services as cases
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


def emergency_measure(team, officers):
    """A sealing executed at once (now, as the services see it) for a major hazard (SH-SCOPE-1
    exception), with the recording of the sealing linked to the case."""
    case = factories.filed_case(
        officers=officers, mine=team["mine"], head=team["head"], code="WF-002", major_hazard=True
    )
    now = timezone.now()
    factories.recording(
        actor=team["officer"],
        activity="sealing_seizure",
        subject=case,
        stage="sealing_seizure",
        started_at=(now - datetime.timedelta(hours=1)).isoformat(),
        ended_at=now.isoformat(),
    )
    act = cases.emergency_measure_execute(
        actor=team["officer"],
        case=case,
        measure="sealing",
        finding=case.findings.get(),
        content_text="查封3号采煤工作面，期限30日。",
        officers=officers,
        started_at=now - datetime.timedelta(minutes=40),
        ended_at=now,
        **factories.ONSITE_SHOWN,
    )
    case.refresh_from_db()
    return case, act


@pytest.fixture
def emergency(team, officers):
    """A sealing executed at once for a major hazard (SH-SCOPE-1 exception)."""
    return emergency_measure(team, officers)


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
