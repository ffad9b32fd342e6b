"""Write-once streaming storage, fixity (JL-USE-3), range playback, watermarks, derived files,
devices (JL-AV-1) and the metadata of recordings (JL-AV-3)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from sanxiang.core import blobstore
from sanxiang.evidence import derivatives, fixity, services, watermark
from sanxiang.evidence.models import DerivedKind, Recording
from sanxiang.evidence.playback import RangeNotSatisfiable, parse_range
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .conftest import mp4_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_store(tmp_path):
    """A fresh, empty store, so fixity sees only this test's files."""
    with override_settings(MEDIA_ROOT=tmp_path / "files"):
        yield tmp_path / "files"


def test_streaming_put_hashes_in_one_pass_and_verifies(own_store):
    data = os.urandom(3 * 1024 * 1024 + 5)
    chunks = [data[i : i + 100_000] for i in range(0, len(data), 100_000)]
    ref = blobstore.blob_put_stream(iter(chunks), expected_sha256=hashlib.sha256(data).hexdigest())
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.sm3 == hashlib.new("sm3", data).hexdigest()
    assert blobstore.blob_read(ref.path) == data
    assert blobstore.blob_hash(ref.path) == (ref.sha256, ref.sm3, len(data))
    assert oct((own_store / ref.path).stat().st_mode & 0o777) == "0o444"
    again = blobstore.blob_put_stream([data])  # same content: stored once, untouched
    assert again == ref
    assert not list((own_store / "staging").iterdir())


def test_streaming_put_refuses_wrong_digest_and_oversize_leaving_nothing(own_store):
    data = os.urandom(200_000)
    with pytest.raises(blobstore.DigestMismatch):
        blobstore.blob_put_stream([data], expected_sm3="00" * 32)
    with pytest.raises(ValueError):
        blobstore.blob_put_stream([data, data], max_size=300_000)
    assert not (own_store / "blobs").exists()
    assert not list((own_store / "staging").iterdir())


def test_small_blob_put_still_works(own_store):
    ref = blobstore.blob_put(b"%PDF-1.7 small")
    assert blobstore.blob_verify(ref.path, ref.sha256)


