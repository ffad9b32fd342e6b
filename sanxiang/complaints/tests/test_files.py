"""Files of a report: quarantine, ClamAV, metadata stripped from every copy shown beyond intake
(a real JPEG with GPS and a device serial made by Pillow; an MP4 with a location made by
ffmpeg), adoption as evidence only by an officer."""

import io
import json
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from sanxiang.complaints import selectors, services
from sanxiang.complaints.models import ComplaintFile
from sanxiang.core import blobstore
from sanxiang.evidence.models import Recording

from .conftest import report_data
from .test_public import NEW, grant_for, tus_send

EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "TestMaker"
    exif[0x0110] = "TestPhone X"
    exif.get_ifd(EXIF_IFD)[0xA431] = "SERIAL-0042-XYZ"  # BodySerialNumber
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 54.0, 26.0), 3: "E", 4: (116.0, 23.0, 29.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def exif_of(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif(), image.info


def file_with(client, team, data: bytes, name: str, kind: str) -> ComplaintFile:
    grant = grant_for(client)
    done, upload_id = tus_send(client, grant, data, name=name, kind=kind)
    assert done.status_code == 204, done.content
    response = client.post(NEW, report_data(team, grant=grant, uploads=upload_id))
    assert response.status_code == 201
    return ComplaintFile.objects.get()


@pytest.mark.django_db
def test_jpeg_gps_and_serial_stripped_from_the_copy_staff_see(team):
    original = jpeg_with_gps()
    exif, _info = exif_of(original)
    assert exif.get_ifd(GPS_IFD) and exif.get_ifd(EXIF_IFD)[0xA431] == "SERIAL-0042-XYZ"
    client = Client()
    item = file_with(client, team, original, "现场.jpg", "image/jpeg")
    assert blobstore.blob_read(item.original_path) == original  # the quarantined original
    officer = team["officer"]
    assert selectors.file_for_viewing(user=officer, pk=item.pk) is None  # not before the scan
    staff = Client()
    staff.force_login(officer)
    assert staff.get(f"/complaints/files/{item.pk}").status_code == 404
    services.complaint_files_scan(complaint=item.complaint)
    item.refresh_from_db()
    assert item.scan_status == "clean", item.scan_detail
    shown = staff.get(f"/complaints/files/{item.pk}")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    exif, info = exif_of(shown.content)
    assert len(exif) == 0 and not exif.get_ifd(GPS_IFD) and "exif" not in info
    assert b"SERIAL-0042" not in shown.content and b"TestPhone" not in shown.content
    # adoption: the evidence recording holds the stripped copy, never the original
    recording = services.complaint_file_adopt(actor=officer, item=item)
    stored = blobstore.blob_read(Recording.objects.get(pk=recording.pk).blob_path)
    assert stored == shown.content and len(exif_of(stored)[0]) == 0
    with pytest.raises(ValidationError):
        services.complaint_file_adopt(actor=officer, item=item)
    # someone outside the agency never sees it
    assert selectors.file_for_viewing(user=team["outsider"], pk=item.pk) is None


@pytest.mark.django_db
def test_eicar_stays_quarantined_and_never_opens(team):
    complaint, _code = services.complaint_register(
        actor=team["officer"],
        channel="letter",
        data={**report_data(team, occurred_on=None), "mine": team["mine"]},
    )
    blob = blobstore.blob_put(EICAR.encode())
    item = ComplaintFile.objects.create(
        complaint=complaint,
        filename="信件附件.jpg",
        content_type="image/jpeg",
        size=blob.size,
        sha256=blob.sha256,
        original_path=blob.path,
    )
    services.complaint_files_scan(complaint=complaint)
    item.refresh_from_db()
    assert item.scan_status == "infected" and "EICAR" in item.scan_detail
    assert selectors.file_for_viewing(user=team["head"], pk=item.pk) is None


@pytest.mark.django_db
def test_video_metadata_removed_by_stream_copy(tmp_path):
    source = tmp_path / "in.mp4"
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
            "color=c=red:s=64x48:d=0.2", "-c:v", "mpeg4", "-metadata",
            "location=+39.9042+116.4074/", "-metadata", "comment=SERIAL-0042", str(source),
        ],
        check=True,
    )  # fmt: skip
    stripped = services.strip_metadata(source.read_bytes(), "video/mp4")
    out = tmp_path / "out.mp4"
    out.write_bytes(stripped)
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(out)],
            capture_output=True,
            check=True,
        ).stdout
    )
    tags = probe["format"].get("tags", {})
    assert "location" not in tags and "comment" not in tags
    assert b"39.9042" not in stripped and b"SERIAL-0042" not in stripped
    assert probe["streams"][0]["codec_name"] == "mpeg4"  # copied, not re-encoded
