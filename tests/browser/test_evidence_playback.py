"""Browser: an officer of another unit is refused a video, asks to retrieve it, a head approves,
and he then plays it in Chromium and seeks to the middle (HTTP range requests)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.browser import login as shared_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _make_video(path) -> bytes:
    """A 20-second WebM (VP8, a key frame every second) made by ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed (make system-deps installs it): no test video")
    source = "testsrc=duration=20:size=320x240:rate=10"
    encode = ["-c:v", "libvpx", "-b:v", "300k", "-g", "10"]
    subprocess.run(
        [ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i", source, *encode, "-y", str(path)],
        check=True,
        timeout=120,
    )
    return path.read_bytes()


@pytest.fixture
def world(transactional_db, tmp_path):
    national = factories.agency(name="国家局（播放测试）", short="国")
    provincial = factories.agency(parent=national, name="播放测试省局", short="播")
    sub_a = factories.agency(parent=provincial, name="播放测试甲分局", short="甲")
    sub_b = factories.agency(parent=provincial, name="播放测试乙分局", short="乙")
    recorder = factories.officer(agency=sub_a, username="recorder", full_name="周记录")
    factories.head(agency=sub_a, username="head_a", full_name="吴负责")
    outsider = factories.officer(agency=sub_b, username="outsider", full_name="郑外单位")
    recording = factories.recording(
        actor=recorder,
        data=_make_video(tmp_path / "clip.webm"),
        filename="DSJ_20260302_0930.webm",
        content_type="video/webm",
        title="查封现场执法记录",
        activity="sealing_seizure",
    )
    return {"recording": recording, "outsider": outsider}


def login(page, username: str) -> None:
    shared_login(page, username)


def test_retrieval_then_playback_with_seek(page, chromium, live_server, world, output_dir):
    recording = world["recording"]
    detail = f"{page.base_url}/evidence/recordings/{recording.pk}/"

    login(page, "outsider")
    assert page.goto(detail).status == 404  # another unit's record: not even its metadata
    response = page.request.get(f"{page.base_url}/evidence/recordings/{recording.pk}/stream")
    assert response.status == 404  # nor its content: as for a missing number (refusal logged)

    page.goto(page.base_url + "/evidence/")
    page.click("text=申请调阅")
    page.fill("#id_recording", str(recording.pk))
    page.fill("#id_purpose", "上级机构执法监督，复核查封程序")
    page.select_option("#id_scope", "view")
    page.click("button.primary")
    page.wait_for_selector("text=已提交调阅申请")
    assert page.goto(detail).status == 404  # a pending request grants nothing (ADR 0065)
    page.goto(page.base_url + "/evidence/retrievals/")
    assert recording.number in page.inner_text("table")
    page.screenshot(path=str(output_dir / "requested.png"), full_page=True)

    head_context = chromium.new_context(locale="zh-CN")
    head_page = head_context.new_page()
    head_page.base_url = page.base_url
    login(head_page, "head_a")
    head_page.goto(page.base_url + "/evidence/retrievals/")
    head_page.click("a[href*='/decide/']")
    head_page.fill("#id_note", "同意调阅，限期查看")
    head_page.click("main form button:has-text('批准')")  # the button says what it does
    head_page.wait_for_selector("text=已审批")
    head_context.close()

    page.goto(detail)
    page.wait_for_selector("#player")
    result = page.evaluate(
        """async () => {
            // A media event that never comes fails the test instead of hanging the suite.
            const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
                setTimeout(() => reject(new Error(what + ': no answer in 30 s')), 30000))]);
            const video = document.getElementById('player');
            video.muted = true;
            if (video.readyState < 1) {  // preload="none": nothing is fetched before playing
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
            await new Promise(r => setTimeout(r, 1200));
            video.pause();
            return {duration, afterSeek, playedTo: video.currentTime, error: video.error && video.error.code};
        }"""
    )
    page.screenshot(path=str(output_dir / "playing.png"), full_page=True)
    assert result["error"] is None, result
    assert 19 <= result["duration"] <= 21, result
    assert abs(result["afterSeek"] - result["duration"] / 2) < 1, result
    assert result["playedTo"] > result["afterSeek"], result

    streams = LedgerEntry.objects.filter(
        action="recording.stream",
        actor_id=world["outsider"].pk,
        object_id=str(recording.pk),
    )
    assert streams.exists()
    assert LedgerEntry.objects.filter(
        action="recording.access_refused", actor_id=world["outsider"].pk
    ).exists()
    assert LedgerEntry.objects.filter(action="retrieval.approve").count() == 1
    ranges = [json.loads(entry.body)["details"].get("range", "") for entry in streams]
    assert any(r.startswith("bytes=") for r in ranges), ranges
