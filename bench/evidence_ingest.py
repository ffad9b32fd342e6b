"""Benchmark: resumable evidence ingest vs. the raw cost of hashing the same file.

Generates a file (default 2 GiB), then in the same run:

1. hashes it directly with SHA-256 and SM3 in one sequential pass (the work ingest cannot
   avoid) — the *raw hashing rate*;
2. uploads it through the real stack — ``tools/sanxiang_upload.py`` → gunicorn (one gthread
   worker) → Django → tus views → staging file → content-addressed store, with the per-chunk
   SHA-256 checksum and the signed receipt — and measures the *ingest rate* from the first
   request to the verified receipt (the uploader's own pre-hash of the file is timed apart);
3. reads the server's peak resident memory (VmHWM of master and worker).

Usage::

    .venv/bin/python bench/evidence_ingest.py [--size-mib 2048] [--chunk-mib 128] [--keep]

Everything binds to 127.0.0.1 and stops by itself. Results are printed as a Markdown table
to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
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

from sanxiang.testing.ingest_server import IngestServer, run_uploader  # noqa: E402

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MIB = 1024 * 1024


def generate(path: Path, size: int) -> None:
    """Incompressible, position-dependent content: a random block stamped with its index."""
    base = os.urandom(MIB)
    with open(path, "wb") as handle:
        handle.write(MP4_HEAD)
        written, index = len(MP4_HEAD), 0
        while written < size:
            block = (index.to_bytes(8, "little") + base[8:])[: size - written]
            handle.write(block)
            written += len(block)
            index += 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def system_times() -> tuple[float, float]:
    """(busy, iowait) jiffies of the whole machine, for the load during the run."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return sum(values) - idle - iowait, iowait


def raw_hash(path: Path) -> tuple[float, str]:
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    started = time.perf_counter()
    with open(path, "rb") as handle:
        while block := handle.read(MIB):
            sha256.update(block)
            sm3.update(block)
    return time.perf_counter() - started, sha256.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--chunk-mib", type=int, default=128)
    parser.add_argument("--chunk-checksum", default="sha256")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    size = args.size_mib * MIB
    work = Path(tempfile.mkdtemp(prefix="sanxiang-bench-ingest-"))
    server = IngestServer(work / "server")
    try:
        source = work / "DSJ_bench.mp4"
        generate(source, size)
        raw_hash(source)  # warm the page cache, as the upload will find it
        raw_seconds, source_sha256 = raw_hash(source)
        token = server.setup()
        server.start()
        state = work / "state"
        # The uploader's pre-hash of the file (cached in its state file) is timed on its own:
        prehash_started = time.perf_counter()
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
        prehash_seconds = time.perf_counter() - prehash_started
        worker = server.worker_pids()[0]
        worker_cpu = cpu_seconds(worker)
        busy0, iowait0 = system_times()
        started = time.perf_counter()
        process = run_uploader(
            source,
            server.url,
            token,
            state,
            "--chunk-size",
            str(args.chunk_mib),
            "--chunk-checksum",
            args.chunk_checksum,
            "--quiet",
            stdout=subprocess.PIPE,
        )
        process.wait()
        ingest_seconds = time.perf_counter() - started
        worker_cpu = cpu_seconds(worker) - worker_cpu
        busy1, iowait1 = system_times()
        tick = os.sysconf("SC_CLK_TCK")
        if process.returncode != 0:
            print("upload failed", file=sys.stderr)
            return 1
        rss_mib = server.peak_rss_kib() / 1024
        stored = server.query("select sha256 from evidence_recording")
        assert stored == [(source_sha256,)], stored
        raw_rate = size / MIB / raw_seconds
        ingest_rate = size / MIB / ingest_seconds
        print(
            f"| {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} "
            f"| {args.size_mib} MiB | {raw_rate:.0f} MiB/s ({raw_seconds:.1f} s) "
            f"| {ingest_rate:.0f} MiB/s ({ingest_seconds:.1f} s) | {ingest_rate / raw_rate:.0%} "
            f"| {rss_mib:.0f} MiB | {worker_cpu:.1f} s | {(busy1 - busy0) / tick:.1f} s "
            f"| {(iowait1 - iowait0) / tick:.1f} s | {prehash_seconds:.1f} s |"
        )
        return 0
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


_PREHASH = """
import sys
from pathlib import Path
sys.path.insert(0, "tools")
import sanxiang_upload as u
source, state_dir, collection = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
state_dir.mkdir(parents=True, exist_ok=True)
state = u.State.load(state_dir, source, collection)
state.data["sha256"], state.data["sm3"] = u.file_digests(source, state.data["size"])
state.save()
"""


if __name__ == "__main__":
    sys.exit(main())
