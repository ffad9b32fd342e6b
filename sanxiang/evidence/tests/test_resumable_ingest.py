"""Acceptance: a 2 GiB upload through the CLI survives cut connections and a killed server.

The real stack runs in subprocesses — ``tools/sanxiang_upload.py`` → a TCP proxy that cuts the
connection at random byte counts → gunicorn → Django — with its own SQLite database and
storage folder (so this test does not use, and runs the same beside, the suite's database).
The size is ``SANXIANG_INGEST_TEST_BYTES`` (default 2 GiB); it runs in one pass of the suite only.

While it runs, a monitor polls the server's database: an upload is never complete before
every byte is in and verified. Once, at a random point, the whole server is SIGKILLed and
restarted. The CLI must resume after every cut and after the kill, end with a verified
receipt, and the stored original must hash exactly like the source.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from sanxiang.testing.ingest_server import CuttingProxy, IngestServer, run_uploader

# Runs once per CI (tools/run-tests.sh): its server has its own database, so a second pass on
# the other database would prove nothing new.
pytestmark = pytest.mark.single_pass

SIZE = int(os.environ.get("SANXIANG_INGEST_TEST_BYTES", str(2 * 1024**3)))
MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def _generate(path: Path, size: int, rng: random.Random) -> tuple[str, str]:
    """Position-dependent content (so a misplaced byte shows), hashed as it is written."""
    base = rng.randbytes(MIB)
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    with open(path, "wb") as handle:
        written, index = 0, 0
        while written < size:
            if index == 0:
                block = MP4_HEAD + base[len(MP4_HEAD) :]
            else:
                block = index.to_bytes(8, "little") + base[8:]
            block = block[: size - written]
            handle.write(block)
            sha256.update(block)
            sm3.update(block)
            written += len(block)
            index += 1
    return sha256.hexdigest(), sm3.hexdigest()


class Monitor(threading.Thread):
    """Watches the database; kills the server once when the partial file passes ``kill_at``."""

    def __init__(self, server: IngestServer, kill_at: int, source_sha256: str) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.kill_at = kill_at
        self.source_sha256 = source_sha256
        self.stop = threading.Event()
        self.killed_at_offset: int | None = None
        self.violations: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.wait(0.1):
                rows = self.server.query(
                    "select id, status, offset, length, sha256 from evidence_upload"
                )
                for upload_id, status, offset, length, sha256 in rows:
                    if status == "complete" and (offset != length or sha256 != self.source_sha256):
                        self.violations.append(f"{upload_id} complete at {offset}/{length}")
                    partial = self.server.storage / "staging" / f"{upload_id}.part"
                    size = partial.stat().st_size if partial.exists() else 0
                    if self.killed_at_offset is None and size >= self.kill_at:
                        self.server.kill()
                        after = self.server.query(
                            "select status, offset from evidence_upload where id = ?", (upload_id,)
                        )
                        if after[0][0] != "uploading" or after[0][1] >= length:
                            self.violations.append(f"killed mid-upload but row says {after}")
                        self.killed_at_offset = after[0][1]
                        time.sleep(0.5)
                        self.server.start()
        except BaseException as exc:  # surfaced by the test
            self.error = exc


def test_two_gib_upload_resumes_after_cuts_and_a_server_kill(tmp_path):
    started = time.monotonic()
    rng = random.Random(os.environ.get("SANXIANG_INGEST_SEED", "20260301"))
    source = tmp_path / "DSJ_20260301_0001.mp4"
    source_sha256, source_sm3 = _generate(source, SIZE, rng)
    server = IngestServer(tmp_path / "server")
    token = server.setup()
    server.start()
    cuts = sorted(rng.randrange(SIZE // 20, SIZE * 9 // 10) for _ in range(3))
    kill_at = rng.randrange(SIZE * 3 // 10, SIZE * 7 // 10)
    monitor = Monitor(server, kill_at, source_sha256)
    try:
        with CuttingProxy(server.port, cuts) as proxy:
            monitor.start()
            uploader = run_uploader(
                source,
                f"http://127.0.0.1:{proxy.port}",
                token,
                tmp_path / "state",
                "--chunk-size",
                "128",
                "--max-backoff",
                "1",
                "--retries",
                "60",
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            out, err = uploader.communicate(timeout=900)
            monitor.stop.set()
            monitor.join(timeout=10)
        assert monitor.error is None, monitor.error
        assert uploader.returncode == 0, err[-3000:]
        assert "可以清除设备" in out
        assert proxy.cuts_done == 3, (proxy.cuts_done, cuts, proxy.upstream_bytes)
        assert monitor.killed_at_offset is not None, "the server was never killed"
        assert not monitor.violations, monitor.violations
        assert err.count("连接中断") >= 3  # the CLI saw every cut and the kill, and resumed

        uploads = server.query("select status, offset, length, sha256, sm3 from evidence_upload")
        assert uploads == [("complete", SIZE, SIZE, source_sha256, source_sm3)]
        recordings = server.query("select blob_path, sha256, size from evidence_recording")
        assert len(recordings) == 1 and recordings[0][1:] == (source_sha256, SIZE)
        blobs = [p for p in (server.storage / "blobs").rglob("*") if p.is_file()]
        stored = server.storage / recordings[0][0]
        assert blobs == [stored], blobs  # no partial content ever reached the store
        digest = hashlib.sha256()
        with open(stored, "rb") as handle:
            while block := handle.read(8 * MIB):
                digest.update(block)
        assert digest.hexdigest() == source_sha256
        assert not list((server.storage / "staging").glob("*.part"))
    finally:
        monitor.stop.set()
        server.stop()
        source.unlink(missing_ok=True)  # 2 GiB each: do not leave them in /tmp
        shutil.rmtree(server.data_dir, ignore_errors=True)
        print(
            f"\nresumable ingest with cuts and a kill: {time.monotonic() - started:.1f} s, {SIZE} bytes"
        )


def test_wrong_declared_checksum_via_cli_is_refused(tmp_path):
    """The CLI's declared digest is wrong (source changed after hashing): 460, nothing stored."""
    size = 8 * MIB
    source = tmp_path / "DSJ_bad.mp4"
    source.write_bytes(MP4_HEAD + os.urandom(size - len(MP4_HEAD)))
    server = IngestServer(tmp_path / "server")
    token = server.setup()
    server.start()
    try:
        state = tmp_path / "state"
        state.mkdir()
        # Poison the state file the CLI trusts for the whole-file digests.
        import json
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
        import sanxiang_upload

        loaded = sanxiang_upload.State.load(state, source, server.url + "/evidence/tus/")
        loaded.data.update(sha256="ab" * 32, sm3="cd" * 32)
        loaded.save()
        uploader = run_uploader(
            source,
            server.url,
            token,
            state,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = uploader.communicate(timeout=120)
        assert uploader.returncode == 1, (out, err)
        assert "拒收" in err and "校验值与申报的不符" in err
        assert server.query("select status from evidence_upload") == [("rejected",)]
        assert server.query("select count(*) from evidence_recording") == [(0,)]
        assert not (server.storage / "blobs").exists() or not any(
            p.is_file() for p in (server.storage / "blobs").rglob("*")
        )
        assert json.loads(loaded.path.read_text())["sha256"] == "ab" * 32
    finally:
        server.stop()
