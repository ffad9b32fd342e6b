"""Originals on S3-compatible object storage with Object Lock (ADR 0180), against SeaweedFS.

Skipped with the reason unless ``SANXIANG_TEST_S3=1`` (the S3 pass of ``tools/run-tests.sh``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from unittest import mock

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from sanxiang.core import blobstore
from sanxiang.core.models import StoredObject
from sanxiang.core.objectstore import PART_SIZE
from sanxiang.evidence import derivatives, fixity, ingest, media, playback
from sanxiang.evidence.models import DerivedKind, Upload, UploadStatus
from sanxiang.testing import factories

from .conftest import mp4_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def _raw_delete(store, path: str, version_id: str, *, bypass: bool = False) -> None:
    extra = {"BypassGovernanceRetention": True} if bypass else {}
    store.client.delete_object(
        Bucket=store.bucket_name, Key=store.key(path), VersionId=version_id, **extra
    )


def test_tus_upload_goes_to_the_bucket_locked_and_is_read_by_its_version(object_store, tus):
    data = mp4_bytes(40 * 1024 * 1024 + 4321)  # multipart: 8 MiB parts, the last short
    _url, last = tus.upload(data, chunk=8 * 1024 * 1024, title="井下巡查")
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.COMPLETE and last["Upload-Offset"] == str(len(data))
    recording = upload.recording
    row = StoredObject.objects.get(path=recording.blob_path)
    assert row.version_id and row.size == len(data) and row.sha256 == recording.sha256
    assert row.lock_mode == "GOVERNANCE"
    mode, until = object_store.retention(row.path, row.version_id)
    assert mode == "GOVERNANCE" and until > timezone.now() + datetime.timedelta(days=29)
    assert not ingest.partial_path(upload.pk).exists()
    assert blobstore.blob_local_path(recording.blob_path) is None

    # A range from the middle is a ranged GET of the pinned version.
    middle = len(data) // 2
    response = playback.ranged_response(
        path=recording.blob_path,
        size=len(data),
        content_type="video/mp4",
        range_header=f"bytes={middle}-{middle + 99_999}",
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {middle}-{middle + 99_999}/{len(data)}"
    assert b"".join(response.streaming_content) == data[middle : middle + 100_000]

    # Deleting the locked version by its VersionId is refused by the store itself.
    with pytest.raises(ClientError) as refused:
        _raw_delete(object_store, row.path, row.version_id)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"

    # An overwrite under the same key adds a version; what is served does not change.
    assert fixity.fixity_report().ok
    object_store.client.put_object(
        Bucket=object_store.bucket_name, Key=object_store.key(row.path), Body=b"forged"
    )
    assert object_store.latest(row.path).version_id != row.version_id
    assert hashlib.sha256(blobstore.blob_read(row.path)).hexdigest() == recording.sha256
    served = playback.ranged_response(
        path=row.path, size=len(data), content_type="video/mp4", range_header="bytes=0-15"
    )
    assert b"".join(served.streaming_content) == data[:16]

    # Fixity re-hashes the original from the store and flags the newer version.
    report = fixity.fixity_report()
    assert [p.kind for p in report.problems] == [fixity.NEWER_VERSION]
    assert report.problems[0].owner == f"evidence.recording:{recording.pk}"
    assert report.bytes_checked == len(data)


def test_delete_marker_is_reported_and_the_original_still_served(object_store, people):
    recording = factories.recording(actor=people["officer"])
    object_store.client.delete_object(
        Bucket=object_store.bucket_name, Key=object_store.key(recording.blob_path)
    )
    report = fixity.fixity_report()
    assert [p.kind for p in report.problems] == [fixity.DELETE_MARKER]
    assert hashlib.sha256(blobstore.blob_read(recording.blob_path)).hexdigest() == recording.sha256


def test_a_changed_pinned_version_is_reported_as_changed(object_store, people):
    recording = factories.recording(actor=people["officer"])
    forged = object_store.client.put_object(
        Bucket=object_store.bucket_name,
        Key=object_store.key(recording.blob_path),
        Body=b"not the original",
    )
    StoredObject.objects.filter(path=recording.blob_path).update(version_id=forged["VersionId"])
    kinds = {p.kind for p in fixity.fixity_report().problems}
    assert fixity.CHANGED in kinds


def test_derivatives_read_ranges_of_the_pinned_version_never_a_whole_copy(
    object_store, people, tmp_path
):
    """Thumbnail, probe and playable copy of an H.265 original on the store: ffmpeg reads a
    presigned URL of the version written at ingest by ranges; nothing copies the object whole,
    and a newer version under the same key is not what it reads."""
    if media.ffmpeg_path() is None:
        pytest.fail("ffmpeg is missing: run `make system-deps`")
    clip = tmp_path / "h265.mp4"
    media.synthesize_clip(clip, caption="井下巡查", fallback_caption="S3", seconds=2, codec="hevc")
    recording = factories.recording(actor=people["officer"], data=clip.read_bytes())
    assert blobstore.blob_local_path(recording.blob_path) is None
    version = StoredObject.objects.get(path=recording.blob_path).version_id
    source = blobstore.blob_tool_source(recording.blob_path)
    assert source.startswith("http") and f"versionId={version}" in source
    object_store.client.put_object(
        Bucket=object_store.bucket_name, Key=object_store.key(recording.blob_path), Body=b"x"
    )

    whole_copy = AssertionError("the original was copied whole")
    with mock.patch.object(blobstore, "blob_open", side_effect=whole_copy):
        assert derivatives.unplayable_info(recording).video_codec == "hevc"
        thumbnail = derivatives.thumbnail_create(recording_pk=recording.pk)
        playable = derivatives.playable_copy_create(recording_pk=recording.pk)
    assert thumbnail.kind == DerivedKind.THUMBNAIL
    assert blobstore.blob_read(thumbnail.blob_path)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert playable.kind == DerivedKind.TRANSCODE and playable.content_type == "video/mp4"
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(blobstore.blob_read(playable.blob_path))
    info = media.probe(copy)
    assert info.video_codec == "h264" and info.duration == pytest.approx(2, abs=0.5)


def test_filing_switches_to_compliance_and_only_an_approved_disposal_removes(object_store):
    kept = blobstore.blob_put(b"a filed document " + os.urandom(16))
    mistaken = blobstore.blob_put(b"a bystander's face " + os.urandom(16))
    until = timezone.localdate() + datetime.timedelta(days=3650)
    assert blobstore.blob_retain([kept.path], until) == 1
    row = StoredObject.objects.get(path=kept.path)
    assert row.lock_mode == "COMPLIANCE"
    assert object_store.retention(kept.path, row.version_id)[0] == "COMPLIANCE"
    with pytest.raises(ClientError):  # COMPLIANCE: not even with the governance bypass
        _raw_delete(object_store, kept.path, row.version_id, bypass=True)

    class Approved:
        approved_at = timezone.now()

    with pytest.raises(PermissionError):
        blobstore.remove_original(mistaken.path, disposal=None)
    assert blobstore.remove_original(mistaken.path, disposal=Approved()) is True
    assert not blobstore.blob_exists(mistaken.path)
    assert StoredObject.objects.get(path=mistaken.path).removed_at is not None
    with pytest.raises(ClientError):
        blobstore.remove_original(kept.path, disposal=Approved())
    assert blobstore.blob_exists(kept.path)


def _unfinished(store) -> list:
    answer = store.client.list_multipart_uploads(
        Bucket=store.bucket_name, Prefix=store.key("blobs")
    )
    return answer.get("Uploads", [])


def test_parts_go_ahead_during_the_upload_and_another_node_finishes(object_store, tus):
    from sanxiang.core import shipping

    data = mp4_bytes(3 * 16 * 1024 * 1024 + 777)
    created = tus.create(data)
    url = created["Location"]
    first = 40 * 1024 * 1024
    assert tus.patch(url, 0, data[:first]).status_code == 204
    upload = Upload.objects.get()
    sidecar = ingest.partial_path(upload.pk).with_suffix(".mpu.json")
    assert sidecar.exists()
    state = json.loads(sidecar.read_text())
    shipping._settle(state["upload_id"])  # as if this node died: its memory is gone
    ingest._state_drop(upload.pk)
    held = object_store.multipart_parts(state["path"], state["upload_id"])
    assert sorted(held) == list(range(1, first // PART_SIZE + 1))  # complete parts went ahead
    assert tus.patch(url, first, data[first:]).status_code == 204
    recording = Upload.objects.get().recording
    assert hashlib.sha256(blobstore.blob_read(recording.blob_path)).hexdigest() == recording.sha256
    assert not sidecar.exists() and _unfinished(object_store) == []


def test_a_rejected_upload_leaves_no_parts_behind(object_store, tus):
    data = mp4_bytes(20 * 1024 * 1024)
    created = tus.create(data, sha256=hashlib.sha256(b"something else").hexdigest(), sm3="")
    url = created["Location"]
    assert tus.patch(url, 0, data[: 18 * 1024 * 1024]).status_code == 204
    assert len(_unfinished(object_store)) == 1
    assert tus.patch(url, 18 * 1024 * 1024, data[18 * 1024 * 1024 :]).status_code == 460
    assert Upload.objects.get().status == UploadStatus.REJECTED
    assert _unfinished(object_store) == []
    assert not StoredObject.objects.exists()
