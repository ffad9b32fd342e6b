"""Benchmark: filing and checking archive units at 100 and at 1,000 units (JL-ARC-1/3).

Each round runs in a fresh process on a fresh database, blob store and key directory:

1. *source data, not measured*: an agency with an officer, a custodian and a head, the sample
   retention schedule (示例), and ``n`` issued letters (安全监管建议书) through
   ``documents.services.document_issue`` — numbered, stored and ledgered as usual, but every
   letter carries the same small real PDF (typeset once by WeasyPrint), so building 1,000
   sources takes seconds rather than WeasyPrint's minutes;
2. *measured*: for each letter, ``assembly.unit_assemble_for_letter`` → ``services.unit_submit``
   (the volume is rendered with WeasyPrint, stored and ledgered; the four-property check runs
   and is stored and ledgered) → ``services.unit_approve`` (retention rule, the gapless 档号,
   the volume again with the 档号) — the whole filing path, one unit after another.

Reported per round: total seconds, seconds per unit, and per unit over the first and the last
tenth of the run (growth within a run shows there). Best of ``--repeat`` per count. Usage::

    .venv/bin/python bench/archive_filing.py [--counts 100 1000] [--repeat 1]
        [--database postgres://postgres@127.0.0.1:5432/archdemo_bench]

With ``--database`` (PostgreSQL) the database is dropped and created again for every round.
"""

from __future__ import annotations

import argparse
import json
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


def _setup(directory: Path, database: str) -> None:
    os.environ["DATABASE_URL"] = database or f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django
    from django.conf import settings

    django.setup()
    for name in ("MEDIA_ROOT", "SANXIANG_KEY_DIR"):
        shutil.rmtree(getattr(settings, name), ignore_errors=True)  # the test settings' temp dirs
    settings.MEDIA_ROOT = directory / "files"
    settings.SANXIANG_KEY_DIR = directory / "keys"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sanxiang.documents import pki
    from sanxiang.ledger import keys

    settings.SANXIANG_KEY_DIR.mkdir()
    keys.ensure_keys()
    pki.ensure_ca()  # issued documents are sealed (ADR 0200), as `manage.py signing_ca` sets up


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _sources(n: int):
    """The people, the retention schedule and ``n`` issued letters (not measured)."""
    from django.utils import timezone

    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalog
    from sanxiang.documents import rendering
    from sanxiang.documents import services as documents
    from sanxiang.testing import factories

    national = factories.agency(name="国家局（基准）", short="国")
    province = factories.agency(parent=national, name="基准省局", short="基")
    sub = factories.agency(parent=province, name="基准省局甲分局", short="甲")
    load_sample_catalog(
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=province,
        effective_from=timezone.localdate().replace(month=1, day=1),
        **factories.catalog_team(agency=province),
    )
    officer = factories.officer(agency=sub, full_name="李基准")
    people = {
        "custodian": factories.custodian(agency=sub, full_name="钱档案"),
        "head": factories.head(agency=sub, full_name="赵局长"),
    }

    def issue(i: int):
        return documents.document_issue(
            actor=officer,
            agency=sub,
            type_code="supervision_advice",
            short_code="建议",
            title="加强和改善安全监管建议书",
            content={"text": f"建议督促煤矿加强安全培训（基准第{i}件）。"},
        )

    # Typeset once: later letters reuse the first letter's unsigned PDF and seal box, and
    # each is still sealed and signed (ADR 0200) as issued letters are, so every original
    # differs and is ledgered with its own digests.
    real = rendering.render_pdf_with_seal_box
    typeset: list = []

    def render_once(template, context):
        if not typeset:
            typeset.append(real(template, context))
        return typeset[0]

    rendering.render_pdf_with_seal_box = render_once
    try:
        letters = [issue(i) for i in range(n)]
    finally:
        rendering.render_pdf_with_seal_box = real
    return people, letters


def _child(directory: Path, n: int, database: str) -> dict:
    _setup(directory, database)
    from sanxiang.archive import services
    from sanxiang.archive.assembly import unit_assemble_for_letter
    from sanxiang.archive.models import ArchiveUnit, UnitStatus
    from sanxiang.core.audit import audit_context

    with audit_context(channel="command"):
        people, letters = _sources(n)
        custodian, head = people["custodian"], people["head"]
        times = []
        started = time.perf_counter()
        for letter in letters:
            t0 = time.perf_counter()
            unit = unit_assemble_for_letter(actor=custodian, document=letter)
            unit = services.unit_submit(actor=custodian, unit=unit)
            services.unit_approve(actor=head, unit=unit)
            times.append(time.perf_counter() - t0)
        total = time.perf_counter() - started
    assert ArchiveUnit.objects.filter(status=UnitStatus.FILED).count() == n
    tenth = max(n // 10, 1)
    return {
        "units": n,
        "total_s": round(total, 2),
        "per_unit_s": round(total / n, 4),
        "first_tenth_per_unit_s": round(sum(times[:tenth]) / tenth, 4),
        "last_tenth_per_unit_s": round(sum(times[-tenth:]) / tenth, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.n, args.database)))
        return 0
    results = []
    for n in args.counts:
        rounds = []
        for _ in range(args.repeat):
            if args.database:
                _recreate_postgres(args.database)
            with tempfile.TemporaryDirectory(prefix="archive-filing-") as work:
                cmd = [sys.executable, __file__, "--child", work, "--n", str(n)]
                if args.database:
                    cmd += ["--database", args.database]
                done = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if done.returncode:
                    sys.stderr.write(done.stderr[-4000:])
                    return done.returncode
                rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
        best = min(rounds, key=lambda r: r["per_unit_s"])
        best["rounds"] = [r["per_unit_s"] for r in rounds]
        results.append(best)
        print(json.dumps(best, ensure_ascii=False), flush=True)
    if len(results) >= 2:
        ratio = results[-1]["per_unit_s"] / results[0]["per_unit_s"]
        print(f"per-unit time at {results[-1]['units']} / at {results[0]['units']}: {ratio:.2f}×")
    print(
        json.dumps(
            {
                "database": "postgresql" if args.database else "sqlite",
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
