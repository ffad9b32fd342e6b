import itertools

import pytest
from django.utils import timezone

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalog
from sanxiang.testing import factories

from .checks_world import real_mp4

_recording_tags = itertools.count()


@pytest.fixture(autouse=True)
def real_recordings(monkeypatch):
    """Recordings the factories store are real MP4s here: the four-property check probes each
    one with ffprobe, and the factories' stand-in bytes (rightly) fail it."""
    stand_in = factories.recording

    def recording(*, actor, data=None, **fields):
        if data is None:
            data = real_mp4(f"archive-{next(_recording_tags)}")
        return stand_in(actor=actor, data=data, **fields)

    monkeypatch.setattr(factories, "recording", recording)


@pytest.fixture
def catalogs(province):
    """The enforcement catalogs and the sample retention schedule (示例) of the province."""
    out = factories.enforcement_catalogs(agency=province["provincial"])
    out[CatalogKind.RETENTION_SCHEDULE] = load_sample_catalog(
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=province["provincial"],
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        **factories.catalog_team(agency=province["provincial"]),
    )
    return out


@pytest.fixture
def team(province, catalogs):
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "custodian": factories.custodian(agency=sub, full_name="钱档案"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }


@pytest.fixture
def officers(team):
    return [team["officer"], team["partner"]]


@pytest.fixture
def real_pdf():
    """Documents and record sheets are typeset by WeasyPrint, as in production. Always so in
    the archive's tests: the volume and the four-property check open every PDF, and a stand-in
    would (rightly) fail them."""


def closed_case(team, officers, *, void_inquiry: bool = False, case=None):
    """The existing full case walk up to 待归档, with an inquiry, the notice recording and a
    payment; returns the case (the archive has assembled its draft unit by then)."""
    from sanxiang.cases import execution, services
    from sanxiang.documents.services import document_void

    officer, head = team["officer"], team["head"]
    case = case or factories.filed_case(officers=officers, mine=team["mine"], head=head)
    act = services.case_investigation_record(
        actor=officer,
        case=case,
        kind="inquiry",
        content_text="问：你矿是否对井下作业人员开展了安全培训？答：今年尚未开展。",
        officers=officers,
        started_at=timezone.now() - timezone.timedelta(hours=2),
        ended_at=timezone.now() - timezone.timedelta(hours=1),
        identity_shown=True,
        questioned=factories.QUESTIONED,
        location="矿调度室",
    )
    if void_inquiry:
        services.case_investigation_record(
            actor=officer,
            case=case,
            kind="inquiry",
            content_text="问：补充询问。答：无。",
            officers=officers,
            started_at=timezone.now() - timezone.timedelta(minutes=50),
            ended_at=timezone.now() - timezone.timedelta(minutes=40),
            identity_shown=True,
            questioned=factories.QUESTIONED,
            location="矿调度室",
        )
        document_void(actor=head, document=act.document, reason="笔录记载有误，重新制作。")
    case = factories.case_to_decision(case=case, officer=officer, head=head)
    case = services.decision_issue(actor=head, case=case)
    today = timezone.localdate()
    execution.service_record(
        actor=officer,
        case=case,
        served_on=today,
        method="direct",
        recipient="张矿长",
        officers=officers,
        place="矿部办公室",
        **factories.shown_now(),
    )
    case.refresh_from_db()
    execution.payment_record(
        actor=officer, case=case, amount="10000", paid_on=today, reference="POS-0001"
    )
    case.refresh_from_db()
    case = execution.case_close(actor=head, case=case, summary="罚款已全部缴清，结案。")
    return execution.case_archive_ready(actor=officer, case=case)


@pytest.fixture
def archived_case(team, officers):
    return closed_case(team, officers)
