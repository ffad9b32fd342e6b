"""GS-POST-1 / GS-REQ-3: closing an inspection, taking a coercive on-site measure and executing
a case's emergency measure each draft a result publication — through the real services, the
signal sent on commit and the task — due 20 working days later on the official calendar; a
rolled-back transaction drafts nothing, and the daily sweep drafts what a missed signal did not.

The clock is set to Tuesday 29 September 2026: the 20 working days cross the National Day
holiday (1–7 October) and count the 调休 Saturday 10 October, ending on Monday 2 November.
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone

from sanxiang.cases import services as cases
from sanxiang.cases.signals import coercive_measure_taken, decision_issued
from sanxiang.inspections import services as inspections
from sanxiang.inspections.signals import inspection_closed, onsite_measure_taken
from sanxiang.inspections.workflow import InspectionStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.publicity import services
from sanxiang.publicity.models import Publication
from sanxiang.publicity.workflow import PublicationStatus as S
from sanxiang.testing import factories

D = datetime.date
DAY = D(2026, 9, 29)
DUE = D(2026, 11, 2)  # 30 Sep, 8–10 Oct (10 Oct worked), 12–16, 19–23, 26–30 Oct, 2 Nov
NAIVE_DUE = D(2026, 10, 27)  # 20 weekdays, holidays ignored: what a wrong count would give


class RolledBack(Exception):
    pass


@pytest.fixture(autouse=True)
def _typeset_as_html(monkeypatch):
    """The documents' PDFs are not what these tests read (as in the cases tests)."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


