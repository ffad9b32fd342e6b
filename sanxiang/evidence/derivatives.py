"""Derived files made by the system: thumbnails of photos (Pillow) and videos (ffmpeg).

Each is stored as its own write-once object pointing to the original (``DerivedFile``); the
original is only ever read. Without ffmpeg on the machine videos simply get no thumbnail.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from sanxiang.core import blobstore

from . import services
from .conf import setting
from .models import DerivedFile, DerivedKind, MediaKind, Recording

THUMBNAIL_WIDTH = 480


def ffmpeg_path() -> str | None:
    configured = setting("SANXIANG_FFMPEG")
    return shutil.which(configured) if configured else None


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


def _video_thumbnail(recording: Recording) -> bytes | None:
    ffmpeg = ffmpeg_path()
    source = blobstore.blob_local_path(recording.blob_path)
    if ffmpeg is None or source is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "thumb.jpg"
        seek = "1" if (recording.size or 0) > 0 else "0"
        command = [ffmpeg, "-nostdin", "-loglevel", "error", "-ss", seek, "-i", str(source)]
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
