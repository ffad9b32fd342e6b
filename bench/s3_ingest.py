"""Benchmark: resumable ingest into S3-compatible object storage (ADR 0180, 0181) vs. the raw
hashing rate measured in the same run.

Like ``bench/evidence_ingest.py`` (same file generator, same uploader, same one-worker
gunicorn), but the server's originals go to a SeaweedFS started on loopback
(``sanxiang/testing/seaweed.py``): tus PATCHes into the staging file with SHA-256 and SM3
computed on the way, then the verified file goes to the bucket as an object-locked multipart
upload (8 MiB parts, two in flight). The ingest rate runs from the first request to the
verified receipt, i.e. until the object is in the store and its VersionId recorded. Peak RSS is
VmHWM of the gunicorn master and worker (SeaweedFS is the store, not the node, and is not
counted).

Usage::

    .venv/bin/python bench/s3_ingest.py [--size-mib 2048] [--chunk-mib 128]
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--chunk-mib", type=int, default=128)
    args = parser.parse_args()
    size = args.size_mib * MIB
    work = Path(tempfile.mkdtemp(prefix="sanxiang-bench-s3-"))
    store = seaweed.start()
    server = IngestServer(work / "server")
    server.env.update(store.env("sanxiang-bench"))
    try:
        import boto3

        boto3.client(
            "s3",
            endpoint_url=store.endpoint,
            aws_access_key_id=store.access_key,
            aws_secret_access_key=store.secret_key,
            region_name="us-east-1",
        ).create_bucket(Bucket="sanxiang-bench", ObjectLockEnabledForBucket=True)
        source = work / "DSJ_bench.mp4"
        generate(source, size)
        raw_hash(source)  # warm the page cache, as the upload will find it
        raw_seconds, source_sha256 = raw_hash(source)
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
        started = time.perf_counter()
        process = run_uploader(
            source,
            server.url,
            token,
            state,
            "--chunk-size",
            str(args.chunk_mib),
            "--quiet",
            stdout=subprocess.PIPE,
        )
        process.wait()
        ingest_seconds = time.perf_counter() - started
        worker_cpu = cpu_seconds(worker) - worker_cpu
        if process.returncode != 0:
            print("upload failed", file=sys.stderr)
            return 1
        rss_mib = server.peak_rss_kib() / 1024
        stored = server.query("select sha256 from evidence_recording")
        assert stored == [(source_sha256,)], stored
        versions = server.query("select version_id, lock_mode from core_storedobject")
        assert versions and versions[0][1] == "GOVERNANCE", versions
        raw_rate = size / MIB / raw_seconds
        ingest_rate = size / MIB / ingest_seconds
        print(
            "| machine | size | raw hashing (SHA-256 + SM3) | tus ingest into S3 | ratio "
            "| node peak RSS | worker CPU |"
        )
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} "
            f"| {args.size_mib} MiB | {raw_rate:.0f} MiB/s ({raw_seconds:.1f} s) "
            f"| {ingest_rate:.0f} MiB/s ({ingest_seconds:.1f} s) | {ingest_rate / raw_rate:.0%} "
            f"| {rss_mib:.0f} MiB | {worker_cpu:.1f} s |"
        )
        return 0
    finally:
        server.stop()
        store.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
