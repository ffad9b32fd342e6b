"""GS-MID-3: the public report form — PoW, rate limits, grants, attachments, progress query."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from sanxiang.complaints.models import Complaint, ComplaintFile, PublicUpload
from sanxiang.complaints.workflow import ComplaintStatus

from .conftest import fresh_captcha, report_data

NEW = "/public/complaints/"


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def file_report(client, team, **extra):
    data = report_data(team, captcha=fresh_captcha(), **extra)
    return client.post(NEW, data)


def tus_send(client, grant: str, data: bytes, name="photo.jpg", kind="image/jpeg"):
    import base64

    meta = f"filename {base64.b64encode(name.encode()).decode()},filetype {base64.b64encode(kind.encode()).decode()}"
    created = client.post(
        "/public/complaints/tus/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=meta,
        HTTP_SANXIANG_GRANT=grant,
    )
    if created.status_code != 201:
        return created, None
    upload_id = created["Location"].rsplit("/", 1)[-1]
    patched = client.generic(
        "PATCH",
        f"/public/complaints/tus/{upload_id}",
        data,
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
        HTTP_SANXIANG_GRANT=grant,
    )
    return patched, upload_id


def grant_for(client) -> str:
    response = client.post("/public/complaints/grant/", {"captcha": fresh_captcha()})
    assert response.status_code == 200, response.content
    return response.json()["grant"]


@pytest.mark.django_db
def test_anonymous_report_gets_number_and_code_and_progress(team):
    client = Client()
    page = client.get(NEW)
    assert page.status_code == 200 and "data-challenge" in page.content.decode()
    response = file_report(client, team, reporter_name="", reporter_contact="")
    assert response.status_code == 201, response.content.decode()[:2000]
    body = response.content.decode()
    number = re.search(r'id="complaint-number">([^<]+)<', body).group(1)
    code = re.search(r'id="complaint-code">([^<]+)<', body).group(1)
    complaint = Complaint.objects.get(number=number)
    assert complaint.anonymous and complaint.agency == team["agency"]
    assert complaint.status == ComplaintStatus.RECEIVED
    assert code not in complaint.query_code_hash
    progress = client.post("/public/complaints/progress/", {"number": number, "code": code})
    assert progress.status_code == 200
    assert "已收到，待受理" in progress.content.decode()
    wrong = client.post("/public/complaints/progress/", {"number": number, "code": "WRONG"})
    assert wrong.status_code == 404


@pytest.mark.django_db
def test_report_without_proof_of_work_is_refused_and_nothing_saved(team):
    client = Client()
    response = client.post(NEW, report_data(team, captcha=""))
    assert response.status_code == 400
    assert "人机验证" in response.content.decode()
    # a spent challenge cannot be used twice
    captcha = fresh_captcha()
    assert client.post(NEW, report_data(team, captcha=captcha)).status_code == 201
    again = client.post(NEW, report_data(team, captcha=captcha))
    assert again.status_code == 400
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_flood_beyond_the_hourly_limit_gets_429(team, settings):
    settings.SANXIANG_COMPLAINT_POSTS_PER_HOUR = 4
    client = Client()
    codes = [file_report(client, team).status_code for _ in range(6)]
    assert codes[:4] == [201, 201, 201, 201]
    assert codes[4:] == [429, 429]
    assert Complaint.objects.count() == 4
    # another address is not affected
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert file_report(other, team).status_code == 201


@pytest.mark.django_db
def test_reports_per_hour_limit(team, settings):
    settings.SANXIANG_COMPLAINT_REPORTS_PER_HOUR = 2
    client = Client()
    codes = [file_report(client, team).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_photo_through_grant_and_tus_becomes_a_quarantined_file(team):
    client = Client()
    grant = grant_for(client)
    done, upload_id = tus_send(client, grant, jpeg_bytes())
    assert done.status_code == 204
    # without the grant the upload is not found; with another grant neither
    assert (
        client.head(f"/public/complaints/tus/{upload_id}", HTTP_TUS_RESUMABLE="1.0.0").status_code
        == 403
    )
    response = client.post(NEW, report_data(team, grant=grant, uploads=upload_id))
    assert response.status_code == 201, response.content.decode()[:3000]
    item = ComplaintFile.objects.get()
    assert item.scan_status == "quarantined" and item.clean_path == ""
    # the grant is spent
    assert client.post(NEW, report_data(team, grant=grant, uploads=upload_id)).status_code == 400


@pytest.mark.django_db
def test_oversize_and_wrong_type_attachments_are_refused(team, settings):
    settings.SANXIANG_COMPLAINT_FILE_MAX = 1000
    client = Client()
    grant = grant_for(client)
    big, _ = tus_send(client, grant, b"\xff\xd8\xff" + b"0" * 2000)
    assert big.status_code == 413
    exe, _ = tus_send(
        client, grant, b"MZ" + b"0" * 100, name="a.exe", kind="application/x-msdownload"
    )
    assert exe.status_code == 415
    fake, upload_id = tus_send(client, grant, b"MZ" + b"0" * 100, name="a.jpg", kind="image/jpeg")
    assert fake.status_code == 415
    assert PublicUpload.objects.get(pk=upload_id).status == "rejected"
    # the report referring to a refused upload is refused whole
    response = client.post(NEW, report_data(team, grant=grant, uploads=upload_id))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0 and ComplaintFile.objects.count() == 0


@pytest.mark.django_db
def test_files_per_report_quota(team, settings):
    settings.SANXIANG_COMPLAINT_FILES_PER_REPORT = 1
    client = Client()
    grant = grant_for(client)
    assert tus_send(client, grant, jpeg_bytes())[0].status_code == 204
    assert tus_send(client, grant, jpeg_bytes())[0].status_code == 413


@pytest.mark.django_db
def test_hostile_text_is_escaped_everywhere_and_never_500(team):
    client = Client()
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    fields = ["mine_text", "description", "place", "reporter_name", "reporter_contact"]
    data = report_data(team, **{f: script[:45] for f in fields})
    data["mine"] = ""
    data["agency"] = team["agency"].pk
    data["captcha"] = fresh_captcha()
    response = client.post(NEW, data)
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.description.startswith("<script>")
    # invalid everything: escaped on the re-rendered form, 400 not 500
    bad = client.post(
        NEW,
        {
            "mine": "<script>",
            "agency": "x'><script>",
            "category": "<script>",
            "description": "a\x00b",
            "occurred_on": "<script>",
            "captcha": "<script>",
            "uploads": "<script>",
            "grant": "<b>",
        },
    )
    assert bad.status_code == 400
    assert "<script>" not in bad.content.decode().replace("<script src=", "")
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_hostile_tus_requests_never_500(team):
    client = Client()
    grant = grant_for(client)
    tus = "/public/complaints/tus/"
    cases = [
        client.post(tus),  # no Tus-Resumable
        client.post(tus, HTTP_TUS_RESUMABLE="1.0.0"),  # no grant
        client.post(tus, HTTP_TUS_RESUMABLE="1.0.0", HTTP_SANXIANG_GRANT="x" * 500),
        client.post(
            tus, HTTP_TUS_RESUMABLE="1.0.0", HTTP_SANXIANG_GRANT=grant, HTTP_UPLOAD_LENGTH="-1"
        ),
        client.post(
            tus,
            HTTP_TUS_RESUMABLE="1.0.0",
            HTTP_SANXIANG_GRANT=grant,
            HTTP_UPLOAD_LENGTH="10",
            HTTP_UPLOAD_METADATA="filename ###,filetype <script>",
        ),
        client.generic(
            "PATCH",
            tus + "nonexistent",
            b"abc",
            HTTP_TUS_RESUMABLE="1.0.0",
            HTTP_SANXIANG_GRANT=grant,
        ),
        client.head(
            tus + "../../etc/passwd", HTTP_TUS_RESUMABLE="1.0.0", HTTP_SANXIANG_GRANT=grant
        ),
        client.get(tus + "x", HTTP_TUS_RESUMABLE="1.0.0", HTTP_SANXIANG_GRANT=grant),
        client.post("/public/complaints/grant/", {"captcha": "<script>"}),
        client.post("/public/complaints/progress/", {"number": "<script>", "code": "\x00"}),
    ]
    statuses = [r.status_code for r in cases]
    assert all(400 <= s < 500 for s in statuses), statuses
    _done, upload_id = tus_send(client, grant, jpeg_bytes())
    wrong_offset = client.generic(
        "PATCH",
        f"{tus}{upload_id}",
        b"xx",
        content_type="application/offset+octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
        HTTP_SANXIANG_GRANT=grant,
    )
    assert wrong_offset.status_code == 409


@pytest.mark.django_db
def test_purge_removes_unused_grants_only(team):
    import datetime

    from django.utils import timezone

    from sanxiang.complaints.models import UploadGrant
    from sanxiang.complaints.services.intake import intake_purge

    client = Client()
    unused = grant_for(client)
    tus_send(client, unused, jpeg_bytes())
    used = grant_for(client)
    _done, upload_id = tus_send(client, used, jpeg_bytes())
    assert client.post(NEW, report_data(team, grant=used, uploads=upload_id)).status_code == 201
    UploadGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(days=2))
    assert intake_purge() == 1
    assert UploadGrant.objects.count() == 1 and ComplaintFile.objects.count() == 1
