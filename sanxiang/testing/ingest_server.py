"""A real server in a subprocess for ingest tests and benchmarks: gunicorn, its own SQLite
database and storage folder, an officer with an API token — plus a TCP proxy that can cut
connections at chosen byte counts. Only ever binds to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

SETUP_SCRIPT = """
import django
django.setup()
from sanxiang.api.tokens import api_token_create
from sanxiang.testing import factories
national = factories.agency(name="国家局（接收测试）", short="国")
provincial = factories.agency(parent=national, name="接收测试省局", short="接")
sub = factories.agency(parent=provincial, name="接收测试分局", short="收")
officer = factories.officer(agency=sub, username="station", full_name="采集站")
print(api_token_create(actor=officer, name="采集站", scopes=["upload"])[1])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a process, in KiB; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class IngestServer:
    """gunicorn (one gthread worker) on 127.0.0.1 with a throw-away data folder."""

    def __init__(self, data_dir: Path, *, threads: int = 4) -> None:
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.token = ""
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SANXIANG_DATA_DIR": str(self.data_dir),
            "SANXIANG_TASK_BACKEND": "immediate",
            "SANXIANG_LOG_LEVEL": "WARNING",
            "DJANGO_SECRET_KEY": "ingest-test-secret-key-not-for-production-0123456789",
            "SANXIANG_FFMPEG": "",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.data_dir / "sanxiang.sqlite3"

    @property
    def storage(self) -> Path:
        return self.data_dir / "files"

    def setup(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        run = {"cwd": ROOT, "env": self.env, "check": True, "capture_output": True, "text": True}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
        subprocess.run([sys.executable, "manage.py", "ledger_keys"], **run)
        out = subprocess.run([sys.executable, "-c", SETUP_SCRIPT], **run).stdout
        self.token = out.strip().splitlines()[-1]
        return self.token

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--config",
                "python:sanxiang.evidence.gunicorn_conf",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                str(self.threads),
                "--timeout",
                "600",
                "--graceful-timeout",
                "2",
                "--keep-alive",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for_port(self.port)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_kib(self) -> int:
        """The largest peak RSS among the master and its worker(s)."""
        pids = [self.process.pid, *self.worker_pids()] if self.process else []
        return max((peak_rss_kib(pid) for pid in pids), default=0)

    def kill(self) -> None:
        """SIGKILL the whole server (master and workers) at once, as a crash would."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as db:
            db.execute("PRAGMA busy_timeout = 5000")
            return db.execute(sql, params).fetchall()


class CuttingProxy:
    """Forwards 127.0.0.1:port → target; closes the live connection when the bytes sent
    upstream (client → server, all connections together) pass each of ``cut_at``."""

    def __init__(self, target_port: int, cut_at: list[int]) -> None:
        self.target_port = target_port
        self.cut_at = sorted(cut_at)
        self.cuts_done = 0
        self.upstream_bytes = 0
        self.port = free_port()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            pair = (client, server)
            threading.Thread(
                target=self._pump, args=(client, server, pair, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(server, client, pair, False), daemon=True
            ).start()

    def _pump(self, src: socket.socket, dst: socket.socket, pair, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(1024 * 1024)
                if not data:
                    break
                if upstream:
                    with self._lock:
                        self.upstream_bytes += len(data)
                        cut = (
                            self.cuts_done < len(self.cut_at)
                            and self.upstream_bytes >= self.cut_at[self.cuts_done]
                        )
                        if cut:
                            self.cuts_done += 1
                    if cut:
                        break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


def run_uploader(
    source: Path, url: str, token: str, state_dir: Path, *extra: str, **popen
) -> subprocess.Popen:
    """The CLI as a docking station runs it (``python tools/sanxiang_upload.py upload …``)."""
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tools" / "sanxiang_upload.py"),
            "upload",
            str(source),
            "--url",
            url + "/",
            "--token",
            token,
            "--state-dir",
            str(state_dir),
            *extra,
        ],
        cwd=ROOT,
        **popen,
    )