def test_fixity_names_a_changed_missing_and_untracked_file(own_store, people):
    first = factories.recording(actor=people["officer"])
    second = factories.recording(actor=people["officer"])
    assert fixity.fixity_report().ok

    changed = own_store / first.blob_path
    changed.chmod(0o644)
    content = bytearray(changed.read_bytes())
    content[len(content) // 2] ^= 0x01  # one byte
    changed.write_bytes(bytes(content))
    (own_store / second.blob_path).unlink()
    stray = own_store / "blobs" / "ff" / "ff" / ("ff" * 32)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"put here outside the system")

    report = fixity.fixity_check()
    found = {(p.kind, p.local_path) for p in report.problems}
    assert found == {
        (fixity.CHANGED, str(changed)),
        (fixity.MISSING, str(own_store / second.blob_path)),
        (fixity.UNTRACKED, str(stray)),
    }
    assert f"evidence.recording:{first.pk}" in report.text()
    entry = LedgerEntry.objects.filter(action="evidence.fixity").last()
    assert json.loads(entry.body)["details"]["problems_total"] == 3

    with pytest.raises(CommandError):
        call_command("evidence_fixity", "--no-ledger", stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("evidence_fixity", "--json", stdout=out)
    paths = {p["local_path"] for p in json.loads(out.getvalue())["problems"]}
    assert str(changed) in paths


def test_fixity_covers_the_published_annual_reports(own_store, province, monkeypatch):
    """A published annual report's PDF (GS-POST-3) is a stored original like the others: not
    reported as untracked, and reported when it changes."""
    from sanxiang.publicity import annual

    monkeypatch.setattr(annual, "render_report_pdf", lambda report: b"%PDF-1.7 annual report")
    year = timezone.localdate().year - 1
    report = annual.annual_report_generate(actor=None, agency=province["a"], year=year)
    report = annual.annual_report_approve(actor=factories.head(agency=province["a"]), report=report)
    assert fixity.fixity_report().ok
    stored = own_store / report.pdf_path
    stored.chmod(0o644)
    stored.write_bytes(b"%PDF-1.7 another report")
    problems = fixity.fixity_report().problems
    assert [(p.kind, p.owner) for p in problems] == [
        (fixity.CHANGED, f"publicity.annualreport:{report.pk}")
    ]


def test_ledger_verify_names_a_changed_original(own_store, people):
    recording = factories.recording(actor=people["officer"])
    call_command("ledger_verify", "--skip-objects", stdout=io.StringIO())
    changed = own_store / recording.blob_path
    changed.chmod(0o644)
    content = bytearray(changed.read_bytes())
    content[0] ^= 0x01
    changed.write_bytes(bytes(content))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", "--json", "--skip-objects", stdout=out)
    fixity_result = json.loads(out.getvalue())["fixity"]
    assert not fixity_result["ok"]
    assert [p["local_path"] for p in fixity_result["problems"]] == [str(changed)]


def test_parse_range():
    assert parse_range(None, 1000) is None
    assert parse_range("bytes=0-99", 1000) == (0, 99)
    assert parse_range("bytes=500-", 1000) == (500, 999)
    assert parse_range("bytes=-100", 1000) == (900, 999)
    assert parse_range("bytes=900-5000", 1000) == (900, 999)
    assert parse_range("bytes=0-1,5-9", 1000) is None  # multi-range: whole file
    for bad in ("bytes=1000-", "bytes=5-1", "bytes=-0"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(bad, 1000)


def test_range_playback_seeks_through_the_access_check(people):
    data = mp4_bytes(1_000_000)
    recording = factories.recording(actor=people["officer"], data=data)
    client = Client()
    sign_in(client, people["officer"])
    url = f"/evidence/recordings/{recording.pk}/stream"
    middle = client.get(url, headers={"Range": "bytes=500000-500999"})
    assert middle.status_code == 206
    assert middle["Content-Range"] == "bytes 500000-500999/1000000"
    assert middle["Accept-Ranges"] == "bytes" and middle["Content-Length"] == "1000"
    assert b"".join(middle.streaming_content) == data[500_000:501_000]
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    assert client.get(url, headers={"Range": "bytes=2000000-"}).status_code == 416
    assert "no-store" in middle["Cache-Control"]


def test_no_direct_file_urls(people):
    recording = factories.recording(actor=people["officer"])
    client = Client()
    sign_in(client, people["officer"])
    assert client.get("/files-not-served/" + recording.blob_path).status_code == 404
    assert client.get("/media/" + recording.blob_path).status_code == 404


def test_pdf_download_is_watermarked_with_viewer_and_time(people):
    from pypdf import PdfReader
    from weasyprint import HTML

    pdf = HTML(string="<p>检查记录扫描件</p>").write_pdf()
    scan = factories.recording(
        actor=people["officer"], data=pdf, filename="扫描件.pdf", content_type="application/pdf"
    )
    client = Client()
    sign_in(client, people["officer"])
    response = client.get(f"/evidence/recordings/{scan.pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert people["officer"].username in text and scan.number in text
    assert timezone.localtime().strftime("%Y-%m-%d") in text
    assert blobstore.blob_read(scan.blob_path) == pdf  # the original is untouched


def test_watermark_text_names_viewer_and_time(people):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 5))
    text = watermark.watermark_text(viewer=people["officer"], moment=moment, number="YX00000001")
    assert "张记录" in text and people["officer"].username in text and "2026-03-02 09:05" in text


def test_redacted_copy_is_a_separate_object(people, own_store):
    recording = factories.recording(actor=people["officer"])
    with pytest.raises(ValidationError):
        services.derived_file_add(
            actor=people["custodian"],
            recording=recording,
            kind=DerivedKind.REDACTED,
            chunks=[mp4_bytes(1000)],
            content_type="video/mp4",
        )
    derived = services.derived_file_add(
        actor=people["custodian"],
        recording=recording,
        kind=DerivedKind.REDACTED,
        chunks=[mp4_bytes(2000)],
        content_type="video/mp4",
        note="遮挡当事人面部",
    )
    assert derived.blob_path != recording.blob_path and derived.recording == recording
    with pytest.raises(PermissionDenied):
        services.derived_file_add(
            actor=people["officer"],
            recording=recording,
            kind=DerivedKind.REDACTED,
            chunks=[b"x"],
            content_type="video/mp4",
            note="x",
        )
    assert fixity.fixity_report().ok  # derived files are tracked too


@pytest.mark.skipif(derivatives.ffmpeg_path() is None, reason="ffmpeg is not installed")
def test_video_thumbnail_with_ffmpeg(people, tmp_path):
    video = tmp_path / "clip.mp4"
    source = "testsrc=duration=2:size=320x240:rate=10"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", source, "-y", str(video)],
        check=True,
    )
    recording = factories.recording(
        actor=people["officer"], data=video.read_bytes(), filename="clip.mp4"
    )
    derived = derivatives.thumbnail_create(recording_pk=recording.pk)
    assert derived is not None and derived.kind == DerivedKind.THUMBNAIL
    assert blobstore.blob_read(derived.blob_path).startswith(b"\xff\xd8\xff")


