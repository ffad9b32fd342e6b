"""Browser: recordings as body cameras write them play in Chromium, and the ledger tells a look
at the page (查看) from a playback (播放).

* the demo's MP4/H.264 recording (made by the demo loader's own function, as `make run` stores
  it) plays: readyState ≥ 2, time advances, videoWidth > 0;
* the demo's MP4/H.265 recording, which Chromium cannot decode, plays through its derived H.264
  copy (made by the background task, a separate object pointing to the original, ADR 0092);
* an H.265 clip without a copy: the page says up front that browsers cannot play it, and the
  player says so when playback fails.

Ledger: opening a page is one ``recording.view``; nothing is streamed before the play button;
one playback with a seek is one ``recording.stream`` (ADR 0091).
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from sanxiang.demo import enforcement as demo
from sanxiang.evidence import derivatives, media
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAY = """async () => {
    const video = document.getElementById('player');
    video.muted = true;
    try { await video.play(); } catch (e) { /* an unplayable source rejects */ }
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && !video.error && !video.dataset.failed
           && !(video.readyState >= 2 && video.currentTime > 0.5)) {
        await new Promise(r => setTimeout(r, 100));
    }
    return {readyState: video.readyState, time: video.currentTime, width: video.videoWidth,
            error: video.error && video.error.code, failed: !!video.dataset.failed,
            src: video.currentSrc};
}"""

SEEK = """async () => {
    const video = document.getElementById('player');
    const seeked = new Promise(r => video.addEventListener('seeked', r, {once: true}));
    video.currentTime = 0.3;
    await seeked;
    await new Promise(r => setTimeout(r, 500));
    video.pause();
    return video.currentTime;
}"""


def _clip(tmp_path, name: str, codec: str) -> bytes:
    if media.ffmpeg_path() is None:
        pytest.fail("ffmpeg is not installed: run `make system-deps`")
    path = tmp_path / name
    media.synthesize_clip(
        path, caption=f"执法记录仪 DSJ-0001 {name}", fallback_caption=name, codec=codec
    )
    return path.read_bytes()


@pytest.fixture
def world(transactional_db, province, tmp_path, settings):
    """The recordings are made by the demo loader's own function (what `make run` ships): the
    H.264 notification video of a case and the H.265 sealing video with its derived copy."""
    if media.ffmpeg_path() is None:
        pytest.fail("ffmpeg is not installed: run `make system-deps`")
    agency = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    officer = factories.officer(agency=agency, username="filmer", full_name="冯拍摄")
    partner = factories.officer(agency=agency, full_name="王搭档")
    head = factories.head(agency=agency, full_name="赵局长")
    mine = factories.mine(agency=agency, name="测试省播放煤业有限公司播放煤矿")
    case = factories.filed_case(officers=[officer, partner], mine=mine, head=head)
    now = timezone.now()
    h264 = demo.body_camera_recording(
        officer, case, "opinion_notification", "prior_notice", now, "告知执法意见（示例）"
    )
    hevc = demo.body_camera_recording(  # the task makes its playable copy at once
        officer, case, "sealing_seizure", "sealing_seizure", now, "查封现场（示例）", codec="hevc"
    )
    data = _clip(tmp_path, "DSJ_H265_NOCOPY.mp4", "hevc")
    settings.SANXIANG_FFMPEG = ""  # a server without ffmpeg: no copy for this one
    bare = factories.recording(
        actor=officer,
        data=data,
        filename="DSJ_H265_NOCOPY.mp4",
        content_type="video/mp4",
        title="现场检查执法记录（DSJ_H265_NOCOPY.mp4）",
        activity="inspection",
    )
    del settings.SANXIANG_FFMPEG
    return {"officer": officer, "h264": h264, "hevc": hevc, "bare": bare}


def login(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _accesses(recording) -> list[tuple[str, dict]]:
    entries = LedgerEntry.objects.filter(
        object_type="evidence.recording", object_id=str(recording.pk)
    ).exclude(action="recording.create")
    return [(e.action, json.loads(e.body)["details"]) for e in entries.order_by("seq")]


def test_h264_plays_h265_plays_through_its_copy_and_the_ledger_counts_playbacks(
    page, world, output_dir
):
    login(page, "filmer")

    # MP4/H.264: opening the page is one 查看; nothing is streamed until play is pressed.
    h264 = world["h264"]
    page.goto(f"{page.base_url}/evidence/recordings/{h264.pk}/")
    page.wait_for_selector("#player")
    page.wait_for_timeout(500)
    assert [a for a, _d in _accesses(h264)] == ["recording.view"]
    result = page.evaluate(PLAY)
    assert result["error"] is None and not result["failed"], result
    assert result["readyState"] >= 2 and result["time"] > 0.5 and result["width"] > 0, result
    page.evaluate(SEEK)
    page.screenshot(path=str(output_dir / "h264.png"), full_page=True)
    actions = [a for a, _d in _accesses(h264)]
    assert actions == ["recording.view", "recording.stream"], actions  # one playback, one 播放

    # MP4/H.265: the page plays the derived H.264 copy, and says so.
    hevc = world["hevc"]
    copy = derivatives.playable_copy(hevc)
    assert copy is not None and copy.recording_id == hevc.pk and copy.sha256 != hevc.sha256
    page.goto(f"{page.base_url}/evidence/recordings/{hevc.pk}/")
    assert "H.265" in page.inner_text("#player-copy-note")
    result = page.evaluate(PLAY)
    assert result["error"] is None and not result["failed"], result
    assert result["readyState"] >= 2 and result["time"] > 0.5 and result["width"] > 0, result
    assert result["src"].endswith(f"?copy={copy.pk}"), result
    page.screenshot(path=str(output_dir / "h265-copy.png"), full_page=True)
    streams = [d for a, d in _accesses(hevc) if a == "recording.stream"]
    assert len(streams) == 1 and streams[0]["derived"] == copy.pk, streams

    # H.265 without a copy: said up front, and the player says so when playback fails.
    bare = world["bare"]
    assert derivatives.playable_copy(bare) is None
    page.goto(f"{page.base_url}/evidence/recordings/{bare.pk}/")
    assert "H.265" in page.inner_text("#player-unplayable")
    assert page.locator("#player-problem").is_hidden()
    result = page.evaluate(PLAY)
    assert result["failed"], result
    assert page.locator("#player-problem").is_visible()
    assert "不能播放" in page.inner_text("#player-problem")
    page.screenshot(path=str(output_dir / "h265-unplayable.png"), full_page=True)
