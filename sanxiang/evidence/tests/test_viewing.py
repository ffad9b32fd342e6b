"""ADR 0090 / 0091 / 0092: one 查看 per page, one 播放 per playback, refused page views logged; which
videos browsers play; the browser upload page's subject, its metadata check and its links."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanxiang.evidence import media, services
from sanxiang.evidence.models import Confidentiality
from sanxiang.evidence.viewing import range_start
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db


def _client(user, **kwargs) -> Client:
    return sign_in(Client(**kwargs), user)


def _accesses(recording) -> list[tuple[str, dict]]:
    entries = LedgerEntry.objects.filter(
        object_type="evidence.recording", object_id=str(recording.pk)
    ).exclude(action__in=("recording.create", "recording.confidentiality"))
    return [(e.action, json.loads(e.body)["details"]) for e in entries.order_by("seq")]


@pytest.fixture
def recording(people):
    return factories.recording(actor=people["officer"], title="现场执法记录", activity="inspection")


def test_range_start_reads_the_first_byte_asked_for():
    assert range_start(None) == 0 and range_start("") == 0
    assert range_start("bytes=0-") == 0 and range_start("bytes=0-99") == 0
    assert range_start("bytes=1-") == 1 and range_start("bytes=4096-8191") == 4096
    assert range_start("bytes=-500") is None  # the last 500 bytes: not the start
    assert range_start("items=3-4") == 0  # not a byte range: the whole file is served


def test_one_playback_is_one_entry_and_a_later_range_alone_is_a_new_playback(
    people, recording, settings
):
    officer = _client(people["officer"])
    stream = f"/evidence/recordings/{recording.pk}/stream"
    page = officer.get(f"/evidence/recordings/{recording.pk}/")
    assert page.status_code == 200 and 'preload="none"' in page.content.decode()
    for first in (0, 100, 200, 50):  # a playback: start, continue, seek back
        response = officer.get(stream, headers={"Range": f"bytes={first}-"})
        assert response.status_code == 206
    assert [a for a, _d in _accesses(recording)] == ["recording.view", "recording.stream"]

    officer.get(stream, headers={"Range": "bytes=0-"})  # played again from the start
    colleague_recording = factories.recording(actor=people["custodian"])
    custodian = _client(people["custodian"])
    # a range from the middle without a playback started: counted as one
    assert custodian.get(stream, headers={"Range": "bytes=100-"}).status_code == 206
    settings.SANXIANG_EVIDENCE_PLAYBACK_WINDOW = 0  # window over: the next range is new
    assert officer.get(stream, headers={"Range": "bytes=300-"}).status_code == 206
    actions = [(a, d["basis"], d.get("range", "")) for a, d in _accesses(recording)]
    assert actions == [
        ("recording.view", "team", ""),
        ("recording.stream", "team", "bytes=0-"),
        ("recording.stream", "team", "bytes=0-"),
        ("recording.stream", "custodian", "bytes=100-"),
        ("recording.stream", "team", "bytes=300-"),
    ]
    assert not _accesses(colleague_recording)


def test_refused_page_views_and_every_refused_range_are_logged(people, recording):
    services.recording_set_confidentiality(
        actor=people["head"],
        recording=recording,
        level=Confidentiality.TRADE_SECRET,
        reason="涉及煤矿开采工艺",
    )
    colleague = _client(people["colleague"])  # same bureau, not on the team
    page = colleague.get(f"/evidence/recordings/{recording.pk}/")
    assert page.status_code == 200 and 'id="player"' not in page.content.decode()
    stream = f"/evidence/recordings/{recording.pk}/stream"
    assert colleague.get(stream, headers={"Range": "bytes=0-"}).status_code == 403
    assert colleague.get(stream, headers={"Range": "bytes=100-"}).status_code == 403
    refusals = [
        (d["mode"], d.get("range"))
        for a, d in _accesses(recording)
        if a == "recording.access_refused"
    ]
    assert refusals == [("view", None), ("stream", "bytes=0-"), ("stream", "bytes=100-")]
    refused = LedgerEntry.objects.filter(action="recording.access_refused").first()
    assert refused.actor_id == people["colleague"].pk


def _info(container="mp4", video="h264", pixels="yuv420p", audio="aac") -> media.MediaInfo:
    return media.MediaInfo(container, video, pixels, audio, 1280, 720, 10.0)


def test_which_camera_files_browsers_play():
    assert media.browser_playable(_info(), "video/mp4")
    assert media.browser_playable(_info(video="vp9", audio="opus"), "video/webm")
    assert media.browser_playable(_info(audio=""), "video/mp4")  # no sound track
    assert not media.browser_playable(_info(video="hevc"), "video/mp4")  # H.265
    assert not media.browser_playable(_info(pixels="yuv420p10le"), "video/mp4")  # High 10
    assert not media.browser_playable(_info(pixels="yuv422p"), "video/mp4")  # 4:2:2
    assert not media.browser_playable(_info(audio="pcm_s16le"), "video/mp4")
    assert not media.browser_playable(_info(), "video/mp2t")  # MPEG-TS from older cameras
    assert not media.browser_playable(_info(video="mpeg2video"), "video/mp4")
    assert _info(video="hevc").video_codec_name == "H.265（HEVC）"


# --- the browser upload page ------------------------------------------------------------------


@pytest.fixture
def case(people):
    province = people["province"]
    factories.enforcement_catalogs(agency=province["provincial"])
    officers = [people["officer"], people["colleague"]]
    mine = factories.mine(agency=province["a"], name="上传页测试煤矿")
    return factories.filed_case(officers=officers, mine=mine, head=people["head"])


def test_upload_page_takes_its_subject_from_the_link_and_shows_it_in_words(people, case):
    officer = _client(people["officer"])
    html = officer.get(f"/evidence/recordings/new/?case={case.pk}&stage=investigation").content
    html = html.decode()
    assert f"行政处罚案件：{case.cause}" in html and f'href="/cases/{case.pk}/"' in html
    assert f'data-subject="cases.case:{case.pk}"' in html
    assert "cases.case" not in html.replace(f'data-subject="cases.case:{case.pk}"', "")
    assert 'value="investigation"' in html  # the stage is pre-filled
    assert "<script>" not in html and "onclick" not in html  # code only in static files
    for src in ("vendor/tus-js-client-4.3.1/tus.min.js", "evidence/upload.js"):
        assert src in html

    outsider = _client(people["other_officer"])  # another bureau's case: refused, not used
    html = outsider.get(f"/evidence/recordings/new/?case={case.pk}").content.decode()
    assert "不在您的管辖范围内" in html and 'data-subject=""' in html
    linked = officer.get(f"/evidence/recordings/new/?subject=cases.case:{case.pk}")
    assert f"行政处罚案件：{case.cause}" in linked.content.decode()  # the case page's own link
    html = officer.get("/evidence/recordings/new/?inspection=abc").content.decode()
    assert "编号有误" in html


def test_upload_check_needs_csrf_and_answers_field_by_field(people):
    client = sign_in(Client(enforce_csrf_checks=True), people["officer"])
    page = client.get("/evidence/recordings/new/")
    token = page.cookies["csrftoken"].value
    body = {"metadata": {"activity": "dancing", "underground": "1", "started_at": "yesterday"}}
    url = "/evidence/uploads/check"
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 403  # no CSRF token: refused like any session write
    answer = client.post(
        url, json.dumps(body), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    fields = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert set(fields) == {"activity", "device", "started_at"}, fields
    assert "防爆" in fields["device"] and "ISO 8601" in fields["started_at"]
    good = {"metadata": {"activity": "inspection", "officers": people["officer"].username}}
    ok = client.post(
        url, json.dumps(good), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 204
    junk = client.post(
        url, "[1, 2", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert junk.status_code == 400 and junk.json()["title"] == "请求格式有误。"
    assert client.get(url).status_code == 405


def test_a_finished_upload_leads_its_owner_to_the_recording_and_nobody_else(people, tus):
    from sanxiang.evidence.tests.conftest import mp4_bytes

    url, _last = tus.upload(mp4_bytes(300_000))
    upload_id = url.rstrip("/").rsplit("/", 1)[-1]
    owner = _client(people["officer"])
    response = owner.get(f"/evidence/uploads/{upload_id}/recording")
    assert response.status_code == 302 and "/evidence/recordings/" in response["Location"]
    other = _client(people["colleague"])
    assert other.get(f"/evidence/uploads/{upload_id}/recording").status_code == 404
