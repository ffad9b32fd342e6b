"""GS-MID-1 at the acts ADR 0210 left open (ADR 0231): the officers' showing of their certificates
at an emergency measure (采取强制措施: 查封、扣押 on site) and at an in-person service (送达执法文书)
is a record per officer, refused when missing, and printed from the rows into the 查封（扣押）决定书
and the 送达回执 — a test changes the stored row and sees the printed document change. The
emergency sealing prints its list of items (行政强制法第二十四条); the inspection's on-site measure
prints the showings recorded when the inspection was opened.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.cases import documents as content
from sanxiang.cases import execution, services
from sanxiang.cases.models import CaseAct, ServiceRecord
from sanxiang.cases.tests.test_record_formats import layout_pages
from sanxiang.core.blobstore import blob_read
from sanxiang.documents import rendering
from sanxiang.documents.models import Document
from sanxiang.inspections import paperwork
from sanxiang.inspections import showings as showing_rules
from sanxiang.inspections.models import CertificateShowing, ShowingAct
from sanxiang.inspections.services.measures import _measure_document_content
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _flat(pdf: bytes) -> str:
    """The text without spaces; the receipt's box label 备注 sits beside its lines in the layout."""
    return "".join("".join(layout_pages(pdf)).split()).replace("备注", "")


def _context(case, built, title):
    return {
        "agency": case.agency,
        "title": title,
        "number": "（测试）",
        "content": built,
        "issued_on": timezone.localdate(),
    }


