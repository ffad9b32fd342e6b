"""Issue 17 item 2 on object storage: two gunicorn nodes and two task workers on one
PostgreSQL database and one SeaweedFS S3 store, a node killed in the middle of uploads and
writes.

The nodes share the staging volume (ADR 0181) and keep their originals in one object-locked
bucket (ADR 0180). While ~500 mixed service writes (findings, and on-site measures that each
take a document number) go through a round-robin balancer over both nodes, a docking station
uploads a recording through a front proxy that routes it to node A while A lives; A is
SIGKILLed once part of the recording is in, so the station's next requests reach node B, which
rebuilds the running digests from the shared staging file, sends the parts A had not shipped
and completes the object. A second station talks to node A only and gives up when A dies: its
upload must stay incomplete, with no object in the store. A is then restarted and takes writes
again. Then: the ledger is linear and verifies, ``recorded_at`` never goes back, document
numbers are gapless, every acknowledged write is stored exactly once and no write twice, and
every complete recording re-hashes from its pinned object version to its declared digests.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from sanxiang.api.tokens import api_token_create
from sanxiang.catalog.selectors import compendium_search
from sanxiang.core import blobstore
from sanxiang.core.models import StoredObject
from sanxiang.core.tests.test_worker import SharedDatabase
from sanxiang.documents.models import DocumentNumber
from sanxiang.evidence.models import Recording, Upload, UploadStatus
from sanxiang.inspections.models import Finding, OnsiteMeasure
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories
from sanxiang.testing.ingest_server import free_port, run_uploader, wait_for_port
from sanxiang.testing.nodes import Balancer, node_env, start_node, start_worker

WRITES = 500
MEASURE_EVERY = (
    10  # one write in ten is a numbered on-site measure (PDF, signature), the rest findings
)
MIB = 1024 * 1024
RESUMED_SIZE = 40 * MIB  # five 8 MiB parts: some shipped by A, the rest by B
ABANDONED_SIZE = 24 * MIB
KILL_AT = 12 * MIB


class FrontProxy:
    """The proxy in front of the nodes as the docking station sees it: each connection goes
    to the first node in ``ports`` that accepts (node A while it lives, then B), at most
    ``rate`` bytes a second upstream, so that the kill lands while the file is still arriving."""

    def __init__(self, ports: list[int], rate: int) -> None:
        self.ports, self.rate = ports, rate
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = None
            for port in self.ports:
                with contextlib.suppress(OSError):
                    server = socket.create_connection(("127.0.0.1", port), 2)
                    break
            if server is None:
                client.close()
                continue
            server.settimeout(None)
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src, dst, upstream: bool) -> None:
        started, sent = time.monotonic(), 0
        with contextlib.suppress(OSError):
            while data := src.recv(256 * 1024):
                dst.sendall(data)
                if upstream:
                    sent += len(data)
                    ahead = sent / self.rate - (time.monotonic() - started)
                    if ahead > 0:
                        time.sleep(ahead)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()


def send(url: str, token: str, body: dict) -> int:
    """One POST, never retried once it may have reached a node (a blind retry of a write whose
    answer was lost could store it twice); 0 when the answer was lost."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def upload_offset(name: str) -> int:
    row = Upload.objects.filter(filename=name).values_list("offset", flat=True).first()
    return row or 0


