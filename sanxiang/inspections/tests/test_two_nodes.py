"""Issue 17 item 2: two gunicorn nodes and two task workers on one PostgreSQL database.

Both nodes share the test database and one data folder (the staging area and the files: a
shared volume, ADR 0181). Officers' bearer tokens
drive numbered service writes (on-site measures, each taking a document number) through a
small failover balancer over both nodes while a docking station uploads through it; node A
is SIGKILLed in the middle. Then: the ledger is linear and verifies, ``recorded_at`` never goes
back in seq order, the numbers are gapless, and no upload or recording is complete with
missing bytes. The same on object storage, with an upload proven to start on the killed node and
finish on the other: ``test_two_nodes_s3.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from sanxiang.api.tokens import api_token_create
from sanxiang.core.tests.test_worker import SharedDatabase
from sanxiang.documents.models import DocumentNumber
from sanxiang.evidence.models import Recording, Upload
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories
from sanxiang.testing.ingest_server import free_port, run_uploader, wait_for_port
from sanxiang.testing.nodes import Balancer, start_node, start_worker
from sanxiang.testing.nodes import node_env as _node_env


def node_env(db: SharedDatabase, data_dir) -> dict[str, str]:
    return _node_env(db.url, data_dir, settings.SANXIANG_KEY_DIR)


WRITES = 60
UPLOAD_SIZE = 48 * 1024 * 1024


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    for _attempt in range(20):  # a request cut by the kill is retried (a new connection)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.3)
    return 0


@pytest.mark.single_pass
@pytest.mark.django_db(transaction=True)
def test_two_nodes_one_database_survive_a_killed_node(team, officers, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several nodes share one PostgreSQL database (SQLite is one process's file)")
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    scopes = ["inspections:write", "inspections:read"]
    tokens = [
        api_token_create(actor=o, name=f"节点测试{i}", scopes=scopes)[1]
        for i, o in enumerate(officers)
    ]
    custodian = factories.custodian(agency=team["officer"].agency)
    upload_token = api_token_create(actor=custodian, name="采集站", scopes=["upload"])[1]
    numbers_before = DocumentNumber.objects.count()

    db = SharedDatabase(tmp_path)
    env = node_env(db, tmp_path / "shared")
    (tmp_path / "shared").mkdir()
    log = open(tmp_path / "nodes.log", "w")  # noqa: SIM115 - closed below
    ports = [free_port(), free_port()]
    nodes = [start_node(env, port, log) for port in ports]
    workers = [start_worker(env, f"w{i}", log) for i in (1, 2)]
    balancer = None
    try:
        for port in ports:
            wait_for_port(port, 60)
        balancer = Balancer(ports)
        base = f"http://127.0.0.1:{balancer.port}"
        source = tmp_path / "DSJ_20261207_0001.mp4"
        source.write_bytes(factories.MP4_HEAD + os.urandom(UPLOAD_SIZE - len(factories.MP4_HEAD)))
        source_sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
        uploader = run_uploader(
            source, base, upload_token, tmp_path / "state", "--chunk-size", "4",
            "--max-backoff", "1", "--retries", "60",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        url = f"{base}/api/inspections/inspections/{inspection.pk}/measures"
        body = {"kind": "eliminate_immediately", "content": "立即排除通风隐患（两节点测试）。"}

        def write(i: int) -> int:
            if i == WRITES // 3:  # a third of the way: node A dies with requests in flight
                os.killpg(nodes[0].pid, signal.SIGKILL)
            return post(url, tokens[i % 2], body)

        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(write, range(WRITES)))
        _out, err = uploader.communicate(timeout=600)
        assert statuses.count(201) >= WRITES * 9 // 10, statuses
        assert set(statuses) <= {201, 0, 500, 502}, statuses
        # the workers sign the lag checkpoints (ADR 0184); give them a moment
        time.sleep(3)
    finally:
        for process in [*nodes, *workers]:
            with contextlib.suppress(ProcessLookupError):
                if process in nodes:
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        if balancer:
            balancer.close()
        log.close()

    report = verify_ledger(workers=1)
    assert report.ok, report.text()
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", "recorded_at"))
    assert [s for s, _ in seqs] == list(range(1, len(seqs) + 1))  # linear, no gap, no fork
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(seqs))
    texts = DocumentNumber.objects.order_by("pk").values_list("text", flat=True)
    sequences = {}
    for text in texts:
        prefix, n = re.match(r"(.*〕)(\d+)号", text).groups()
        sequences.setdefault(prefix, []).append(int(n))
    for prefix, found in sequences.items():
        assert sorted(found) == list(range(1, len(found) + 1)), (prefix, found)
    assert DocumentNumber.objects.count() - numbers_before >= statuses.count(201)
    for upload in Upload.objects.all():
        if upload.status == "complete":
            assert upload.offset == upload.length == UPLOAD_SIZE
            assert upload.sha256 == source_sha256
    for recording in Recording.objects.all():  # a complete record has every byte stored
        stored = tmp_path / "shared" / "files" / recording.blob_path
        assert stored.stat().st_size == recording.size == UPLOAD_SIZE
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == source_sha256
    assert uploader.returncode == 0 or not Upload.objects.filter(status="complete").exists(), err