def test_device_register_and_underground_rule(people, province):
    ordinary = factories.recording_device(agency=province["a"])
    mine_safe = factories.recording_device(agency=province["a"], underground=True)
    assert not ordinary.underground_ready_on() and mine_safe.underground_ready_on()
    with pytest.raises(ValidationError) as refused:
        services.recording_validate_metadata(
            actor=people["officer"],
            metadata={"underground": "1", "device": ordinary.serial_number},
        )
    assert "《实施办法》四（二）1" in refused.value.message_dict["device"][0]
    services.recording_validate_metadata(
        actor=people["officer"], metadata={"underground": "1", "device": mine_safe.serial_number}
    )
    expired = services.device_update(
        actor=factories.superuser(),
        device=mine_safe,
        mine_safety_valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert not expired.underground_ready_on()
    with pytest.raises(ValidationError) as refused:
        services.device_register(
            actor=people["custodian"],
            agency=province["a"],
            serial_number=ordinary.serial_number,
            model_name="x",
            mine_safety_certificate="MA123",
        )
    assert set(refused.value.message_dict) >= {"serial_number", "mine_safety_valid_until"}
    with pytest.raises(PermissionDenied):
        services.device_register(
            actor=people["officer"], agency=province["a"], serial_number="N1", model_name="x"
        )


def test_recording_metadata_roles_and_ledger(people, province):
    mine = factories.mine(agency=province["a"])
    start = timezone.now().replace(microsecond=0)
    recording = factories.recording(
        actor=people["officer"],
        activity="sampling",
        subject=mine,
        stage="sampling",
        started_at=start,
        ended_at=start + datetime.timedelta(minutes=20),
        location="3号煤层回风巷",
        officers=[people["officer"], people["colleague"]],
    )
    assert recording.subject_type == "registry.coalmine" and recording.subject_id == str(mine.pk)
    assert set(recording.officers.all()) == {people["officer"], people["colleague"]}
    services.recording_update(actor=people["colleague"], recording=recording, location="采样点2")
    with pytest.raises(PermissionDenied):
        services.recording_update(actor=people["other_officer"], recording=recording, title="x")
    with pytest.raises(ValidationError) as refused:
        services.recording_update(
            actor=people["officer"],
            recording=recording,
            ended_at=start - datetime.timedelta(hours=1),
            subject="registry.coalmine:99999999",
        )
    assert set(refused.value.message_dict) == {"ended_at", "subject"}
    other_mine = factories.mine(agency=province["b"])
    with pytest.raises(ValidationError):  # a mine outside the officer's scope
        services.recording_update(
            actor=people["officer"],
            recording=recording,
            subject=f"registry.coalmine:{other_mine.pk}",
        )
    actions = list(
        LedgerEntry.objects.filter(
            object_type="evidence.recording", object_id=str(recording.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["recording.create", "recording.update"]


def test_browser_upload_form_checks_content(people, own_store):
    client = Client()
    sign_in(client, people["officer"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("照片.jpg", b"%PDF-1.7 not an image", content_type="image/jpeg")
    response = client.post(
        "/evidence/recordings/new/form/", {"file": fake, "confidentiality": "ordinary"}
    )
    assert response.status_code == 400
    assert "文件内容与申报的文件类型不符" in response.content.decode()
    assert not Recording.objects.exists() and not (own_store / "blobs").exists()
    evil = SimpleUploadedFile("../../x.mp4", mp4_bytes(500), content_type="video/mp4")
    response = client.post(
        "/evidence/recordings/new/form/", {"file": evil, "confidentiality": "ordinary"}
    )
    assert Recording.objects.count() <= 1  # Django strips the path: stored as x.mp4 or refused
    assert not Recording.objects.filter(original_name__contains="/").exists()
    good = SimpleUploadedFile("DSJ_9.mp4", mp4_bytes(5000), content_type="video/mp4")
    response = client.post(
        "/evidence/recordings/new/form/",
        {"file": good, "confidentiality": "ordinary", "activity": "inspection", "title": "巡查"},
    )
    assert response.status_code == 302
    assert Recording.objects.filter(title="巡查").exists()


def test_pages_render(people, province):
    factories.recording_device(agency=province["a"], underground=True)
    recording = factories.recording(actor=people["officer"])
    client = Client()
    sign_in(client, people["custodian"])
    for url in (
        "/evidence/",
        f"/evidence/recordings/{recording.pk}/",
        f"/evidence/recordings/{recording.pk}/edit/",
        f"/evidence/recordings/{recording.pk}/custodian/",
        f"/evidence/recordings/{recording.pk}/confidentiality/",
        "/evidence/devices/",
        "/evidence/devices/new/",
        "/evidence/retrievals/",
        "/evidence/retrievals/new/",
        "/evidence/alerts/",
        "/evidence/uploads/",
        "/evidence/recordings/new/form/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "音像证据" in client.get("/").content.decode()


def test_expired_uploads_are_cleaned(people, tus):
    data = mp4_bytes(10_000)
    url = tus.create(data)["Location"]
    tus.patch(url, 0, data[:5000])
    from sanxiang.evidence import ingest
    from sanxiang.evidence.models import Upload, UploadStatus

    upload = Upload.objects.get()
    Upload.objects.filter(pk=upload.pk).update(
        expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert ingest.expire_stale_uploads() == 1
    upload.refresh_from_db()
    assert upload.status == UploadStatus.EXPIRED
    assert not Path(ingest.partial_path(upload.pk)).exists()
