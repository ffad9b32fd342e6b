"""Benchmark: service-write throughput on two application nodes against one node (issue 17).

One PostgreSQL database (``--pg-admin-url``; a database ``sanxiang_bench_nodes`` is created
and dropped here), one task worker (the checkpoint signer, ADR 0184), and gunicorn nodes as in
production (``sanxiang.evidence.gunicorn_conf``, one gthread worker with 4 threads each) behind
the round-robin balancer of ``sanxiang/testing/nodes.py``. Each round sends ``--writes``
service writes over the API with officers' bearer tokens from ``--clients`` concurrent
clients: findings, and every ``--measure-every``-th an on-site measure that takes a document
number and renders and signs its PDF (all of them ledger appends under the one advisory lock).
Rounds alternate one node, two nodes, one node … so that the machine's changing load falls
on both alike; the figure per configuration is the median of its rounds.

Usage::

    .venv/bin/python bench/two_nodes.py [--writes 200] [--rounds 3] [--clients 8]
        [--pg-admin-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "sanxiang_bench_nodes"


def send(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def setup(admin_url: str, work: Path) -> tuple[str, dict]:
    """A fresh database with a province, two officers and an open inspection; their tokens."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    url = f"{admin_url.rsplit('/', 1)[0]}/{DATABASE}"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SANXIANG_DATA_DIR=str(work / "data"),
        SANXIANG_KEY_DIR=str(work / "keys"),
        SANXIANG_TASK_BACKEND="immediate",
        DJANGO_SECRET_KEY="two-node-bench-secret-key-not-for-production-0123456789",
        SANXIANG_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("ledger_keys", verbosity=0)
    call_command("signing_ca", verbosity=0)
    from sanxiang.api.tokens import api_token_create
    from sanxiang.catalog.selectors import compendium_search
    from sanxiang.testing import factories

    national = factories.agency(name="国家局（基准）", short="国")
    provincial = factories.agency(parent=national, name="基准测试省局", short="基")
    sub = factories.agency(parent=provincial, name="基准测试分局", short="准")
    factories.enforcement_catalogs(agency=provincial)
    officers = [factories.officer(agency=sub, full_name=n) for n in ("李明", "王强")]
    head = factories.head(agency=sub, full_name="赵局长")
    mine = factories.mine(agency=sub, name="基准测试煤矿")
    plan = factories.inspection_plan(officers=officers, mine=mine, head=head)
    inspection = factories.inspection(plan=plan)
    entry = compendium_search(agency=inspection.agency, on=inspection.inspected_on).get(
        code="WF-001"
    )
    scopes = ["inspections:write", "inspections:read"]
    tokens = [
        api_token_create(actor=o, name=f"基准{i}", scopes=scopes)[1] for i, o in enumerate(officers)
    ]
    from django.db import connections

    connections.close_all()
    return url, {"inspection": inspection.pk, "entry": entry.pk, "tokens": tokens}


def run_round(nodes: int, env: dict, data: dict, args, log, offset: int) -> float:
    from sanxiang.testing.ingest_server import free_port, wait_for_port
    from sanxiang.testing.nodes import Balancer, start_node

    ports = [free_port() for _ in range(nodes)]
    processes = [start_node(env, port, log) for port in ports]
    balancer = None
    try:
        for port in ports:
            wait_for_port(port, 120)
        balancer = Balancer(ports)
        base = f"http://127.0.0.1:{balancer.port}/api/inspections/inspections/{data['inspection']}"
        tokens = data["tokens"]
        warm = [
            send(f"{base}/findings", t, {"entry_id": data["entry"], "facts": "预热。"})
            for t in tokens * nodes
        ]
        assert set(warm) == {201}, warm

        def write(i: int) -> int:
            n = offset + i
            if i % args.measure_every == 0:
                body = {"kind": "eliminate_immediately", "content": f"立即排除隐患（基准{n}）。"}
                return send(f"{base}/measures", tokens[i % 2], body)
            body = {"entry_id": data["entry"], "facts": f"基准测试发现的问题（{n}）。"}
            return send(f"{base}/findings", tokens[i % 2], body)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            statuses = list(pool.map(write, range(args.writes)))
        seconds = time.perf_counter() - started
        assert statuses.count(201) == args.writes, statuses
        return args.writes / seconds
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if balancer:
            balancer.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--measure-every", type=int, default=10)
    parser.add_argument("--pg-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sanxiang-bench-nodes-"))
    (work / "data").mkdir()
    load_before = os.getloadavg()
    url, data = setup(args.pg_admin_url, work)
    from sanxiang.testing.nodes import node_env, start_worker

    env = node_env(url, work / "data", work / "keys")
    log = open(work / "nodes.log", "w")  # noqa: SIM115 - closed below
    worker = start_worker(env, "bench", log)
    rates: dict[int, list[float]] = {1: [], 2: []}
    try:
        for r in range(args.rounds):
            for nodes in (1, 2) if r % 2 == 0 else (2, 1):
                rate = run_round(nodes, env, data, args, log, (2 * r + nodes) * args.writes)
                rates[nodes].append(rate)
                print(f"round {r + 1}, {nodes} node(s): {rate:.1f} writes/s", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        shutil.rmtree(work, ignore_errors=True)
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print("| machine | load before / after | writes × rounds | one node | two nodes | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {platform.node()} · {os.cpu_count()} cores | {load_before[0]:.1f} / "
        f"{os.getloadavg()[0]:.1f} | {args.writes} × {args.rounds} "
        f"| {one:.1f} writes/s ({', '.join(f'{x:.1f}' for x in rates[1])}) "
        f"| {two:.1f} writes/s ({', '.join(f'{x:.1f}' for x in rates[2])}) | {two / one:.2f}× |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
