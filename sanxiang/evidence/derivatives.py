"""Derived files made by the system: thumbnails of photos (Pillow) and videos (ffmpeg), and
playable copies of videos browsers cannot play (ffmpeg, H.265 → H.264; ADR 0092).

Each is stored as its own write-once object pointing to the original (``DerivedFile``); the
original is only ever read. Without ffmpeg on the machine videos simply get no thumbnail and
no playable copy (the player then says that the browser cannot play the recording).
"""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.cache import cache
from django.utils.translation import gettext as _

from sanxiang.core import blobstore
from sanxiang.core.language import in_legal_language

from . import media, services
from .conf import setting
from .media import ffmpeg_path
from .models import DerivedFile, DerivedKind, MediaKind, Recording

THUMBNAIL_WIDTH = 480
PLAYABLE_TOOL = "ffmpeg libx264"
log = logging.getLogger(__name__)


def _image_thumbnail(recording: Recording) -> bytes | None:
    from PIL import Image

    try:
        with blobstore.blob_open(recording.blob_path) as handle, Image.open(handle) as image:
            image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _tool_source(recording: Recording, seconds: int = 3600) -> str | None:
    """Where ffmpeg reads the original: its file, or a presigned URL of its pinned version on
    object storage (ranges: a thumbnail reads megabytes, not the 2 GiB of a recording)."""
    try:
        return blobstore.blob_tool_source(recording.blob_path, seconds=seconds)
    except FileNotFoundError:
        return None


def _video_thumbnail(recording: Recording) -> bytes | None:
    ffmpeg = ffmpeg_path()
    source = _tool_source(recording) if ffmpeg else None
    if ffmpeg is None or source is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "thumb.jpg"
        seek = "1" if (recording.size or 0) > 0 else "0"
        command = [ffmpeg, "-nostdin", "-loglevel", "error", "-ss", seek, "-i", source]
        command += ["-frames:v", "1", "-vf", f"scale={THUMBNAIL_WIDTH}:-2", "-y", str(target)]
        try:
            subprocess.run(command, check=True, timeout=60, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return target.read_bytes() if target.exists() else None


def thumbnail_create(*, recording_pk: int) -> DerivedFile | None:
    recording = Recording.objects.filter(pk=recording_pk).first()
    if recording is None or recording.derived.filter(kind=DerivedKind.THUMBNAIL).exists():
        return None
    if recording.media_kind == MediaKind.PHOTO:
        data, tool = _image_thumbnail(recording), "Pillow"
    elif recording.media_kind == MediaKind.VIDEO:
        data, tool = _video_thumbnail(recording), "ffmpeg"
    else:
        return None
    if not data:
        return None
    return services.derived_file_add(
        actor=None,
        recording=recording,
        kind=DerivedKind.THUMBNAIL,
        chunks=[data],
        content_type="image/jpeg",
        tool=tool,
    )


def playable_copy(recording: Recording) -> DerivedFile | None:
    """The system-made copy of a recording that browsers play, if there is one."""
    return (
        recording.derived.filter(kind=DerivedKind.TRANSCODE, tool=PLAYABLE_TOOL)
        .order_by("-pk")
        .first()
    )


def unplayable_info(recording: Recording) -> media.MediaInfo | None:
    """What makes a stored video unplayable in browsers (its codec), or None when it plays or
    cannot be told. Probed once per content (originals never change: cached by SHA-256);
    probing reads a few kilobytes, from the file or by ranges from object storage."""
    if recording.media_kind != MediaKind.VIDEO:
        return None
    key = f"sanxiang:media-info:{recording.sha256}"
    info = cache.get(key)
    if info is None:
        source = _tool_source(recording, seconds=300)
        info = media.probe(source) if source else None
        if info is None:
            return None
        cache.set(key, info, 24 * 3600)
    if not info.video_codec or media.browser_playable(info, recording.content_type):
        return None
    return info


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            yield block


@in_legal_language  # the note is stored once and shown to everyone who may see the recording
def playable_copy_create(*, recording_pk: int) -> DerivedFile | None:
    """A video browsers cannot play (H.265, MPEG-2 in TS, 10-bit H.264 …) gets an MP4/H.264 copy,
    stored as a derived file pointing to the original; playable videos get nothing."""
    recording = Recording.objects.filter(pk=recording_pk).first()
    if recording is None or recording.media_kind != MediaKind.VIDEO:
        return None
    if playable_copy(recording) is not None or ffmpeg_path() is None:
        return None
    # Valid a little longer than the longest transcode ffmpeg is allowed, for its last range.
    source = _tool_source(recording, seconds=int(setting("SANXIANG_TRANSCODE_TIMEOUT")) + 600)
    info = media.probe(source) if source else None
    if info is None or not info.video_codec:
        return None  # not a video ffmpeg can read: nothing to copy
    if media.browser_playable(info, recording.content_type):
        return None
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "playable.mp4"
        try:
            media.transcode_playable(source, target)
        except media.MediaError as exc:
            # ffmpeg's message may quote its input: a presigned URL is a key to the original.
            reason = str(exc).replace(source, "<original>")
            log.warning("no playable copy of recording %s: %s", recording.pk, reason)
            return None
        note = _(
            "原始视频为 %(codec)s 编码，浏览器不能直接播放；本副本由系统转为 H.264 供在线播放，"
            "原始记录未作任何改动。"
        ) % {"codec": info.video_codec_name}
        return services.derived_file_add(
            actor=None,
            recording=recording,
            kind=DerivedKind.TRANSCODE,
            chunks=_chunks(target),
            content_type="video/mp4",
            tool=PLAYABLE_TOOL,
            note=note,
        )
