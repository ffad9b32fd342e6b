"""``manage.py demo_load`` (issue 7): the demo province comes with the results of the months
since it went live, released through the whole publication pipeline on the days they were,
so the portal, the dashboards and the annual report have content on a fresh ``make run``.
(That no personal data reaches a public page: ``portal/tests/test_privacy.py``.)"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sanxiang.archive.models import ArchiveUnit, UnitStatus
from sanxiang.core import blobstore
from sanxiang.evidence import derivatives, media
from sanxiang.evidence.models import Recording
from sanxiang.ledger.actions import ACTION_LABELS
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.publicity import public, search, selectors
from sanxiang.publicity.models import AnnualReport, Publication, PublicEntry
from sanxiang.publicity.workflow import PublicationStatus as S
from sanxiang.publicity.workflow import ReportStatus
from sanxiang.testing.auth import sign_in

PIPELINE = [
    "publication.draft",
    "publication.confirm",
    "publication.review",
    "publication.approve",
    "publication.publish",
]


def actions(publication: Publication) -> list[str]:
    return list(
        LedgerEntry.objects.filter(
            object_type="publicity.publication", object_id=str(publication.pk)
        )
        .exclude(action__in=("publication.redact", "publication.edit"))
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_demo_results_are_released_through_the_pipeline_and_found_on_the_portal(tmp_path):
    call_command("demo_load", stdout=io.StringIO())
    today = timezone.localdate()
    released = list(
        Publication.objects.filter(first_published_at__isnull=False).order_by("decided_on")
    )
    assert 40 <= Publication.objects.count() <= 90 and len(released) >= 40
    assert (released[-1].decided_on - released[0].decided_on).days > 300
    assert {p.decided_on.year for p in released} >= {today.year - 1}
    assert {"penalty", "inspection", "coercive"} <= {p.category for p in released}
    assert {p.agency.name[-6:] for p in released} == {
        "东部监察分局",
        "西部监察分局",
        "北部监察分局",
    }

    # Each release went through every step of GS-REQ-2, by the unit's own team, on its day.
    for publication in released:
        assert actions(publication)[:5] == PIPELINE, publication
        assert publication.confirmed_by.has_role("publicity_editor")
        assert publication.reviewed_by.has_role("legal_reviewer")
        assert publication.approved_by.has_role("head")
        assert publication.decided_on < timezone.localdate(publication.first_published_at)
    on_time = [p for p in released if timezone.localdate(p.first_published_at) <= p.due_on]
    assert 0.75 < len(on_time) / len(released) < 1  # mostly on time, a few late
    times = list(LedgerEntry.objects.order_by("seq").values_list("recorded_at", flat=True))
    assert times == sorted(times) and times[0].year == today.year - 1
    assert verify_ledger().ok
    # Every event the demo wrote is named in words on the history pages, never by its code.
    recorded = set(LedgerEntry.objects.values_list("action", flat=True).distinct())
    assert not sorted(recorded - set(ACTION_LABELS)), "ledger actions without words"

    # The portal: search, a record, 一矿一页, the feed, open data.
    client = Client()
    found = public.result_search(search.SearchQuery(q="瓦斯"))
    assert found.total >= 1
    html = client.get("/public/results/", {"q": "瓦斯"}).content.decode()
    assert found.hits[0].party_name in html and "示例" in html
    everything = public.result_search(search.SearchQuery())
    assert everything.total == PublicEntry.objects.count() >= 30
    redacted = next(
        p
        for p in Publication.objects.filter(status=S.PUBLISHED, person__isnull=False)
        if "〔身份证号码已隐去〕" in p.live_version.public_fields["violation_facts"]
    )
    record = client.get(f"/public/results/{redacted.pk}/").content.decode()
    assert "〔手机号码已隐去〕" in record and "〔住址已隐去〕" in record
    mine = PublicEntry.objects.values_list("mine_id", flat=True).first()
    assert client.get(f"/public/mines/{mine}/").status_code == 200
    feed = client.get("/public/results/feed.atom").content.decode()
    assert feed.count("<entry>") >= 20
    data = client.get("/public/data/results/penalty.csv")
    rows = b"".join(data.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) > 10 and "行政处罚决定书文号" in rows[0]

    # One withdrawn after its decision was revoked (a tombstone), one revised (two versions).
    withdrawn = Publication.objects.get(status=S.WITHDRAWN)
    assert withdrawn.was_public and withdrawn.withdrawal_reason_kind == "revoked"
    tombstone = client.get(f"/public/results/{withdrawn.pk}/")
    assert tombstone.status_code == 410 and "行政复议" in tombstone.content.decode()
    assert withdrawn.withdrawn_at.date() <= withdrawn.withdrawal_due
    revised = Publication.objects.get(revision=2)
    assert [v.number for v in revised.versions.all()] == [1, 2]
    assert revised.live_version.public_fields["fine_amount"] in revised.fields["penalty_content"]

    # The dashboards have work: overdue drafts, items due soon or waiting for the head.
    head = Staff.objects.get(username="head")
    total = selectors.timeliness_total(selectors.timeliness(user=head))
    assert total.overdue_now >= 2 and total.pending >= 4
    years = (today.year - 1, today.year)
    assert sum(r.late for y in years for r in selectors.timeliness(user=head, year=y)) >= 1
    assert selectors.alerts(user=Staff.objects.get(username="head03")).awaiting_me >= 1

    # Last year's annual reports: generated and approved in January, on the portal.
    reports = AnnualReport.objects.filter(year=today.year - 1)
    assert reports.count() == 4 and {r.status for r in reports} == {ReportStatus.PUBLISHED}
    provincial = reports.get(agency__name="华北省煤矿安全监察局")
    assert provincial.data["totals"]["all"] >= 10 and len(provincial.data["subordinates"]) == 3
    page = client.get(f"/public/reports/{provincial.pk}/").content.decode()
    assert re.search(r"行政执法统计年报", page) and provincial.pdf_sha256

    # 案卷评查 (ADR 0160): the province's legal office evaluates the eastern sub-bureau's files;
    # drawn, running, never given to the officer who handled one of them.
    from sanxiang.supervision.evaluation.services import on_team
    from sanxiang.supervision.models import Campaign

    campaign = Campaign.objects.get()
    files = list(campaign.files.select_related("evaluator"))
    assert campaign.status == "running" and files and campaign.inputs["exclusions"]
    assert all(f.evaluator and not on_team(f.evaluator, f) for f in files)

    # Demo evidence is real video as body cameras write it (MP4, H.264, a caption burned in);
    # the one from an H.265 camera has a playable H.264 copy beside the untouched original.
    videos = list(Recording.objects.filter(media_kind="video"))
    infos = {r.pk: media.probe(blobstore.blob_local_path(r.blob_path)) for r in videos}
    assert len(videos) >= 3 and all(i and i.duration >= 2 for i in infos.values()), infos
    codecs = sorted(infos[r.pk].video_codec for r in videos)
    assert codecs.count("hevc") == 1 and set(codecs) == {"h264", "hevc"}, codecs
    hevc = next(r for r in videos if infos[r.pk].video_codec == "hevc")
    # (the task is enqueued on commit, which never comes inside this test's transaction: run
    # it as the worker does; tests/browser/test_evidence_formats.py sees it run on commit)
    copy = derivatives.playable_copy(hevc) or derivatives.playable_copy_create(recording_pk=hevc.pk)
    assert copy is not None and copy.content_type == "video/mp4"
    assert media.probe(blobstore.blob_local_path(copy.blob_path)).video_codec == "h264"

    # The archive (issue 14): three closed cases, an inspection and a letter filed with a 档号 after
    # a passed check, on the day they closed; one unit refused by the check, saying why.
    filed = list(ArchiveUnit.objects.filter(status=UnitStatus.FILED))
    assert sorted(u.kind for u in filed) == ["inspection", "letter", *["penalty"] * 3]
    units = {u.kind: u for u in filed}
    for unit in filed:
        assert unit.archival_code and unit.filed_on == today and unit.volume_pages
        # checked at submission and again at approval (ADR 0230), both passed
        assert [r.passed for r in unit.check_runs.all()] == [True, True]
    assert units["letter"].letter.type_code == "supervision_advice"
    refused = ArchiveUnit.objects.get(status=UnitStatus.DRAFT)
    (run,) = refused.check_runs.all()
    assert not run.passed and not refused.archival_code
    page = Client()
    sign_in(page, run.run_by)
    html = page.get(f"/archive/{refused.pk}/").content.decode()
    assert "该文书已作废，不能作为有效文件归档" in html and "现场检查记录" in html

    # 一矿一档 on a demo mine (one whose closed case is filed): the staff page lists every
    # record of the mine the database holds (the registry test's direct queries), and the
    # mine's whole file exports as a bag that validates.
    import tarfile

    import bagit

    from sanxiang.registry.tests.test_minefile import expected, listed, page_events

    mine = units["penalty"].mine
    # The provincial head: the file also holds what the province did about the mine (its
    # licensing application is decided there, ADR 0255), which a sub-bureau's head does not see.
    province_head = Staff.objects.get(username="head")
    want = expected(mine)
    assert {"case", "document", "recording", "archive_unit"} <= {k for k, _t, _i in want}
    assert listed(page_events(sign_in(Client(), province_head), mine)) == want
    exported = page.post(f"/archive/mines/{mine.pk}/export/")
    assert exported.status_code == 200, exported.content.decode()[-2000:]
    with tarfile.open(fileobj=io.BytesIO(b"".join(exported.streaming_content))) as tar:
        tar.extractall(tmp_path, filter="data")
        (top,) = {m.name.split("/")[0] for m in tar.getmembers()}
    bagit.Bag(str(tmp_path / top)).validate()

    # Loading again changes nothing.
    counts = (Publication.objects.count(), LedgerEntry.objects.count())
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    assert "已存在" in out.getvalue()
    assert (Publication.objects.count(), LedgerEntry.objects.count()) == counts

    # The start banner of `make run` names a login of every role, read from this database.
    banner = io.StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8000", stdout=banner)
    text = banner.getvalue()
    for role in Role:
        assert str(role.label) in text, role
    for login in ("admin", "head", "officer01", "custodian01", "editor01"):
        assert re.search(rf"^\s+{login}\s", text, re.M), text
