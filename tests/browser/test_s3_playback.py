"""Browser, S3 pass (ADR 0180): a 1 GB recording (demo clip concatenated by stream copy) goes
through tus into SeaweedFS with Object Lock; Chromium plays a range from the middle; deleting
the locked version is refused by the store; an overwrite under the same key changes nothing
that is served, and fixity flags the newer version."""

from __future__ import annotations

import subprocess

import pytest
from botocore.exceptions import ClientError

from sanxiang.api.tokens import api_token_create
from sanxiang.core.models import StoredObject
from sanxiang.evidence import fixity
from sanxiang.evidence.models import Recording
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.bigvideo import long_recording
from sanxiang.testing.browser import login
from sanxiang.testing.ingest_server import run_uploader

pytestmark = [pytest.mark.browser, pytest.mark.s3, pytest.mark.django_db(transaction=True)]

SIZE = 1024**3


def test_one_gigabyte_recording_through_tus_into_s3_plays_from_the_middle(
    page, live_server, object_store, tmp_path, output_dir
):
    national = factories.agency(name="国家局（对象存储测试）", short="国")
    sub = factories.agency(parent=national, name="对象存储测试分局", short="存")
    recorder = factories.officer(agency=sub, username="recorder", full_name="周记录")
    _token, raw = api_token_create(actor=recorder, name="采集站", scopes=["upload"])
    source = long_recording(tmp_path / "DSJ_S3_long.mp4", SIZE)
    size = source.stat().st_size
    assert size >= SIZE

    uploader = run_uploader(
        source,
        live_server.url,
        raw,
        tmp_path / "state",
        "--chunk-size",
        "64",
        "--quiet",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = uploader.communicate(timeout=900)
    assert uploader.returncode == 0, (out, err)
    recording = Recording.objects.get()
    assert recording.size == size
    row = StoredObject.objects.get(path=recording.blob_path)
    assert row.lock_mode == "GOVERNANCE" and row.size == size

    login(page, "recorder")
    page.goto(f"{page.base_url}/evidence/recordings/{recording.pk}/")
    page.wait_for_selector("#player")
    result = page.evaluate(
        """async () => {
            const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
                setTimeout(() => reject(new Error(what + ': no answer in 60 s')), 60000))]);
            const video = document.getElementById('player');
            video.muted = true;
            if (video.readyState < 1) {
                video.preload = 'metadata';
                video.load();
                await within(new Promise(r => video.addEventListener('loadedmetadata', r, {once: true})), 'loadedmetadata');
            }
            const duration = video.duration;
            const seeked = new Promise(r => video.addEventListener('seeked', r, {once: true}));
            video.currentTime = duration / 2;
            await within(seeked, 'seeked');
            const afterSeek = video.currentTime;
            await within(video.play(), 'play');
            await new Promise(r => setTimeout(r, 1500));
            video.pause();
            return {duration, afterSeek, playedTo: video.currentTime, error: video.error && video.error.code};
        }"""
    )
    page.screenshot(path=str(output_dir / "s3-playing.png"), full_page=True)
    assert result["error"] is None, result
    assert result["duration"] > 600, result  # hours of camera time, not a short clip
    assert abs(result["afterSeek"] - result["duration"] / 2) < 5, result
    assert result["playedTo"] > result["afterSeek"], result
    streams = LedgerEntry.objects.filter(action="recording.stream", object_id=str(recording.pk))
    assert streams.exists()

    # The store refuses to delete the locked version by its VersionId.
    client, key = object_store.client, object_store.key(row.path)
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=object_store.bucket_name, Key=key, VersionId=row.version_id)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"

    # An overwrite under the same key: what is served stays the original.
    client.put_object(Bucket=object_store.bucket_name, Key=key, Body=b"forged overwrite")
    middle = size // 2
    served = page.request.get(
        f"{page.base_url}/evidence/recordings/{recording.pk}/stream",
        headers={"Range": f"bytes={middle}-{middle + 65535}"},
    )
    assert served.status == 206
    with open(source, "rb") as handle:
        handle.seek(middle)
        assert served.body() == handle.read(65536)

    # Fixity re-hashes the original from the store and flags the newer version.
    report = fixity.fixity_report()
    assert [p.kind for p in report.problems] == [fixity.NEWER_VERSION], report.text()
    assert report.bytes_checked >= size