@pytest.fixture
def hazard_case(team, officers):
    case = factories.filed_case(
        officers=officers, mine=team["mine"], head=team["head"], major_hazard=True
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
    return case


def _seal(case, team, officers, **extra):
    now = timezone.now()
    return services.emergency_measure_execute(
        actor=team["officer"],
        case=case,
        measure="sealing",
        finding=case.findings.get(),
        content_text="查封3号采煤工作面，期限30日。",
        officers=officers,
        started_at=now - datetime.timedelta(minutes=40),
        ended_at=now,
        **extra,
    )


def _showings(officers, to):
    start = timezone.now() - datetime.timedelta(minutes=40)
    return [
        {"officer": o, "shown_at": start + datetime.timedelta(minutes=n), "shown_to": to}
        for n, o in enumerate(officers, start=1)
    ]


# --- emergency measures (查封、扣押 on site) ------------------------------------------------------


def test_an_emergency_sealing_without_a_showing_or_a_list_is_refused_and_nothing_is_written(
    hazard_case, team, officers
):
    acts, documents = CaseAct.objects.count(), Document.objects.count()
    shown = CertificateShowing.objects.count()
    with pytest.raises(ValidationError) as refused:
        _seal(hazard_case, team, officers)
    errors = refused.value.message_dict
    assert "未登记执法人员出示执法证件" in errors["showings"][0]
    assert "请填写物品清单" in errors["items"][0]
    with pytest.raises(ValidationError) as refused:  # one officer's showing only
        _seal(
            hazard_case,
            team,
            officers,
            showings=_showings(officers[:1], "张矿长"),
            items=factories.SEALING_ITEMS,
        )
    assert "以下执法人员未登记出示执法证件" in refused.value.message_dict["showings"][0]
    assert (CaseAct.objects.count(), Document.objects.count()) == (acts, documents)
    assert CertificateShowing.objects.count() == shown
    assert not LedgerEntry.objects.filter(action="case.emergency_measure").exists()


def test_the_emergency_sealing_prints_its_showings_from_the_record_and_its_items(
    hazard_case, team, officers, real_pdf
):
    act = _seal(
        hazard_case,
        team,
        officers,
        showings=_showings(officers, "张矿长"),
        items=[
            {"name": "3号采煤工作面", "specification": "—", "quantity": "1处", "place": "3采区"},
            {"name": "掘进机", "specification": "EBZ-160", "quantity": "1台", "place": "3采区"},
        ],
    )
    rows = showing_rules.showings_of(act)
    assert [(r.officer, r.act, r.shown_to) for r in rows] == [
        (o, ShowingAct.SEALING, "张矿长") for o in officers
    ]
    recorded = LedgerEntry.objects.filter(action="showing.record").order_by("-pk")[:2]
    assert {e.object_id for e in recorded} == {str(r.pk) for r in rows}
    assert act.proposal.content["items"][1]["name"] == "掘进机"  # reviewed afterwards with it
    flat = _flat(blob_read(act.document.pdf_path))
    assert "查封（扣押）场所、设施、财物清单" in flat or "物品清单" in flat
    assert "掘进机" in flat and "EBZ-160" in flat and "1台" in flat
    for row in rows:
        assert (
            f"{row.officer}（执法证号{row.certificate_number}）于{_when(row.shown_at)}向张矿长"
            in flat
        )

    # the record changes → the printed decision changes
    moved = rows[1].shown_at + datetime.timedelta(minutes=3)
    CertificateShowing.objects.filter(pk=rows[1].pk).update(shown_to="李班长", shown_at=moved)
    act.refresh_from_db()
    again = content.emergency_measure(
        hazard_case,
        act,
        "《中华人民共和国安全生产法》第六十五条",
        [],
        items=factories.SEALING_ITEMS,
    )
    pdf = rendering.render_pdf(
        paperwork.TEMPLATES["sealing_decision"], _context(hazard_case, again, "查封（扣押）决定书")
    )
    flat = _flat(pdf)
    assert f"{officers[1]}（执法证号{rows[1].certificate_number}）于{_when(moved)}向李班长" in flat
    assert f"于{_when(rows[1].shown_at)}向张矿长" not in flat


def test_the_emergency_form_box_records_one_showing_per_officer_to_the_party(
    hazard_case, team, officers
):
    act = _seal(hazard_case, team, officers, **factories.ONSITE_SHOWN)
    rows = showing_rules.showings_of(act)
    assert [r.officer for r in rows] == officers
    assert {r.shown_to for r in rows} == {str(hazard_case.party)}
    assert {r.shown_at for r in rows} == {act.started_at}


def test_the_api_takes_the_showings_and_the_items_of_an_emergency_measure(
    hazard_case, team, officers
):
    client = Client()
    sign_in(client, team["officer"])
    now = timezone.now()
    body = {
        "measure": "seizure",
        "finding_id": hazard_case.findings.get().pk,
        "content_text": "扣押无煤安标志的电气设备。",
        "officer_ids": [o.pk for o in officers],
        "started_at": (now - datetime.timedelta(minutes=30)).isoformat(),
        "ended_at": now.isoformat(),
    }
    url = f"/api/cases/cases/{hazard_case.pk}/emergency-measures"
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422, refused.content
    assert refused["Content-Type"].startswith("application/problem+json")
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"showings", "items"} <= fields
    body |= {
        "showings": [
            {"officer_id": o.pk, "shown_at": body["started_at"], "shown_to": "张矿长"}
            for o in officers
        ],
        "items": [{"name": "防爆开关", "specification": "QBZ-80", "quantity": "2台"}],
    }
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    act = CaseAct.objects.get(pk=created.json()["id"])
    assert len(showing_rules.showings_of(act)) == 2


def test_the_onsite_measure_of_an_inspection_prints_the_inspections_showings(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan, officers=officers)
    rows = showing_rules.showings_of(inspection)
    assert rows
    built = _measure_document_content(inspection, None, "依据", "责令立即排除隐患。", None, None)
    [shown] = [r["value"] for r in built["table"] if r["label"] == "出示证件"]
    assert shown == "；".join(showing_rules.showing_lines(rows))
    CertificateShowing.objects.filter(pk=rows[0].pk).update(shown_to="值班矿长")
    built = _measure_document_content(inspection, None, "依据", "责令立即排除隐患。", None, None)
    assert "向值班矿长出示执法证件" in built["table"][0]["value"]


# --- in-person service (直接送达, 留置送达) -----------------------------------------------------


@pytest.fixture
def decided(case_for_service):
    return case_for_service


