"""Stored PDFs are read-only on disk, like evidence originals."""

import os

from django.core.files.storage import default_storage

from sanxiang.core.blobstore import blob_is_read_only, blob_put


def test_blob_put_stores_read_only_and_repairs_an_older_writable_copy():
    ref = blob_put(b"%PDF-1.7 read-only test " + os.urandom(8))
    assert blob_is_read_only(ref.path)
    full = default_storage.path(ref.path)
    os.chmod(full, 0o644)  # as stored before this rule
    assert not blob_is_read_only(ref.path)
    assert blob_put(default_storage.open(ref.path).read()).path == ref.path
    assert blob_is_read_only(ref.path)