@pytest.fixture
def before_national_day(monkeypatch):
    """Every ``timezone.now()`` from 09:00 on ``DAY`` (Beijing time), one millisecond apart.

    Requested first, so that the agencies, certificates and catalogs of the test are made on
    that day too."""
    start = datetime.datetime(2026, 9, 29, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    ticks = itertools.count()
    monkeypatch.setattr(
        timezone,
        "now",
        lambda: (start + datetime.timedelta(milliseconds=next(ticks))).astimezone(datetime.UTC),
    )
    return DAY


def drafts(source_type: str) -> list[Publication]:
    return list(Publication.objects.filter(source_type=source_type))


def assert_due_after_national_day(publication: Publication) -> None:
    assert publication.status == S.DRAFT
    assert publication.decided_on == DAY
    assert publication.due_on == DUE != NAIVE_DUE
    assert not publication.due_provisional
    entry = LedgerEntry.objects.get(
        object_type="publicity.publication", object_id=str(publication.pk)
    )
    assert entry.action == "publication.draft"


def test_receivers_are_connected_to_every_decision_signal():
    for signal, receiver in (
        (decision_issued, "on_decision_issued"),
        (inspection_closed, "on_inspection_closed"),
        (onsite_measure_taken, "on_measure_taken"),
        (coercive_measure_taken, "on_measure_taken"),
    ):
        names = {getattr(r[1](), "__name__", "") for r in signal.receivers}
        assert receiver in names


@pytest.mark.django_db
def test_closing_an_inspection_drafts_its_result_due_in_20_working_days(
    before_national_day, team, catalogs, django_capture_on_commit_callbacks
):
    plan = factories.inspection_plan(
        officers=team["officers"], mine=team["mine"], head=team["head"]
    )
    inspection = factories.inspection(plan=plan)
    assert inspection.inspected_on == DAY
    inspection = inspections.inspection_complete(
        actor=team["officers"][0], inspection=inspection, summary="检查了通风和培训（测试）。"
    )
    summary = "未发现事故隐患和违法违规行为。"
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBack),
        transaction.atomic(),
    ):
        inspections.inspection_close(
            actor=team["officers"][0], inspection=inspection, result_summary=summary
        )
        raise RolledBack
    assert callbacks == [] and not Publication.objects.exists()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inspection = inspections.inspection_close(
            actor=team["officers"][0], inspection=inspection, result_summary=summary
        )
    assert len(callbacks) == 1
    [publication] = drafts("inspections.inspection")
    assert publication.source_id == str(inspection.pk) and publication.category == "inspection"
    assert_due_after_national_day(publication)
    assert publication.mine == team["mine"] and publication.agency == inspection.agency
    fields = publication.fields
    assert fields["party_name"] == team["mine"].name
    assert fields["conclusion"] == summary
    assert fields["decision_number"] == inspection.record_document.number.text
    assert fields["enforcement_type"].startswith("现场检查（")
    assert fields["legal_basis"] == plan.legal_basis
    assert fields["decision_date"] == "2026-09-29"
    assert "legal_representative" not in fields
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_a_coercive_onsite_measure_drafts_a_publication(
    before_national_day, team, catalogs, django_capture_on_commit_callbacks
):
    plan = factories.inspection_plan(
        officers=team["officers"], mine=team["mine"], head=team["head"]
    )
    inspection = factories.inspection(plan=plan)
    take = {"actor": team["officers"][0], "inspection": inspection}
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RolledBack), transaction.atomic():
            inspections.onsite_measure_take(
                **take, kind="withdraw_workers", content="从3号工作面撤出作业人员。"
            )
            raise RolledBack
        # an order to rectify is part of the inspection result, not a coercive measure
        inspections.onsite_measure_take(
            **take, kind="rectify_within_limit", content="限期完成培训。", days=10
        )
    assert not Publication.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measure = inspections.onsite_measure_take(
            **take, kind="withdraw_workers", content="立即从3号工作面撤出作业人员。"
        )
    assert len(callbacks) == 1
    [publication] = drafts("inspections.onsitemeasure")
    assert publication.source_id == str(measure.pk) and publication.category == "coercive"
    assert_due_after_national_day(publication)
    assert publication.fields["enforcement_type"] == "责令从危险区域撤出作业人员"
    assert publication.fields["conclusion"] == "立即从3号工作面撤出作业人员。"
    assert publication.fields["decision_number"] == measure.document.number.text
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_an_emergency_measure_of_a_case_drafts_a_coercive_publication(
    before_national_day, team, catalogs, django_capture_on_commit_callbacks
):
    officer = team["officers"][0]
    case = factories.filed_case(
        officers=team["officers"],
        mine=team["mine"],
        head=team["head"],
        code="WF-002",
        major_hazard=True,
    )
    now = timezone.now()
    factories.recording(
        actor=officer,
        activity="sealing_seizure",
        subject=case,
        stage="sealing_seizure",
        started_at=(now - datetime.timedelta(hours=1)).isoformat(),
        ended_at=now.isoformat(),
    )
    execute = {
        "actor": officer,
        "case": case,
        "measure": "sealing",
        "finding": case.findings.get(),
        "content_text": "查封3号采煤工作面，期限30日。",
        "officers": team["officers"],
        "started_at": now - datetime.timedelta(minutes=40),
        "ended_at": now,
        "legal_basis": "《中华人民共和国安全生产法》第六十五条",
        **factories.ONSITE_SHOWN,
    }
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBack),
        transaction.atomic(),
    ):
        cases.emergency_measure_execute(**execute)
        raise RolledBack
    assert callbacks == [] and not Publication.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act = cases.emergency_measure_execute(**execute)
    assert len(callbacks) == 1
    [publication] = drafts("cases.caseact")
    assert publication.source_id == str(act.pk) and publication.category == "coercive"
    assert_due_after_national_day(publication)
    assert publication.fields["enforcement_type"] == "查封"
    assert publication.fields["conclusion"] == "查封3号采煤工作面，期限30日。"
    assert publication.fields["legal_basis"] == "《中华人民共和国安全生产法》第六十五条"
    assert publication.fields["decision_number"] == act.document.number.text


@pytest.mark.django_db
def test_the_daily_sweep_drafts_what_a_missed_signal_did_not(before_national_day, team, catalogs):
    officer = team["officers"][0]
    plan = factories.inspection_plan(
        officers=team["officers"], mine=team["mine"], head=team["head"]
    )
    inspection = factories.inspection(plan=plan)
    measure = inspections.onsite_measure_take(
        actor=officer, inspection=inspection, kind="order_stop_use", content="停止使用2号绞车。"
    )
    inspections.onsite_measure_take(
        actor=officer, inspection=inspection, kind="eliminate_immediately", content="立即排除。"
    )
    inspections.inspection_complete(actor=officer, inspection=inspection, summary="测试。")
    inspection = inspections.inspection_close(
        actor=officer, inspection=inspection, result_summary="责令停止使用2号绞车。"
    )  # on_commit never runs here: every signal is "missed"
    assert not Publication.objects.exists()
    created = services.drafts_backfill(since=DAY - datetime.timedelta(days=400))
    assert sorted((p.source_type, p.source_id) for p in created) == [
        ("inspections.inspection", str(inspection.pk)),
        ("inspections.onsitemeasure", str(measure.pk)),
    ]
    for publication in created:
        assert_due_after_national_day(publication)
    assert services.drafts_backfill() == []
    assert services.drafts_backfill(since=DAY + datetime.timedelta(days=1)) == []
