"""A long recording made from a short demo clip by ffmpeg's concat demuxer with stream copy
(no re-encoding): what a body camera's hours look like to the store, made in seconds."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sanxiang.evidence import media


def _concat(ffmpeg: str, source: Path, copies: int, target: Path) -> None:
    listing = target.with_suffix(".txt")
    listing.write_text(f"file '{source}'\n" * copies, encoding="utf-8")
    subprocess.run(
        [
            ffmpeg,
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            "-f",
            "mp4",
            "-y",
            str(target),
        ],
        check=True,
        timeout=600,
    )
    listing.unlink()


def long_recording(target: Path, size: int, *, caption: str = "执法记录仪 DSJ-S3 测试") -> Path:
    """An MP4 (H.264/AAC) of at least ``size`` bytes: a 3-second demo clip, copied 40 times
    into a two-minute piece, and that piece copied until the size is reached."""
    ffmpeg = media.ffmpeg_path()
    if ffmpeg is None:
        raise media.MediaError("ffmpeg is not installed")
    work = target.parent
    clip = work / "clip.mp4"
    media.synthesize_clip(clip, caption=caption, fallback_caption="DSJ-S3", size="1280x720")
    piece = work / "piece.mp4"
    _concat(ffmpeg, clip, 40, piece)
    copies = -(-size // piece.stat().st_size)
    _concat(ffmpeg, piece, copies, target)
    clip.unlink()
    piece.unlink()
    return target
