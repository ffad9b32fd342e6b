"""Files sent with a report: quarantine, ClamAV, metadata stripping, adoption as evidence.

The original stays in quarantine (its blob is never served to anyone). ClamAV scans it with the
same engine and database settings as the archive's four-property check
(``archive/checks/security.py``: ``SANXIANG_CLAMD_SOCKET`` or ``clamscan`` on
``SANXIANG_CLAMAV_DB_DIR``); a clean file gets a copy without metadata — photos re-encoded from
their pixels by Pillow (EXIF with GPS position and device serial, XMP, comments all dropped),
videos rewritten by ``ffmpeg -map_metadata -1`` with the streams copied — and only that copy is
shown beyond intake. An officer's adoption makes the copy an evidence recording.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sanxiang.core import blobstore
from sanxiang.core.permissions import require_role
from sanxiang.org.models import Staff

from ..models import Complaint, ComplaintFile, ComplaintScanStatus
from ..workflow import OFFICERS
from .common import record
from .intake import require_intake_scope

log = logging.getLogger(__name__)
FFMPEG_TIMEOUT = 600


def _scan(paths: list[str]):
    from django.conf import settings

    from sanxiang.archive.checks.security import scan_clamd, scan_clamscan

    socket_path = getattr(settings, "SANXIANG_CLAMD_SOCKET", "")
    if socket_path:
        return scan_clamd(paths, socket_path)[0]
    return scan_clamscan(paths, str(settings.SANXIANG_CLAMAV_DB_DIR))


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The file without its metadata (EXIF/GPS, device serials, XMP, comments, chapters)."""
    if content_type.startswith("image/"):
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            mode = image.mode if image.mode in ("RGB", "L", "RGBA") else "RGB"
            if content_type == "image/jpeg" and mode == "RGBA":
                mode = "RGB"
            pixels = image.convert(mode)
            fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            if content_type == "image/jpeg":
                fresh.save(out, format="JPEG", quality=92)
            else:
                fresh.save(out, format="PNG")
            return out.getvalue()
    suffix = ".mov" if content_type == "video/quicktime" else ".mp4"
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / f"in{suffix}", Path(folder) / f"out{suffix}"
        source.write_bytes(data)
        run = subprocess.run(
            [
                "ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(source),
                "-map", "0", "-map_metadata", "-1", "-map_chapters", "-1",
                "-c", "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact",
                "-flags:a", "+bitexact", str(target),
            ],
            capture_output=True,
            timeout=FFMPEG_TIMEOUT,
            check=False,
        )  # fmt: skip
        if run.returncode != 0 or not target.exists():
            raise ValueError(run.stderr.decode("utf-8", "replace")[-200:])
        return target.read_bytes()


@contextlib.contextmanager
def _local_copy(path: str):
    local = blobstore.blob_local_path(path)
    if local is not None:
        yield str(local)
        return
    with tempfile.NamedTemporaryFile(delete=False) as handle, blobstore.blob_open(path) as source:
        for chunk in source.chunks():
            handle.write(chunk)
    try:
        yield handle.name
    finally:
        os.unlink(handle.name)


def complaint_files_scan(*, complaint: Complaint) -> list[ComplaintFile]:
    """Scan every quarantined file of ``complaint``; strip the clean ones. Idempotent; a file
    the scanner could not check stays quarantined for the next run."""
    files = list(complaint.files.filter(scan_status=ComplaintScanStatus.QUARANTINED))
    if not files:
        return []
    with contextlib.ExitStack() as stack:
        paths = {f.pk: stack.enter_context(_local_copy(f.original_path)) for f in files}
        result = _scan(list(paths.values()))
    changed = []
    for item in files:
        path = paths[item.pk]
        if result.failure:
            item.scan_detail = _("病毒扫描程序未能运行，稍后重试。")
            log.warning("complaint file %s not scanned: %s", item.pk, result.failure[:200])
            continue
        signature = result.found.get(path)
        if signature is None:
            item.scan_status = ComplaintScanStatus.FAILED
            item.scan_detail = _("扫描程序没有报告该文件。")
        elif signature:
            item.scan_status = ComplaintScanStatus.INFECTED
            item.scan_detail = (_("发现病毒或恶意代码：%(s)s") % {"s": signature})[:300]
        else:
            try:
                clean = strip_metadata(blobstore.blob_read(item.original_path), item.content_type)
            except (ValueError, OSError, UnidentifiedImageError, Image.DecompressionBombError):
                item.scan_status = ComplaintScanStatus.FAILED
                item.scan_detail = _("文件已损坏或格式不符，无法处理。")
            else:
                blob = blobstore.blob_put(clean)
                item.scan_status = ComplaintScanStatus.CLEAN
                item.scan_detail = _("病毒扫描未发现问题；已去除拍摄位置、设备序列号等元数据。")
                item.clean_path, item.clean_sha256 = blob.path, blob.sha256
        changed.append(item)
    if changed:
        with transaction.atomic():
            for item in changed:
                item.save()
            record(
                None,
                "files_scan",
                complaint,
                files={str(f.pk): f.scan_status for f in changed},
            )
    return changed


@transaction.atomic
def complaint_file_adopt(*, actor: Staff, item: ComplaintFile):
    """采纳为证据: the stripped copy becomes an evidence recording of the officer's agency."""
    from sanxiang.evidence.services import recording_create_from_stream

    require_role(actor, OFFICERS, _("采纳举报附件为证据"))
    complaint = item.complaint
    require_intake_scope(actor, complaint)
    item = ComplaintFile.objects.select_for_update().get(pk=item.pk)
    if item.recording_id is not None:
        raise ValidationError({"__all__": [_("该附件已采纳为证据。")]})
    if item.scan_status != ComplaintScanStatus.CLEAN or not item.clean_path:
        raise PermissionDenied(_("附件未通过病毒扫描，不能采纳。"))
    data = blobstore.blob_read(item.clean_path)
    recording = recording_create_from_stream(
        actor=actor,
        chunks=[data],
        filename=item.filename,
        content_type=item.content_type,
        metadata={
            "title": _("举报人提供的材料（举报 %(n)s）") % {"n": complaint.number},
            "notes": _("来自投诉举报 %(n)s，已去除元数据。") % {"n": complaint.number},
        },
    )
    item.recording = recording
    item.save(update_fields=["recording"])
    record(actor, "adopt_file", complaint, file=item.pk, recording=recording.pk)
    return recording
