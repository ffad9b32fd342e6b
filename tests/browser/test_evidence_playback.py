"""Browser: an officer of another unit is refused a video, asks to retrieve it, a head approves,
and he then plays it in Chromium and seeks to the middle (HTTP range requests)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

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
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def test_retrieval_then_playback_with_seek(page, chromium, live_server, world, output_dir):
    recording = world["recording"]
    detail = f"{page.base_url}/evidence/recordings/{recording.pk}/"

    login(page, "outsider")
    assert page.goto(detail).status == 404  # another unit's record: not even its metadata
    response = page.request.get(f"{page.base_url}/evidence/recordings/{recording.pk}/stream")
    assert response.status == 403  # and its content is refused (and the refusal logged)

    page.goto(page.base_url + "/evidence/")
    page.click("text=申请调阅")
    page.fill("#id_recording", str(recording.pk))
    page.fill("#id_purpose", "上级机构执法监督，复核查封程序")
    page.select_option("#id_scope", "view")
    page.click("button.primary")
    page.wait_for_selector("text=已提交调阅申请")
    page.goto(detail)
    assert "调阅该音像记录须经审批" in page.inner_text(".notice")
    assert page.locator("#player").count() == 0
    page.screenshot(path=str(output_dir / "requested.png"), full_page=True)

    head_context = chromium.new_context(locale="zh-CN")
    head_page = head_context.new_page()
    head_page.base_url = page.base_url
    login(head_page, "head_a")
    head_page.goto(page.base_url + "/evidence/retrievals/")
    head_page.click("a[href*='/decide/']")
    head_page.check("input[value=approve]")
    head_page.fill("#id_note", "同意调阅，限期查看")
    head_page.click("button.primary")
    head_page.wait_for_selector("text=已审批")
    head_context.close()

    page.goto(detail)
    page.wait_for_selector("#player")
    result = page.evaluate(
        """async () => {
            const video = document.getElementById('player');
            video.muted = true;
            if (video.readyState < 1) {
                await new Promise(r => video.addEventListener('loadedmetadata', r, {once: true}));
            }
            const duration = video.duration;
            const seeked = new Promise(r => video.addEventListener('seeked', r, {once: true}));
            video.currentTime = duration / 2;
            await seeked;
            const afterSeek = video.currentTime;
            await video.play();
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
