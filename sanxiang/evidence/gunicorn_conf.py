"""gunicorn settings for a server that takes evidence uploads.

Use: ``gunicorn -c python:sanxiang.evidence.gunicorn_conf config.wsgi`` (command-line options
still override). The hook raises the size of gunicorn's socket reads for request bodies from
8 KiB to 1 MiB: with 8 KiB reads, Python-level buffering of a multi-gigabyte PATCH costs about
as much CPU as hashing it (measured: body reading 0.8 → 1.3–2.6 GiB/s; docs/benchmarks.md).
Reading more per ``recv`` changes nothing else — gunicorn gives back any bytes past the body.
"""

from __future__ import annotations

worker_class = "gthread"
threads = 4
# A 128 MiB PATCH over a slow link takes minutes; gthread workers heartbeat between requests.
timeout = 600
keepalive = 5

BODY_READ_SIZE = 1024 * 1024
MMAP_THRESHOLD = 4 * 1024 * 1024  # above the body reads, below the 8 MiB S3 parts


def larger_body_reads() -> bool:
    """Patch gunicorn's socket reader default chunk size; False if its internals changed."""
    try:
        from gunicorn.http import unreader
    except ImportError:
        return False
    cls = getattr(unreader, "SocketUnreader", None)
    if cls is None or getattr(cls, "_sanxiang_patched", False):
        return cls is not None
    original = cls.__init__

    def __init__(self, sock, max_chunk=BODY_READ_SIZE):
        original(self, sock, max_chunk=max(max_chunk, BODY_READ_SIZE))

    cls.__init__ = __init__
    cls._sanxiang_patched = True
    return True


def steady_large_buffers() -> bool:
    """glibc raises its mmap threshold each time a large block is freed, after which the
    8 MiB part buffers of object-storage uploads (ADR 0181) come from per-thread heaps that are
    never given back: the worker's RSS creeps up. A fixed threshold keeps such buffers mmapped
    (returned on free) and two arenas keep the helper threads from multiplying heaps. The
    threshold sits at 4 MiB, above the 1 MiB body reads and hashing chunks: at 1 MiB those
    were mmapped too, and every MiB of every upload paid page faults and zeroing on each copy
    (worker CPU for 2 GiB into S3: 36 s; docs/benchmarks.md)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        m_mmap_threshold, m_arena_max = -3, -8
        return bool(libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD)) and bool(
            libc.mallopt(m_arena_max, 2)
        )
    except (OSError, AttributeError):
        return False


def object_store_client_ready() -> bool:
    """Build the object store's client (boto3 loads and parses its S3 service model, about a
    second) when the worker starts, not inside the first upload a station waits on."""
    try:
        from sanxiang.core import objectstore

        if not objectstore.configured():
            return False
        from django.core.files.storage import default_storage

        return default_storage.client is not None
    except Exception:  # the worker still serves; the first upload builds the client instead
        return False


def post_worker_init(worker) -> None:
    larger_body_reads()
    steady_large_buffers()
    object_store_client_ready()