def kill(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.s3
@pytest.mark.single_pass
@pytest.mark.django_db(transaction=True)
def test_two_nodes_one_database_one_object_store(team, officers, object_store, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several nodes share one PostgreSQL database (SQLite is one process's file)")
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    entry = compendium_search(agency=inspection.agency, on=inspection.inspected_on).get(
        code="WF-001"
    )
    scopes = ["inspections:write", "inspections:read"]
    tokens = [
        api_token_create(actor=o, name=f"节点测试{i}", scopes=scopes)[1]
        for i, o in enumerate(officers)
    ]
    custodian = factories.custodian(agency=team["officer"].agency)
    upload_token = api_token_create(actor=custodian, name="采集站", scopes=["upload"])[1]
    numbers_before = DocumentNumber.objects.count()

    db = SharedDatabase(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    env = node_env(db.url, shared, settings.SANXIANG_KEY_DIR)
    env.update(
        object_store_env := {
            "SANXIANG_S3_BUCKET": object_store.bucket_name,
            "SANXIANG_S3_PREFIX": object_store.location,
            "SANXIANG_S3_ENDPOINT": object_store.endpoint_url,
            "SANXIANG_S3_ACCESS_KEY": object_store.access_key,
            "SANXIANG_S3_SECRET_KEY": object_store.secret_key,
            "SANXIANG_S3_GOVERNANCE_DAYS": "30",
        }
    )
    assert all(object_store_env.values())
    log = open(tmp_path / "nodes.log", "w")  # noqa: SIM115 - closed below
    ports = [free_port(), free_port()]
    nodes = [start_node(env, port, log) for port in ports]
    workers = [start_worker(env, f"w{i}", log) for i in (1, 2)]
    balancer = front = only_a = None
    stations = []
    timings = {}
    try:
        for port in ports:
            wait_for_port(port, 90)
        balancer = Balancer(ports)
        front = FrontProxy(ports, rate=4 * MIB)  # the station's way in: A first, B if A is gone
        only_a = FrontProxy(ports[:1], rate=2 * MIB)  # a station that only reaches node A
        resumed = tmp_path / "DSJ_20261207_0101.mp4"
        abandoned = tmp_path / "DSJ_20261207_0102.mp4"
        head = factories.MP4_HEAD  # the server sniffs the declared type from the first bytes
        resumed.write_bytes(head + os.urandom(RESUMED_SIZE - len(head)))
        abandoned.write_bytes(head + os.urandom(ABANDONED_SIZE - len(head)))
        digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (resumed, abandoned)}
        common = ("--chunk-size", "4", "--max-backoff", "1")
        stations = [
            run_uploader(
                resumed, f"http://127.0.0.1:{front.port}", upload_token, tmp_path / "s1",
                *common, "--retries", "60",
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            ),
            run_uploader(
                abandoned, f"http://127.0.0.1:{only_a.port}", upload_token, tmp_path / "s2",
                *common, "--retries", "2",
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            ),
        ]  # fmt: skip
        killed = threading.Event()
        offsets_at_kill = {}

        def killer() -> None:
            """Kill node A once part of the recording is in (and before all of it is)."""
            deadline = time.monotonic() + 240
            try:
                while time.monotonic() < deadline:
                    if upload_offset(resumed.name) >= KILL_AT:
                        break
                    time.sleep(0.1)
                kill(nodes[0])
                offsets_at_kill.update(
                    {p.name: upload_offset(p.name) for p in (resumed, abandoned)}
                )
            finally:  # this thread's own session, else the test database cannot be dropped
                connection.close()
            timings["kill"] = time.monotonic()
            killed.set()
            stations[1].wait(timeout=120)  # the A-only station gives up, then A comes back
            nodes[0] = start_node(env, ports[0], log)
            wait_for_port(ports[0], 90)
            timings["restart"] = time.monotonic()

        url = f"http://127.0.0.1:{balancer.port}/api/inspections/inspections/{inspection.pk}"

        def write(i: int) -> tuple[int, int]:
            if i % MEASURE_EVERY == 0:
                body = {
                    "kind": "eliminate_immediately",
                    "content": f"立即排除通风隐患（写入{i}号）。",
                }
                return i, send(f"{url}/measures", tokens[i % 2], body)
            body = {"entry_id": entry.pk, "facts": f"两节点测试发现的问题（写入{i}号）。"}
            return i, send(f"{url}/findings", tokens[i % 2], body)

        timings["start"] = time.monotonic()
        control = threading.Thread(target=killer, daemon=True)
        control.start()
        with ThreadPoolExecutor(4) as pool:
            statuses = dict(pool.map(write, range(WRITES)))
        timings["writes"] = time.monotonic()
        outputs = [station.communicate(timeout=300) for station in stations]
        control.join(timeout=120)
        time.sleep(3)  # the workers sign the lag checkpoint (ADR 0184)
    finally:
        for process in [*nodes, *workers, *stations]:
            with contextlib.suppress(ProcessLookupError):
                if process in nodes:
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # its database session must end before teardown
                if process in nodes:
                    kill(process)
                else:
                    process.kill()
                    process.wait(timeout=15)
        for proxy in (balancer, front, only_a):
            if proxy:
                proxy.close()
        log.close()
    print(
        "two nodes on S3:", collections.Counter(statuses.values()), offsets_at_kill,
        {k: round(v - timings["start"], 1) for k, v in timings.items()},
    )  # fmt: skip
    assert killed.is_set()

    # The writes: most answered, none twice; what was answered is there exactly once.
    assert set(statuses.values()) <= {201, 0, 502}, statuses
    answered = [i for i, status in statuses.items() if status == 201]
    assert len(answered) >= WRITES * 9 // 10
    stored = collections.Counter()
    for text in itertools.chain(
        Finding.objects.values_list("facts", flat=True),
        OnsiteMeasure.objects.values_list("content", flat=True),
    ):
        if found := re.search(r"写入(\d+)号", text):
            stored[int(found.group(1))] += 1
    assert all(count == 1 for count in stored.values()), stored.most_common(3)  # no duplicate
    assert all(stored[i] == 1 for i in answered)  # nothing acknowledged was lost
    assert set(stored) <= set(statuses)

    # The ledger: linear, verifying, its time never going back; the numbers gapless.
    report = verify_ledger(workers=1)
    assert report.ok, report.text()
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", "recorded_at"))
    assert [s for s, _ in seqs] == list(range(1, len(seqs) + 1))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(seqs))
    sequences = {}
    for text in DocumentNumber.objects.order_by("pk").values_list("text", flat=True):
        prefix, n = re.match(r"(.*〕)(\d+)号", text).groups()
        sequences.setdefault(prefix, []).append(int(n))
    for prefix, found in sequences.items():
        assert sorted(found) == list(range(1, len(found) + 1)), (prefix, found)
    measures = sum(1 for i in stored if i % MEASURE_EVERY == 0)
    assert DocumentNumber.objects.count() - numbers_before == measures

    # The recording started on A and resumed on B: complete, in the store, every byte there.
    assert 0 < offsets_at_kill[resumed.name] < RESUMED_SIZE, offsets_at_kill
    (out, err), (_out2, err2) = outputs
    assert stations[0].returncode == 0, err  # the receipt was verified by the station
    assert "可以清除设备" in out
    upload = Upload.objects.get(filename=resumed.name)
    assert upload.status == UploadStatus.COMPLETE
    assert upload.offset == upload.length == RESUMED_SIZE
    recording = Recording.objects.get(sha256=digests[resumed.name])
    pinned = StoredObject.objects.get(path=recording.blob_path)
    assert pinned.version_id and pinned.lock_mode == "GOVERNANCE"
    assert blobstore.blob_hash(recording.blob_path) == (
        recording.sha256, recording.sm3, RESUMED_SIZE
    )  # fmt: skip
    assert blobstore.blob_version_problem(recording.blob_path) is None

    # The station that only reached A gave up: its upload stays incomplete, nothing stored.
    assert stations[1].returncode != 0, err2
    lost = Upload.objects.get(filename=abandoned.name)
    assert lost.status == UploadStatus.UPLOADING and lost.offset < ABANDONED_SIZE
    assert not Recording.objects.filter(sha256=digests[abandoned.name]).exists()
    assert object_store.latest(blobstore.blob_path(digests[abandoned.name])).version_id is None

    # Nothing else is complete with missing bytes.
    for done in Upload.objects.filter(status=UploadStatus.COMPLETE):
        assert done.offset == done.length
    for each in Recording.objects.all():
        assert blobstore.blob_hash(each.blob_path)[0] == each.sha256
