"""The tus 1.0 endpoints: creation, offsets, checksums, completion with a signed receipt, and
hostile uploads refused cleanly with nothing stored (JL-AV-3, JL-USE-3)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.test import Client, override_settings

from sanxiang.core import blobstore
from sanxiang.evidence import ingest
from sanxiang.evidence.models import Recording, Upload, UploadStatus
from sanxiang.evidence.receipts import receipt_open
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing.auth import sign_in

from .conftest import Tus, mp4_bytes

pytestmark = pytest.mark.django_db


def _blob_stored(sha256: str) -> bool:
    return blobstore.blob_exists(blobstore.blob_path(sha256))


def test_options_advertise_tus_capabilities(tus):
    response = tus.client.options("/evidence/tus/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) >= {"creation", "termination", "checksum"}
    assert "sm3" in response["Tus-Checksum-Algorithm"]
    assert int(response["Tus-Max-Size"]) > 0


def test_upload_in_chunks_is_stored_verified_and_receipted(tus, people):
    data = mp4_bytes(3 * 1024 * 1024 + 123)
    url, last = tus.upload(data, chunk=1024 * 1024, activity="sealing_seizure", title="查封现场")
    assert last["Upload-Offset"] == str(len(data))
    receipt_url = last["Sanxiang-Receipt"]

    upload = Upload.objects.get()
    assert upload.status == UploadStatus.COMPLETE
    recording = upload.recording
    assert recording.sha256 == hashlib.sha256(data).hexdigest()
    assert recording.sm3 == hashlib.new("sm3", data).hexdigest()
    assert recording.activity == "sealing_seizure" and recording.title == "查封现场"
    assert list(recording.officers.all()) == [people["officer"]]
    assert blobstore.blob_read(recording.blob_path) == data
    local = blobstore.blob_local_path(recording.blob_path)
    assert oct(local.stat().st_mode & 0o777) == "0o444"  # write-once on disk
    assert not ingest.partial_path(upload.pk).exists()

    receipt = tus.client.get(receipt_url, headers=tus.headers)
    assert receipt.status_code == 200
    note, fields = receipt_open(receipt.content.decode())
    assert {s.name for s in note.signatures} and len(note.signatures) == 2  # SM2 and Ed25519
    assert fields["sha256"] == recording.sha256 and fields["sm3"] == recording.sm3
    assert fields["size"] == str(len(data))
    assert fields["advice"] == "safe-to-wipe-device"
    completion = LedgerEntry.objects.get(action="evidence.upload.complete")
    assert f'"receipt_sm3":"{upload.receipt_sm3}"' in completion.body
    assert hashlib.new("sm3", receipt.content).hexdigest() == upload.receipt_sm3
    head = tus.head(url)
    assert head["Upload-Offset"] == str(len(data)) and head["Sanxiang-Receipt"] == receipt_url


def test_lost_hash_state_is_rebuilt_from_the_partial_file(tus):
    data = mp4_bytes(2 * 1024 * 1024)
    created = tus.create(data)
    url = created["Location"]
    assert tus.patch(url, 0, data[:700_000]).status_code == 204
    ingest._states.clear()  # as after a restart or on another worker
    assert tus.patch(url, 700_000, data[700_000:]).status_code == 204
    assert Recording.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_stale_bytes_past_the_committed_offset_are_cut_off(tus):
    data = mp4_bytes(1024 * 1024)
    url = tus.create(data)["Location"]
    assert tus.patch(url, 0, data[:1000]).status_code == 204
    upload = Upload.objects.get()
    with open(ingest.partial_path(upload.pk), "ab") as handle:  # a killed request's leftovers
        handle.write(b"garbage that was never acknowledged")
    assert tus.head(url)["Upload-Offset"] == "1000"
    assert tus.patch(url, 1000, data[1000:]).status_code == 204
    assert Recording.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_wrong_declared_whole_file_checksum_is_refused_and_nothing_stored(tus):
    data = mp4_bytes(600_000)
    url = tus.create(data, sha256=hashlib.sha256(b"something else").hexdigest())["Location"]
    assert tus.patch(url, 0, data[:300_000]).status_code == 204
    response = tus.patch(url, 300_000, data[300_000:])
    assert response.status_code == 460
    assert "SHA-256" in response.json()["title"]
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.REJECTED
    assert not Recording.objects.exists()
    assert not _blob_stored(hashlib.sha256(data).hexdigest())
    assert not ingest.partial_path(upload.pk).exists()
    assert tus.head(url).status_code == 410
    assert LedgerEntry.objects.filter(action="evidence.upload.reject").count() == 1


def test_chunk_checksum_mismatch_drops_the_chunk_only(tus):
    data = mp4_bytes(400_000)
    url = tus.create(data)["Location"]
    response = tus.patch(url, 0, data[:200_000], checksum=("sm3", b"not these bytes"))
    assert response.status_code == 460
    assert tus.head(url)["Upload-Offset"] == "0"
    assert tus.patch(url, 0, data[:200_000], checksum=("sm3", data[:200_000])).status_code == 204
    response = tus.patch(url, 200_000, data[200_000:], checksum=("sha256", data[200_000:]))
    assert response.status_code == 204
    assert Recording.objects.get().sm3 == hashlib.new("sm3", data).hexdigest()


def test_unknown_checksum_algorithm_is_400(tus):
    data = mp4_bytes(1000)
    url = tus.create(data)["Location"]
    headers = dict(tus.headers, **{"Upload-Offset": "0", "Upload-Checksum": "md5 AAAA"})
    response = tus.client.generic(
        "PATCH", url, data=data, content_type="application/offset+octet-stream", headers=headers
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.mp4",
        "..\\..\\windows\\evil.mp4",
        "/etc/cron.d/x.mp4",
        "a/b.mp4",
        "..",
        ".hidden.mp4",
        "evil\x00.mp4",
        "con\nsole.mp4",
    ],
)
def test_path_traversal_file_names_are_refused(tus, filename):
    response = tus.create(mp4_bytes(1000), filename=filename)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "filename"
    assert not Upload.objects.exists()


def test_declared_size_over_the_maximum_is_413(tus):
    with override_settings(SANXIANG_EVIDENCE_MAX_SIZE=1024 * 1024):
        response = tus.create(length=1024 * 1024 + 1, sha256="0" * 64)
        assert response.status_code == 413
        assert tus.create(mp4_bytes(1024 * 1024)).status_code == 201
    assert Upload.objects.count() == 1


def test_content_not_matching_its_declared_type_is_refused(tus):
    pdf = b"%PDF-1.7\n" + os.urandom(5000)
    url = tus.create(pdf, filename="DSJ_0002.mp4", filetype="video/mp4")["Location"]
    response = tus.patch(url, 0, pdf)
    assert response.status_code == 415
    upload = Upload.objects.get()
    assert upload.status == UploadStatus.REJECTED
    assert not ingest.partial_path(upload.pk).exists()
    assert not _blob_stored(hashlib.sha256(pdf).hexdigest())
    assert not Recording.objects.exists()


def test_extension_and_type_must_agree_and_type_must_be_accepted(tus):
    data = mp4_bytes(1000)
    assert tus.create(data, filename="scan.pdf", filetype="video/mp4").status_code == 400
    response = tus.create(data, filename="run.sh", filetype="application/x-sh")
    assert response.status_code == 400
    assert "不支持的文件类型" in response.json()["errors"][0]["message"]
    assert not Upload.objects.exists()


def test_whole_file_hash_must_be_declared(tus):
    response = tus.create(length=1000, filename="a.mp4", filetype="video/mp4")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "sha256"


def test_another_users_upload_url_is_404_and_untouched(tus, people):
    data = mp4_bytes(50_000)
    url = tus.create(data)["Location"]
    assert tus.patch(url, 0, data[:10_000]).status_code == 204
    intruder = Client()
    sign_in(intruder, people["other_officer"])
    csrf_free = Tus(intruder)
    colleague = Client()
    sign_in(colleague, people["colleague"])
    for other in (csrf_free, Tus(colleague)):
        assert other.head(url).status_code == 404
        assert other.patch(url, 10_000, data[10_000:]).status_code == 404
        assert other.delete(url).status_code == 404
        assert other.client.get(url + "/receipt", headers=other.headers).status_code == 404
    assert tus.head(url)["Upload-Offset"] == "10000"
    assert Upload.objects.get().status == UploadStatus.UPLOADING


def test_offset_mismatch_is_409(tus):
    data = mp4_bytes(20_000)
    url = tus.create(data)["Location"]
    assert tus.patch(url, 5, data[5:]).status_code == 409
    assert tus.head(url)["Upload-Offset"] == "0"


def test_body_past_the_declared_length_is_413(tus):
    data = mp4_bytes(20_000)
    url = tus.create(data)["Location"]
    assert tus.patch(url, 0, data + b"extra").status_code == 413


def test_protocol_version_and_content_type_are_checked(tus):
    data = mp4_bytes(2000)
    url = tus.create(data)["Location"]
    response = tus.client.generic(
        "PATCH",
        url,
        data=data,
        content_type="application/offset+octet-stream",
        headers={"Authorization": tus.headers["Authorization"], "Upload-Offset": "0"},
    )
    assert response.status_code == 412
    headers = dict(tus.headers, **{"Upload-Offset": "0"})
    response = tus.client.generic(
        "PATCH", url, data=data, content_type="application/octet-stream", headers=headers
    )
    assert response.status_code == 415


def test_termination_removes_the_partial_file(tus):
    data = mp4_bytes(20_000)
    url = tus.create(data)["Location"]
    tus.patch(url, 0, data[:5000])
    upload = Upload.objects.get()
    assert ingest.partial_path(upload.pk).exists()
    assert tus.delete(url).status_code == 204
    upload.refresh_from_db()
    assert upload.status == UploadStatus.TERMINATED
    assert not ingest.partial_path(upload.pk).exists()
    assert tus.head(url).status_code == 410
    assert tus.patch(url, 5000, data[5000:]).status_code == 410


def test_anonymous_and_bad_tokens_are_401(people):
    assert Tus(Client()).create(mp4_bytes(100)).status_code == 401
    assert Tus(Client(), "sx_not-a-token").create(mp4_bytes(100)).status_code == 401


def test_session_uploads_need_csrf_token_requests_do_not(people):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people["officer"])
    assert Tus(client).create(mp4_bytes(100)).status_code == 403
    client.get("/evidence/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    session = Tus(client)
    session.headers["X-CSRFToken"] = token
    assert session.create(mp4_bytes(100)).status_code == 201
    bearer = Tus(Client(enforce_csrf_checks=True), people["token"])
    assert bearer.create(mp4_bytes(100)).status_code == 201


def test_metadata_is_checked_before_any_byte(tus, people, province):
    response = tus.create(
        mp4_bytes(1000),
        activity="dancing",
        subject="registry.coalmine:999999",
        device="NO-SUCH-DEVICE",
        started_at="yesterday",
        underground="1",
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"activity", "subject", "device", "started_at"} <= fields
    assert not Upload.objects.exists()


def test_disconnect_mid_patch_keeps_what_arrived(tus):
    data = mp4_bytes(3 * 1024 * 1024)
    url = tus.create(data)["Location"]
    upload = Upload.objects.get()

    class Dropping(io.RawIOBase):
        def __init__(self):
            self.sent = 0

        def read(self, n=-1):
            if self.sent >= 1_500_000:
                raise ConnectionResetError("client went away")
            chunk = data[self.sent : self.sent + min(n, 500_000)]
            self.sent += len(chunk)
            return chunk

    result = ingest.upload_append(
        upload=upload, offset=0, stream=Dropping(), content_length=len(data)
    )
    assert result.upload.offset == 1_500_000 and not result.complete
    assert tus.head(url)["Upload-Offset"] == "1500000"
    assert tus.patch(url, 1_500_000, data[1_500_000:]).status_code == 204
    assert Recording.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_receipt_keys_are_published(client):
    text = client.get("/evidence/receipt-keys.txt").content.decode()
    assert "+" in text and len([ln for ln in text.splitlines() if not ln.startswith("#")]) == 2


def test_staging_is_local_and_inside_the_storage_root(settings):
    assert Path(blobstore.staging_dir()).is_dir()
    assert Path(blobstore.staging_dir()).parent == Path(settings.MEDIA_ROOT)
