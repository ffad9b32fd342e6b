"""Benchmark: resumable ingest into S3-compatible object storage (ADR 0180, 0181) vs. the raw
hashing rate measured in the same run — and vs. what the store itself takes.

Like ``bench/evidence_ingest.py`` (same file generator, same uploader, same one-worker
gunicorn), but the server's originals go to a SeaweedFS started on loopback
(``sanxiang/testing/seaweed.py``): tus PATCHes into the staging file with SHA-256 and SM3
computed on the way, then the verified file goes to the bucket as an object-locked multipart
upload (8 MiB parts, two in flight). The ingest rate runs from the first request to the
verified receipt, i.e. until the object is in the store and its VersionId recorded. Peak RSS is
VmHWM of the gunicorn master and worker (SeaweedFS is the store, not the node, and is not
counted).

Each round, in a fresh store and a fresh node, measures three things over the same file:

* **raw hashing**: one sequential pass of SHA-256 + SM3 (page cache warm), the work ingest
  cannot avoid;
* **store alone**: the same bytes stored by the node's own multipart code
  (``ObjectStore.put_file``: 8 MiB parts, two in flight, signed, object-locked) from a bare
  process — no tus, no hashing, no request: the ceiling the store sets on this machine;
* **tus ingest into S3**: the whole real path.

The node runs the task backend of a production deployment (``db``: a separate worker makes the
thumbnail and the playable copy after the receipt). With the in-request ``immediate`` backend
of the tests, the completing request would also download the whole object again for the
derivatives before answering.

Usage::

    .venv/bin/python bench/s3_ingest.py [--size-mib 2048] [--chunk-mib 128] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from evidence_ingest import _PREHASH, MIB, cpu_seconds, generate, raw_hash  # noqa: E402

from sanxiang.testing import seaweed  # noqa: E402
from sanxiang.testing.ingest_server import IngestServer, run_uploader  # noqa: E402

BUCKET = "sanxiang-bench"


def _object_store(store):
    """The node's own object-store class, on the bench's bucket (Django settings with their
    defaults are enough for it: no database)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from sanxiang.core.objectstore import ObjectStore

    return ObjectStore(**store.storage_options(BUCKET))


def store_alone(store, source: Path) -> tuple[float, float]:
    """Seconds for storing ``source`` with the node's own multipart code
    (``ObjectStore.put_file``: the same parts, parallelism, signing and lock) from a bare
    process, and the store's CPU seconds spent on it."""
    target = _object_store(store)
    store_cpu = cpu_seconds(store.process.pid)
    started = time.perf_counter()
    with open(source, "rb") as handle:
        target.put_file("store-alone/" + source.name, handle, source.stat().st_size)
    return time.perf_counter() - started, cpu_seconds(store.process.pid) - store_cpu


def one_round(work: Path, source: Path, size: int, chunk_mib: int) -> dict:
    store = seaweed.start()
    server = IngestServer(work / "server")
    server.env.update(store.env(BUCKET))
    server.env["SANXIANG_TASK_BACKEND"] = "db"  # as deployed: derivatives after the receipt
    try:
        _object_store(store).ensure_bucket()
        raw_hash(source)  # warm the page cache, as the upload will find it
        raw_seconds, source_sha256 = raw_hash(source)
        alone_seconds, alone_store_cpu = store_alone(store, source)
        token = server.setup()
        server.start()
        state = work / "state"
        subprocess.run(
            [
                sys.executable,
                "-c",
                _PREHASH,
                str(source),
                str(state),
                server.url + "/evidence/tus/",
            ],
            cwd=ROOT,
            check=True,
        )
        worker = server.worker_pids()[0]
        worker_cpu = cpu_seconds(worker)
        store_cpu = cpu_seconds(store.process.pid)
        started = time.perf_counter()
        process = run_uploader(
            source,
            server.url,
            token,
            state,
            "--chunk-size",
            str(chunk_mib),
            "--quiet",
            stdout=subprocess.PIPE,
        )
        process.wait()
        ingest_seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError("upload failed")
        stored = server.query("select sha256 from evidence_recording")
        assert stored == [(source_sha256,)], stored
        versions = server.query("select version_id, lock_mode from core_storedobject")
        assert versions and versions[0][1] == "GOVERNANCE", versions
        return {
            "raw": size / MIB / raw_seconds,
            "raw_seconds": raw_seconds,
            "alone": size / MIB / alone_seconds,
            "alone_seconds": alone_seconds,
            "alone_store_cpu": alone_store_cpu,
            "ingest": size / MIB / ingest_seconds,
            "ingest_seconds": ingest_seconds,
            "rss_mib": server.peak_rss_kib() / 1024,
            "worker_cpu": cpu_seconds(worker) - worker_cpu,
            "store_cpu": cpu_seconds(store.process.pid) - store_cpu,
            "load": os.getloadavg()[0],
        }
    finally:
        server.stop()
        store.stop()
        shutil.rmtree(work / "server", ignore_errors=True)
        shutil.rmtree(work / "state", ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--chunk-mib", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    size = args.size_mib * MIB
    work = Path(tempfile.mkdtemp(prefix="sanxiang-bench-s3-"))
    try:
        source = work / "DSJ_bench.mp4"
        generate(source, size)
        rounds = [one_round(work, source, size, args.chunk_mib) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{args.size_mib} MiB\n"
    )
    print(
        "| round | raw hashing (SHA-256 + SM3) | store alone | tus ingest into S3 "
        "| ingest / raw | ingest / store alone | node peak RSS | worker CPU | store CPU "
        "(ingest / alone) | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for number, r in enumerate(rounds, 1):
        print(
            f"| {number} | {r['raw']:.0f} MiB/s ({r['raw_seconds']:.1f} s) "
            f"| {r['alone']:.0f} MiB/s ({r['alone_seconds']:.1f} s) "
            f"| {r['ingest']:.0f} MiB/s ({r['ingest_seconds']:.1f} s) "
            f"| {r['ingest'] / r['raw']:.0%} | {r['ingest'] / r['alone']:.0%} "
            f"| {r['rss_mib']:.0f} MiB | {r['worker_cpu']:.1f} s "
            f"| {r['store_cpu']:.1f} s / {r['alone_store_cpu']:.1f} s | {r['load']:.2f} |"
        )
    best = max(rounds, key=lambda r: r["ingest"] / r["raw"])
    print(
        f"\nbest of {len(rounds)}: ingest {best['ingest'] / best['raw']:.0%} of raw hashing, "
        f"{best['ingest'] / best['alone']:.0%} of the store alone; "
        f"highest node peak RSS {max(r['rss_mib'] for r in rounds):.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
