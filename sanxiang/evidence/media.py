"""ffmpeg and ffprobe: what a video is made of, a copy a browser can play, and short clips.

* :func:`probe` reads the container and codecs with ``ffprobe`` (JSON output).
* :func:`browser_playable` says whether Chromium, Firefox and Edge play a file as it is: MP4 or
  WebM with H.264 (8-bit 4:2:0), VP8, VP9 or AV1 video. Body cameras often record H.265/HEVC,
  which browsers without a hardware decoder do not play (ADR 0092).
* :func:`transcode_playable` makes an MP4/H.264/AAC copy (``+faststart``, so playback starts
  before the whole file arrives). The original is only read.
* :func:`synthesize_clip` makes a few seconds of test pattern with a burned-in caption, as a
  body camera burns in its device number and the time: real demo evidence, and test videos.

Without ffmpeg on the machine nothing here raises at import time; callers get ``None`` or
:class:`MediaError` and carry on (the setup installs ffmpeg: ``tools/system-deps.sh``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .conf import setting

BROWSER_CONTAINERS = frozenset({"video/mp4", "video/webm"})
BROWSER_VIDEO_CODECS = frozenset({"h264", "vp8", "vp9", "av1"})
BROWSER_AUDIO_CODECS = frozenset({"aac", "mp3", "opus", "vorbis", "flac"})
# H.264 beyond 8-bit 4:2:0 (High 10, High 4:2:2) is not decoded by browsers in software.
H264_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p"})
CODEC_NAMES = {"hevc": "H.265（HEVC）", "h264": "H.264", "mpeg2video": "MPEG-2", "mpeg4": "MPEG-4"}

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei")
_CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
_LATIN_FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)


class MediaError(Exception):
    """ffmpeg or ffprobe is missing or failed on a file."""


@dataclass(frozen=True)
class MediaInfo:
    format_name: str
    video_codec: str
    pixel_format: str
    audio_codec: str
    width: int
    height: int
    duration: float

    @property
    def video_codec_name(self) -> str:
        return CODEC_NAMES.get(self.video_codec, self.video_codec.upper())


def ffmpeg_path() -> str | None:
    configured = setting("SANXIANG_FFMPEG")
    return shutil.which(configured) if configured else None


def ffprobe_path() -> str | None:
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        return None
    sibling = Path(ffmpeg).with_name("ffprobe")
    return str(sibling) if sibling.exists() else shutil.which("ffprobe")


def probe(path: Path | str) -> MediaInfo | None:
    """The first video and audio stream of a file (a path, or a URL ffprobe reads by ranges),
    or None when it cannot be read."""
    ffprobe = ffprobe_path()
    if ffprobe is None:
        return None
    command = [ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    try:
        done = subprocess.run(command, check=True, timeout=60, capture_output=True)
        data = json.loads(done.stdout.decode("utf-8", "replace"))
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), {})
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    try:
        duration = float((data.get("format") or {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    return MediaInfo(
        format_name=str((data.get("format") or {}).get("format_name", "")),
        video_codec=str(video.get("codec_name", "")),
        pixel_format=str(video.get("pix_fmt", "")),
        audio_codec=str(audio.get("codec_name", "")),
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        duration=duration,
    )


def browser_playable(info: MediaInfo, content_type: str) -> bool:
    """Whether current browsers play this file without a hardware decoder."""
    if content_type not in BROWSER_CONTAINERS or info.video_codec not in BROWSER_VIDEO_CODECS:
        return False
    if info.video_codec == "h264" and info.pixel_format not in H264_PIXEL_FORMATS:
        return False
    return not info.audio_codec or info.audio_codec in BROWSER_AUDIO_CODECS


def _run(command: list[str], timeout: float) -> None:
    try:
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)
    except subprocess.CalledProcessError as exc:
        tail = exc.stderr.decode("utf-8", "replace")[-500:] if exc.stderr else ""
        raise MediaError(f"ffmpeg failed: {tail}") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise MediaError(f"ffmpeg failed: {exc}") from exc


def transcode_playable(source: Path | str, target: Path, *, timeout: float | None = None) -> None:
    """An MP4 with H.264 (8-bit 4:2:0) video and AAC audio that every browser plays, from a file
    or a URL (a presigned one of an original on object storage)."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise MediaError("ffmpeg is not installed")
    command = [ffmpeg, "-nostdin", "-loglevel", "error", "-i", str(source)]
    command += ["-map", "0:v:0", "-map", "0:a:0?", "-c:v", "libx264", "-preset", "veryfast"]
    command += ["-crf", "23", "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"]
    command += ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4"]
    command += ["-y", str(target)]
    _run(command, timeout or setting("SANXIANG_TRANSCODE_TIMEOUT"))


def caption_font() -> tuple[str | None, bool]:
    """(font file, has Chinese glyphs): Noto CJK as installed by the setup, else DejaVu."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        for family in _CJK_FONTS:
            try:
                done = subprocess.run(
                    [fc_match, "-f", "%{file}\n%{family}", f"{family}:lang=zh-cn"],
                    check=True,
                    timeout=10,
                    capture_output=True,
                )
            except (OSError, subprocess.SubprocessError):
                break
            file, _sep, found = done.stdout.decode("utf-8", "replace").partition("\n")
            if family.lower() in found.lower() and Path(file).exists():
                return file, True
    for file in _CJK_FONT_FILES:
        if Path(file).exists():
            return file, True
    for file in _LATIN_FONT_FILES:
        if Path(file).exists():
            return file, False
    return None, False


def synthesize_clip(
    target: Path,
    *,
    caption: str,
    fallback_caption: str = "",
    seconds: int = 3,
    codec: str = "h264",
    size: str = "640x360",
) -> None:
    """A body-camera-like clip: test pattern, a 1 kHz tone, the caption burned in at the bottom.

    ``codec`` is ``h264`` (MP4/H.264/AAC, what most cameras write) or ``hevc`` (MP4/H.265, which
    browsers do not play). Without a Chinese font the ``fallback_caption`` (ASCII) is burned in.
    """
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise MediaError("ffmpeg is not installed")
    font, has_cjk = caption_font()
    text = caption if has_cjk or not fallback_caption else fallback_caption
    with tempfile.TemporaryDirectory() as work:
        caption_file = Path(work) / "caption.txt"
        caption_file.write_text(text, encoding="utf-8")
        # The caption comes from a file (textfile=), so it needs no escaping for the filter.
        filters = []
        if font:
            filters.append(
                f"drawtext=fontfile={font}:textfile={caption_file}:expansion=none"
                ":fontcolor=white:fontsize=h/18:box=1:boxcolor=black@0.6:boxborderw=6"
                ":x=12:y=h-th-16"
            )
        command = [ffmpeg, "-nostdin", "-loglevel", "error"]
        command += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}"]
        command += ["-f", "lavfi", "-i", f"sine=frequency=1000:sample_rate=44100:d={seconds}"]
        if filters:
            command += ["-vf", ",".join(filters)]
        if codec == "hevc":
            command += ["-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1"]
            command += ["-x265-params", "log-level=error"]
        else:
            command += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main"]
        command += ["-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-b:a", "64k"]
        command += ["-shortest", "-movflags", "+faststart", "-f", "mp4", "-y", str(target)]
        _run(command, 120)