@pytest.fixture
def case_for_service(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    return services.decision_issue(actor=team["head"], case=case)


def _serve(case, team, officers, **extra):
    return execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=timezone.localdate(),
        method="direct",
        recipient="张矿长",
        officers=officers,
        place="矿部办公室",
        **extra,
    )


def test_an_in_person_service_without_a_showing_is_refused(decided, team, officers):
    receipts = Document.objects.filter(type_code="service_receipt").count()
    shown = CertificateShowing.objects.count()
    with pytest.raises(ValidationError) as refused:
        _serve(decided, team, officers)
    assert "未登记执法人员出示执法证件" in refused.value.message_dict["showings"][0]
    with pytest.raises(ValidationError) as refused:  # the box without its time
        _serve(decided, team, officers, identity_shown=True)
    assert refused.value.message_dict["shown_at"] == ["请填写送达时出示执法证件的时间。"]
    with pytest.raises(ValidationError) as refused:  # shown on another day than the service
        _serve(
            decided,
            team,
            officers,
            identity_shown=True,
            shown_at=timezone.now() - datetime.timedelta(days=2),
        )
    assert "执法活动当日" in refused.value.message_dict["showings"][0]
    assert Document.objects.filter(type_code="service_receipt").count() == receipts
    assert not ServiceRecord.objects.exists() and CertificateShowing.objects.count() == shown


def test_the_receipt_prints_the_servers_showings_from_the_record(decided, team, officers, real_pdf):
    shown_at = timezone.now().replace(second=0, microsecond=0)
    record = _serve(decided, team, officers, identity_shown=True, shown_at=shown_at)
    rows = showing_rules.showings_of(record)
    assert [(r.officer, r.act, r.shown_to) for r in rows] == [
        (o, ShowingAct.SERVICE, "张矿长") for o in officers
    ]
    flat = _flat(blob_read(record.receipt.pdf_path))
    for row in rows:
        assert (
            f"{row.officer}（执法证号{row.certificate_number}）于{_when(shown_at)}向张矿长" in flat
        )

    # the record changes → the printed receipt changes
    moved = shown_at - datetime.timedelta(minutes=5)
    CertificateShowing.objects.filter(pk=rows[0].pk).update(shown_to="王副矿长", shown_at=moved)
    built = content.service_receipt(
        decided,
        document=decided.decision_document,
        served_on=record.served_on,
        method=record.method,
        recipient=record.recipient,
        place=record.place,
        officers=officers,
        showings=showing_rules.showings_of(record),
    )
    pdf = rendering.render_pdf(
        paperwork.TEMPLATES["service_receipt"], _context(decided, built, "送达回执")
    )
    flat = _flat(pdf)
    assert (
        f"{officers[0]}（执法证号{rows[0].certificate_number}）于{_when(moved)}向王副矿长" in flat
    )
    assert f"{officers[0]}（执法证号{rows[0].certificate_number}）于{_when(shown_at)}" not in flat


def test_service_by_mail_needs_no_showing(decided, team):
    record = execution.service_record(
        actor=team["officer"],
        case=decided,
        served_on=timezone.localdate(),
        method="mail",
        recipient="张矿长",
    )
    assert not showing_rules.showings_of(record)


def test_the_service_api_answers_a_missing_showing_with_a_field_problem(decided, team, officers):
    client = Client()
    sign_in(client, team["officer"])
    body = {
        "served_on": timezone.localdate().isoformat(),
        "method": "direct",
        "recipient": "张矿长",
        "officer_ids": [o.pk for o in officers],
    }
    url = f"/api/cases/cases/{decided.pk}/service"
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert "showings" in {e["field"] for e in refused.json()["errors"]}
    body |= {"identity_shown": True, "shown_at": timezone.now().isoformat()}
    served = client.post(url, body, content_type="application/json")
    assert served.status_code == 200, served.content
    assert served.json()["status"] == "served"
    assert CertificateShowing.objects.filter(act=ShowingAct.SERVICE).count() == 2
