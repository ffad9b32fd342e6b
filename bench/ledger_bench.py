#!/usr/bin/env python3
"""Ledger benchmarks (not run by the test suite; results go to docs/benchmarks.md).

Measures, on a throw-away database holding a synthetic ledger of ``--entries`` entries:

1. append throughput — ``ledger_append`` in its own transaction, 100 appends a transaction,
   and a business service (``mine_create``) that appends, all on top of the big log;
2. proof generation — inclusion and consistency proofs as the API serves them (with the
   signed checkpoints), the bare Merkle part, and end to end through the HTTP API;
3. full verification (``verify_ledger``) against the raw cost of SM3-hashing the entry bodies
   (best of ``--repeat`` runs of each, as the machine may be shared).

Usage (from the project root)::

    .venv/bin/python bench/ledger_bench.py --db sqlite
    .venv/bin/python bench/ledger_bench.py --db postgres \\
        --pg-admin-url postgres://postgres@127.0.0.1:5432/postgres

SQLite uses a temporary file, PostgreSQL a database ``sanxiang_bench`` created and dropped
here. ``--json FILE`` also writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PG_DATABASE = "sanxiang_bench"


def _setup_database(args) -> tuple[str, callable]:
    """Point Django at a fresh database; return its description and a clean-up function."""
    if args.db == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="sanxiang-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'ledger.sqlite3'}"
        return f"SQLite file in {directory}", lambda: shutil.rmtree(directory)
    import psycopg

    with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    base = args.pg_admin_url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{PG_DATABASE}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")

    return f"PostgreSQL database {PG_DATABASE} (dropped afterwards)", drop


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def _timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def bench_appends(results: dict, n_single: int, n_batches: int, n_mines: int) -> None:
    from django.db import transaction

    from sanxiang.ledger.services import ledger_append
    from sanxiang.org.models import Staff
    from sanxiang.testing import factories

    def one(i: int) -> None:
        ledger_append(actor=None, action="bench.append", object_type="", object_id=str(i))

    started = time.perf_counter()
    for i in range(n_single):
        with transaction.atomic():
            one(i)
    single = time.perf_counter() - started

    started = time.perf_counter()
    for b in range(n_batches):
        with transaction.atomic():
            for i in range(100):
                one(b * 100 + i)
    batched = time.perf_counter() - started

    Staff.objects.create_superuser(username="root", password="Bench-pass-2026", full_name="基准")
    agency = factories.agency(name="基准测试局")
    started = time.perf_counter()
    for _ in range(n_mines):
        factories.mine(agency=agency)
    mines = time.perf_counter() - started
    results["append"] = {
        "ledger_append_one_per_transaction_per_s": round(n_single / single),
        "ledger_append_100_per_transaction_per_s": round(n_batches * 100 / batched),
        "mine_create_service_per_s": round(n_mines / mines),
        "counts": {"single": n_single, "batched": n_batches * 100, "mine_create": n_mines},
    }


def bench_proofs(results: dict, repeat: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from sanxiang.ledger import merkle, selectors, services
    from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
    from sanxiang.ledger.checkpoint import sign_checkpoint
    from sanxiang.ledger.keys import note_signers
    from sanxiang.ledger.models import Checkpoint
    from sanxiang.org.models import Staff

    hasher = services.ledger_hasher()
    size = services.tree_size()
    old_size = size // 2
    root = merkle.root_at(hasher, old_size, services.read_nodes)
    head = TreeHead(origin=settings.SANXIANG_LEDGER_ORIGIN, size=old_size, root_hash=root)
    Checkpoint.objects.create(
        tree_size=old_size, root_hash=root, note=sign_checkpoint(head, note_signers())
    )
    services.checkpoint_sign()
    rng = random.Random(7)
    seqs = [rng.randrange(1, size + 1) for _ in range(repeat)]

    it = iter(seqs)
    inclusion = _timed(lambda: selectors.inclusion_proof_get(seq=next(it)), repeat)
    it = iter(seqs)
    bare = _timed(
        lambda: merkle.inclusion_proof(hasher, next(it) - 1, size, services.read_nodes), repeat
    )
    consistency = _timed(
        lambda: selectors.consistency_proof_get(old_size=old_size, new_size=size), repeat
    )
    pairs = iter(sorted((rng.randrange(1, size), size) for _ in range(repeat)))
    bare_consistency = _timed(
        lambda: merkle.consistency_proof(hasher, *next(pairs), services.read_nodes), repeat
    )

    setup_test_environment()
    settings.ROOT_URLCONF = "bench_urls"
    client = Client()
    client.force_login(Staff.objects.get(username="root"))
    it = iter(seqs)
    http = _timed(lambda: _ok(client.get(f"/api/ledger/proofs/inclusion?seq={next(it)}")), repeat)
    results["proofs"] = {
        "tree_size": size,
        "inclusion_with_checkpoint": _ms(inclusion),
        "inclusion_merkle_only": _ms(bare),
        "consistency_with_checkpoints": _ms(consistency),
        "consistency_merkle_only_random_sizes": _ms(bare_consistency),
        "inclusion_http_api": _ms(http),
        "samples": repeat,
    }


def _ok(response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"API answered {response.status_code}: {response.content[:200]}")


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its reaped children (the verification workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def _sm3_baseline() -> tuple[float, float, float, int, int]:
    """Seconds to SM3-hash every entry body (one digest each, and as one stream).

    The bodies are read beforehand, 100,000 at a time, and only the hashing is timed; the
    per-entry hashing is also timed in CPU seconds, which other load on the machine inflates
    far less than wall-clock time.
    """
    from django.db import connection

    per_entry = stream = per_entry_cpu = 0.0
    total_bytes = entries = last = 0
    sm3 = hashlib.new("sm3")
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT seq, body FROM ledger_ledgerentry WHERE seq > %s ORDER BY seq LIMIT 100000",
                [last],
            )
            rows = cursor.fetchall()
        if not rows:
            return per_entry, stream, per_entry_cpu, entries, total_bytes
        last = rows[-1][0]
        bodies = [body.encode() for _seq, body in rows]
        total_bytes += sum(map(len, bodies))
        entries += len(bodies)
        started, cpu = time.perf_counter(), time.process_time()
        for body in bodies:
            hashlib.new("sm3", body).digest()
        per_entry += time.perf_counter() - started
        per_entry_cpu += time.process_time() - cpu
        started = time.perf_counter()
        for body in bodies:
            sm3.update(body)
        stream += time.perf_counter() - started


def bench_verify(results: dict, repeat: int) -> None:
    """Best of ``repeat`` runs each (the machine may be shared), baseline and verification."""
    from sanxiang.ledger.verification import verify_ledger

    configs = (
        ("one_process", {"workers": 1}),
        ("two_processes", {"workers": 2}),
        ("two_processes_without_objects", {"workers": 2, "check_objects": False}),
    )
    per_entry = stream = per_entry_cpu = float("inf")
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    best_idle: dict[str, float] = {}
    reports = {}
    for _ in range(repeat):
        p, s, c, entries, total_bytes = _sm3_baseline()
        per_entry, stream, per_entry_cpu = min(per_entry, p), min(stream, s), min(per_entry_cpu, c)
        for label, kwargs in configs:
            started, (own, children) = time.perf_counter(), _cpu()
            report = verify_ledger(**kwargs)
            elapsed = time.perf_counter() - started
            own, children = _cpu()[0] - own, _cpu()[1] - children
            best[label] = min(best.get(label, float("inf")), elapsed)
            best_cpu[label] = min(best_cpu.get(label, float("inf")), own + children)
            # What an idle machine would take: the parent's own work, plus the workers'
            # CPU spread over the processes that ran in parallel.
            idle = own + children / kwargs["workers"]
            best_idle[label] = min(best_idle.get(label, float("inf")), idle)
            if not report.ok:
                raise RuntimeError("synthetic ledger failed verification:\n" + report.text())
            reports[label] = report
    results["verify"] = {
        "entries": entries,
        "body_bytes": total_bytes,
        "sm3_per_entry_seconds": round(per_entry, 2),
        "sm3_per_entry_cpu_seconds": round(per_entry_cpu, 2),
        "sm3_stream_seconds": round(stream, 2),
        "runs": {
            label: {
                "seconds": round(best[label], 2),
                "ratio_to_sm3_per_entry": round(best[label] / per_entry, 2),
                "ratio_to_sm3_stream": round(best[label] / stream, 2),
                "cpu_seconds": round(best_cpu[label], 2),
                "idle_estimate_seconds": round(best_idle[label], 2),
                "idle_estimate_ratio_to_sm3_per_entry_cpu": round(
                    best_idle[label] / per_entry_cpu, 2
                ),
                "entries": reports[label].entries_checked,
                "nodes": reports[label].nodes_checked,
                "objects": reports[label].objects_checked,
                "checkpoints": reports[label].checkpoints_checked,
            }
            for label, _kwargs in configs
        },
        "best_of": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="verification runs (best kept)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    where, cleanup = _setup_database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        import django

        django.setup()
        import synthetic_ledger
        from django.core.management import call_command

        from sanxiang.ledger import keys

        call_command("migrate", verbosity=0)
        keys.ensure_keys()
        results: dict = {
            "database": where,
            "entries": args.entries,
            "load_average_at_start": os.getloadavg(),
        }
        print(f"Building {args.entries:,} synthetic entries in {where} …", flush=True)
        results["build_seconds"] = round(synthetic_ledger.build(args.entries), 1)
        print("Appending on top …", flush=True)
        bench_appends(results, args.appends, args.appends // 100, args.appends // 4)
        print("Proofs …", flush=True)
        bench_proofs(results, args.proofs)
        print("Verification …", flush=True)
        bench_verify(results, args.repeat)
        results["load_average_at_end"] = os.getloadavg()
    finally:
        cleanup()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
