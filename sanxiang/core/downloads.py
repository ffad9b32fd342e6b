"""One way to hand out a stored file as a download (after the caller's access check)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.http import content_disposition_header

from .blobstore import blob_open


def blob_download(path: str, name: str) -> FileResponse:
    """The write-once blob at ``path`` as an attachment named ``name``, never cached."""
    response = FileResponse(blob_open(path), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response
