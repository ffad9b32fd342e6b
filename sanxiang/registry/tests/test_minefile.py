"""一矿一档 (JL-ARC-3, ADR 0126): the mine's file lists every record of the mine the database
holds — compared with direct queries — and nothing of another mine; it follows the reading
rules (scope, 404 out of scope, recordings' metadata only, links only to what opens); its
filters, exports and the package description agree with the page; its cost in queries does not
grow with the number of events."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import DateField, Q, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanxiang.archive.minefile import DOCUMENT, EVENT, RECORDING, mine_file_contents, mine_file_spec
from sanxiang.archive.models import ArchiveUnit
from sanxiang.archive.spec import ItemKind, UnitSpec
from sanxiang.cases.models import Appeal, Case
from sanxiang.complaints.models import Complaint
from sanxiang.core.blobstore import blob_hash
from sanxiang.core.readable import may_read
from sanxiang.documents.models import ClassifiedRegistration, Document
from sanxiang.evidence.models import Recording
from sanxiang.inspections.models import Finding, Inspection, InspectionPlan, OnsiteMeasure
from sanxiang.ledger.models import LedgerEntry
from sanxiang.licensing.models import Application
from sanxiang.publicity.models import ErrorReport, Publication
from sanxiang.registry import file_views, timeline
from sanxiang.registry.models import CoalMine
from sanxiang.registry.timeline import Feed, MineTimeline, TimelineEvent, TimelineFilter
from sanxiang.review.models import Review
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

KINDS = (
    "inspection",
    "finding",
    "measure",
    "rectification",
    "case",
    "document",
    "recording",
    "review",
    "publication",
    "classified",
    "complaint",
    "licensing",
    "appeal",
    "error_report",
)


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def file_url(mine: CoalMine, suffix: str = "file/") -> str:
    return f"/registry/mines/{mine.pk}/{suffix}"


def expected(mine: CoalMine, *, under: str = "") -> set[tuple[str, str, str]]:
    """(kind, object type, id) of every record of ``mine`` the database holds, by direct queries
    (``under``: only records of that agency path and below)."""
    plans = InspectionPlan.objects.filter(mine=mine).values_list("pk", flat=True)
    visits = Inspection.objects.filter(mine=mine)
    cases = Case.objects.filter(mine=mine)
    applications = Application.objects.filter(mine=mine)
    subjects = Q(subject_type="registry.coalmine", subject_id=str(mine.pk))
    for object_type, ids in (
        ("inspections.inspectionplan", plans),
        ("inspections.inspection", visits.values_list("pk", flat=True)),
        ("cases.case", cases.values_list("pk", flat=True)),
        ("licensing.application", applications.values_list("pk", flat=True)),
    ):
        subjects |= Q(subject_type=object_type, subject_id__in=[str(pk) for pk in ids])
    measures = OnsiteMeasure.objects.filter(inspection__mine=mine)
    sources = {
        "inspection": ("inspections.inspection", visits, "agency"),
        "finding": (
            "inspections.finding",
            Finding.objects.filter(inspection__mine=mine),
            "inspection__agency",
        ),
        "measure": ("inspections.onsitemeasure", measures, "inspection__agency"),
        "rectification": (
            "inspections.onsitemeasure",
            measures.exclude(verified_on=None),
            "inspection__agency",
        ),
        "case": ("cases.case", cases, "agency"),
        "document": ("documents.document", Document.objects.filter(subjects), "agency"),
        "recording": ("evidence.recording", Recording.objects.filter(subjects), "agency"),
        "classified": (
            "documents.classifiedregistration",
            ClassifiedRegistration.objects.filter(subjects),
            "agency",
        ),
        "review": ("review.review", Review.objects.filter(case__mine=mine), "case__agency"),
        "publication": ("publicity.publication", Publication.objects.filter(mine=mine), "agency"),
        "archive_unit": ("archive.archiveunit", ArchiveUnit.objects.filter(mine=mine), "agency"),
        "complaint": ("complaints.complaint", Complaint.objects.filter(mine=mine), "agency"),
        "licensing": ("licensing.application", applications, "agency"),
        "appeal": ("cases.appeal", Appeal.objects.filter(case__mine=mine), "case__agency"),
        "error_report": (
            "publicity.errorreport",
            ErrorReport.objects.filter(publication__mine=mine),
            "publication__agency",
        ),
    }
    out = set()
    for kind, (object_type, rows, agency) in sources.items():
        if under:
            rows = rows.filter(**{f"{agency}__path__startswith": under})
        out |= {(kind, object_type, str(pk)) for pk in rows.values_list("pk", flat=True)}
    return out


def listed(events: Iterable[TimelineEvent]) -> set[tuple[str, str, str]]:
    return {(e.kind, e.object_type, e.object_id) for e in events}


def page_events(client: Client, mine: CoalMine, query: str = "") -> list[TimelineEvent]:
    """Every event the page shows, walking all its pages."""
    events, page = [], 1
    while True:
        response = client.get(file_url(mine) + f"?{query}&page={page}")
        assert response.status_code == 200
        page_obj = response.context["page_obj"]
        html = response.content.decode()
        for event in page_obj.object_list:
            assert f'href="{event.url}"' in html
        events += list(page_obj.object_list)
        if not page_obj.has_next():
            return events
        page += 1


def test_the_file_lists_every_record_of_the_mine_the_database_holds(world, db, monkeypatch):
    """A superior agency's head sees the subordinate's records and its own, on every page."""
    monkeypatch.setattr(file_views, "PAGE_SIZE", 7)
    mine = world["mine"]
    want = expected(mine)
    assert {kind for kind, _t, _i in want} == set(KINDS)  # the world holds every kind
    shown = page_events(client_for(world["province_head"]), mine)
    assert len(shown) == len(want) > 7  # several pages, no line twice
    assert listed(shown) == want
    days = [e.day for e in shown]
    assert days == sorted(days, reverse=True)  # newest first
    counts = {c.kind: c.count for c in MineTimeline(user=world["province_head"], mine=mine).counts}
    # the world has no archive unit nor tombstone (sanxiang/archive/tests cover those sources)
    assert {k: counts.get(k, 0) for k in KINDS} == {
        k: sum(1 for w in want if w[0] == k) for k in KINDS
    }
    assert not {k: n for k, n in counts.items() if k not in KINDS and n}


def test_another_mines_records_never_appear(world, db):
    mine, other = world["mine"], world["other"]
    shown = listed(MineTimeline(user=world["province_head"], mine=mine).events())
    theirs = expected(other)
    assert theirs and not (shown & theirs)
    assert ("case", "cases.case", str(world["other_case"].pk)) in theirs
    assert not (listed(MineTimeline(user=world["province_head"], mine=other).events()) & shown)


def test_a_sub_bureau_sees_its_own_records_not_its_superiors(world, db):
    mine, sub = world["mine"], world["agencies"]["a"]
    shown = page_events(client_for(world["officer"]), mine)
    assert listed(shown) == expected(mine, under=sub.path)
    visit = ("inspection", "inspections.inspection", str(world["province_visit"].pk))
    assert visit in expected(mine) and visit not in listed(shown)


@pytest.mark.parametrize("who", ["sub_b_officer", "outsider"])
def test_a_mine_out_of_scope_is_not_found(world, db, who):
    client = client_for(world[who])
    mine = world["mine"]
    for suffix in ("file/", "file.csv", "file.xlsx"):
        assert client.get(file_url(mine, suffix)).status_code == 404
    assert client.get(file_url(mine, "file.pdf")).status_code == 404
    missing = CoalMine(pk=mine.pk + 1000)
    assert client_for(world["province_head"]).get(file_url(missing)).status_code == 404


def test_filters_kind_dates_and_agency(world, db):
    mine, today = world["mine"], timezone.localdate()
    client = client_for(world["province_head"])

    documents = page_events(client, mine, "kind=document")
    assert {e.kind for e in documents} == {"document"}
    assert len(documents) == sum(1 for w in expected(mine) if w[0] == "document")

    # The world is built "now"; some records start half an hour earlier, which is yesterday when
    # the suite runs just after local midnight, so the window is taken from the records' days.
    everything = page_events(client, mine)
    first, last = min(e.day for e in everything), max(e.day for e in everything)
    assert last == today
    response = client.get(file_url(mine) + f"?date_from={last + timedelta(days=1)}")
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0
    assert all(c.count == 0 for c in response.context["counts"])
    assert "没有符合条件的记录" in response.content.decode()
    within = page_events(client, mine, f"date_from={first}&date_to={last}")
    assert listed(within) == expected(mine)
    one_day = page_events(client, mine, f"date_from={last}&date_to={last}")
    assert listed(one_day) == listed(e for e in everything if e.day == last)

    sub = world["agencies"]["a"]
    theirs = page_events(client, mine, f"agency={sub.pk}")
    assert listed(theirs) == expected(mine, under=sub.path)

    bad = client.get(
        file_url(mine)
        + f"?date_from={today}&date_to={today - timedelta(days=1)}&agency={world['agencies']['elsewhere'].pk}"
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "截止日期不能早于起始日期" in html and "请选择您管辖范围内的机构" in html
    bad = client.get(file_url(mine) + "?date_from=2026-13-45&kind=nonsense")
    html = bad.content.decode()
    assert bad.status_code == 200 and "请按“年-月-日”填写日期" in html and "没有这一类别" in html
    assert bad.context["page_obj"].paginator.count == len(expected(mine))  # bad filters unused


def test_the_agency_filter_is_offered_only_above_a_single_agency(world, db):
    mine = world["mine"]
    assert client_for(world["province_head"]).get(file_url(mine)).context["show_agency"]
    assert not client_for(world["officer"]).get(file_url(mine)).context["show_agency"]


@pytest.mark.parametrize("who", ["province_head", "bystander"])
def test_every_link_on_the_file_opens_for_its_viewer(world, db, who):
    """…and every line is a record the reading rule by reference grants (ADR 0065)."""
    client = client_for(world[who])
    for event in page_events(client, world["mine"]):
        assert may_read(world[who], event.object_type, event.object_id), event
        assert event.url, event
        response = client.get(event.url)
        if event.object_type == "documents.document" and response.status_code == 403:
            # Opening a document's PDF needs a ground (ADR 0123): without one, the page that
            # answers is the way to borrow it.
            assert "申请借阅" in response.content.decode(), event
            continue
        assert response.status_code == 200, event


def test_recordings_show_their_metadata_never_their_content(world, db):
    """Even the recording's team reads a secret recording's level and number on the file."""
    client = client_for(world["partner"])
    html = client.get(file_url(world["mine"]) + "?kind=recording").content.decode()
    secret = Recording.objects.get(confidentiality="trade_secret")
    assert secret.title not in html and f"（商业秘密）{secret.number}" in html
    assert "/stream" not in html and "/download" not in html
    assert "矿井入口全程记录（测试）" in html


def test_the_page_costs_the_same_queries_for_ten_times_the_events(
    world, db, django_assert_max_num_queries
):
    """One count and one read per feed (plus its prefetches), whatever the number of events."""
    mine, client = world["mine"], client_for(world["province_head"])
    client.get(file_url(mine))  # session and second factor settled

    def cost(query: str = "") -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(file_url(mine) + query).status_code == 200
        return len(queries)

    small = cost()
    visit = world["visit"]
    for n in range(30):
        factories.finding(inspection=visit, facts=f"第{n}处问题（测试）。")
        factories.recording(actor=world["officer"], title=f"补充记录{n}（测试）", subject=mine)
    assert MineTimeline(user=world["province_head"], mine=mine).count() > file_views.PAGE_SIZE
    assert cost() <= small  # fewer kinds on the first page: fewer prefetches
    with django_assert_max_num_queries(small):
        client.get(file_url(mine) + "?page=2&kind=")
    # an absolute bound too: a count per kind (sixteen kinds since ADR 0255 and 0257), a read and its
    # prefetches per kind on the page, and the session, mine and agencies
    with django_assert_max_num_queries(48):
        client.get(file_url(mine))


def test_timeline_exports_every_line_as_csv_and_xlsx(world, db):
    from openpyxl import load_workbook

    mine, client = world["mine"], client_for(world["province_head"])
    count = len(expected(mine))
    response = client.get(file_url(mine, "file.csv"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "时间", "类别"] and len(rows) == count + 1
    assert any(row[2] == "音像记录" and "（商业秘密）" in row[3] for row in rows)

    response = client.get(file_url(mine, "file.xlsx") + "?kind=case")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "日期" and len(values) == 2 + 2  # title, header, the two cases
    assert {row[3] for row in values[2:]} == {c.cause for c in Case.objects.filter(mine=mine)}


def test_navigation_leads_to_the_file(world, db):
    mine, client = world["mine"], client_for(world["officer"])
    target = f'href="{file_url(mine)}"'
    assert target in client.get(f"/registry/mines/{mine.pk}/").content.decode()
    assert target in client.get(f"/inspections/{world['visit'].pk}/").content.decode()
    assert target in client.get(f"/cases/{world['decided'].pk}/").content.decode()


def test_later_apps_add_their_events_through_the_hook(world, db):
    """A disposal tombstone or a complaint is one more registered source."""
    mine = world["mine"]

    def units(user, mine):
        rows = CoalMine.objects.restrict(user).filter(pk=mine.pk)
        rows = rows.annotate(filed_on=Value(timezone.localdate(), output_field=DateField()))
        return [
            Feed(
                kind="tombstone",
                label="档案",
                order=100,
                rows=rows,
                date_field="filed_on",
                to_events=lambda found: [
                    TimelineEvent(when=m.filed_on, title="案卷") for m in found
                ],
                agency_path="supervising_agency__path",
            )
        ]

    timeline.register_timeline_source(units)
    try:
        file = MineTimeline(
            user=world["officer"], mine=mine, flt=TimelineFilter(kinds=frozenset({"tombstone"}))
        )
        assert [(c.kind, c.count) for c in file.counts if c.selected] == [("tombstone", 1)]
        assert [(e.kind_label, e.title) for e in file.events()] == [("档案", "案卷")]
        assert MineTimeline(user=world["outsider"], mine=mine, flt=file.flt).count() == 0
    finally:
        timeline._SOURCES.pop(f"{units.__module__}.{units.__qualname__}")


# --- the package of the whole file ---------------------------------------------------------------


def test_contents_hold_every_document_and_recording_with_its_original(world, db):
    mine, custodian = world["mine"], world["custodian"]
    contents = mine_file_contents(mine, custodian)
    sub = world["agencies"]["a"].path
    want = expected(mine, under=sub)
    documents = [e for e in contents if e.kind == DOCUMENT]
    recordings = [e for e in contents if e.kind == RECORDING]
    assert {("document", e.object_type, e.object_id) for e in documents} == {
        w for w in want if w[0] == "document"
    }
    assert {("recording", e.object_type, e.object_id) for e in recordings} == {
        w for w in want if w[0] == "recording"
    }
    for entry in documents:
        d = Document.objects.get(pk=entry.object_id)
        assert (entry.file.path, entry.file.sha256, entry.file.sm3, entry.file.size) == (
            d.pdf_path,
            d.pdf_sha256,
            d.pdf_sm3,
            d.pdf_size,
        )
        assert entry.voided == (d.status == "voided")
    for entry in recordings:  # the custodian takes every original away (none is a state secret)
        r = Recording.objects.get(pk=entry.object_id)
        assert not entry.withheld and (entry.file.path, entry.file.sha256) == (
            r.blob_path,
            r.sha256,
        )
    for entry in documents + recordings:
        ref = entry.file.ledger
        assert LedgerEntry.objects.filter(
            object_type=ref.object_type, object_id=ref.object_id
        ).exists()
    events = [e for e in contents if e.kind == EVENT]
    assert {(e.object_type, e.object_id) for e in events} == {(t, i) for _k, t, i in want}
    assert len(events) == len(want)


def test_contents_withhold_originals_the_exporter_may_not_take(world, db):
    recordings = [
        e for e in mine_file_contents(world["mine"], world["bystander"]) if e.kind == RECORDING
    ]
    assert recordings and all(e.file is None and "调阅审批" in e.withheld for e in recordings)
    secret = next(e for e in recordings if e.confidentiality == "trade_secret")
    assert secret.title.startswith("（商业秘密）")


def test_the_file_as_one_unit_for_the_package(world, db):
    mine = world["mine"]
    spec = mine_file_spec(mine, world["custodian"])
    assert isinstance(spec, UnitSpec) and spec.kind_label == "一矿一档"
    assert spec.subject_label == mine.name and mine.name in spec.title
    contents = [e for e in mine_file_contents(mine, world["custodian"]) if e.kind != EVENT]
    assert [i.seq for i in spec.items] == list(range(1, len(contents) + 1))
    assert [i.date for i in spec.items] == sorted(i.date for i in spec.items)
    assert {i.kind for i in spec.items} == {ItemKind.DOCUMENT, ItemKind.RECORDING}
    assert sum(1 for i in spec.items if i.voided) == 1
    for item in spec.items:  # every original is where the description says, unchanged
        sha256, sm3, size = blob_hash(item.file.path)
        assert (sha256, sm3, size) == (item.file.sha256, item.file.sm3, item.file.size)
    assert spec.confidentiality_label == "商业秘密"
    withheld = mine_file_spec(mine, world["bystander"])
    assert (
        all(i.kind == ItemKind.DOCUMENT for i in withheld.items) and "未随包导出" in withheld.notes
    )
    full = mine_file_spec(mine, world["bystander"], include_withheld=True)
    assert len(full.items) == len(spec.items)
    assert all(i.remarks for i in full.items if i.file is None)
