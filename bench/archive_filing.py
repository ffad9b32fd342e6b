"""Benchmark: filing and checking archive units at 100 and at 1,000 units (JL-ARC-1/3).

The goal (issue 14): the per-unit time of filing and checking at 1,000 units is at most 1.2×
that at 100 — nothing in the path may grow with the number of units already filed. The filing
path measured for one unit: ``assembly.unit_assemble_for_letter`` → ``services.unit_submit``
(volume rendered with WeasyPrint, stored and ledgered; the four-property check with ClamAV,
pdftoppm and pdffonts, a fresh signed checkpoint, stored and ledgered) → ``services.unit_approve``
(the check again, ADR 0230; retention rule, the gapless 档号, the volume again with the 档号).

Source data, not measured: an agency with an officer, a custodian and a head, the sample
retention schedule (示例), and ``n`` issued letters (安全监管建议书) through
``documents.services.document_issue`` — numbered, sealed and signed, stored and ledgered as
usual; the letter's PDF is typeset once by WeasyPrint and reused, so 1,000 sources take
minutes rather than WeasyPrint's quarter hour (the fill's letters are not signed: signing is
the issuing's cost, not the archive's).

Two modes, each round in fresh processes on fresh databases, blob stores and key directories:

* ``--window 0`` (*whole runs*): for each count, file every unit through the whole path and
  report seconds per unit over the run (and over its first and last tenth). A 1,000-unit round
  takes 15–60 minutes depending on the machine's load.
* ``--window W`` (default 100, *marginal*): for each count ``n`` a child process first files
  ``n − W`` units through the same services with only the expensive per-unit work that cannot
  depend on how many units exist replaced by a cached result (the WeasyPrint volume, pdftoppm /
  pdffonts, clamscan — every database write, ledger entry, checkpoint signature and 档号 is
  real), then files units ``n − W + 1 … n`` through the whole real path. The children of all
  counts file their measured units **in lockstep** (one unit each, in turn, the order rotating),
  so they share the machine's load unit by unit; with ``--counts 100 1000 --window 100`` this
  compares units 1–100 on an empty archive with units 901–1,000 on an archive of 900 filed
  units. That marginal ratio is stricter than the ratio of whole-run averages (if the cost
  grew, the last hundred would be the dearest).

Per count the best of ``--repeat`` rounds is reported, and the ratio of the bests; in lockstep
mode also each round's own ratio and the median of the per-pair ratios. The queries of the last
measured unit are counted (a constant count with a growing count of units is the point).
Usage::

    .venv/bin/python bench/archive_filing.py [--counts 100 1000] [--window 100] [--repeat 3]
        [--database postgres://postgres@127.0.0.1:5432/NAME] [--json FILE]

With ``--database`` (PostgreSQL) each child uses its own database ``NAME_<count>``, dropped and
created for every round and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
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


def _sources(n: int, signed: int):
    """The people, the retention schedule and ``n`` issued letters (not measured); the last
    ``signed`` are sealed and signed as issued letters are, the others (the fill's) are not."""
    from django.conf import settings
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
    signing = settings.SANXIANG_DOCUMENT_SIGNING
    try:
        settings.SANXIANG_DOCUMENT_SIGNING = False  # the fill's letters: signing is not filing
        letters = [issue(i) for i in range(n - signed)]
        settings.SANXIANG_DOCUMENT_SIGNING = signing
        letters += [issue(i) for i in range(n - signed, n)]
    finally:
        rendering.render_pdf_with_seal_box = real
        settings.SANXIANG_DOCUMENT_SIGNING = signing
    return people, letters


def _file_one(letter, people) -> float:
    from sanxiang.archive import services
    from sanxiang.archive.assembly import unit_assemble_for_letter

    t0 = time.perf_counter()
    unit = unit_assemble_for_letter(actor=people["custodian"], document=letter)
    unit = services.unit_submit(actor=people["custodian"], unit=unit)
    services.unit_approve(actor=people["head"], unit=unit)
    return time.perf_counter() - t0


class _Cached:
    """During the fill only: the per-unit work that does not depend on how many units exist
    (typesetting the volume, pdftoppm + pdffonts, clamscan) answered from the first real run."""

    def __enter__(self):
        from sanxiang.archive import services
        from sanxiang.archive.checks import report, security, usability

        self.saved = (services._render, usability.check_pdf, security.scan_clamscan)
        real_render, real_pdf = self.saved[0], self.saved[1]
        volume, pdf_finding = [], {}

        def render(spec):
            if not volume:
                volume.append(real_render(spec))
            return volume[0]

        def check_pdf(target):
            kind = target.ref == report.VOLUME
            if kind not in pdf_finding:
                pdf_finding[kind] = real_pdf(target)
            f = pdf_finding[kind]
            return report.Finding(f.ok, target.label, f.message, f.code, target.ref)

        def scan(paths, database):
            return security.ScanResult(found=dict.fromkeys(paths, ""))

        services._render, usability.check_pdf, security.scan_clamscan = render, check_pdf, scan
        return self

    def __exit__(self, *exc):
        from sanxiang.archive import services
        from sanxiang.archive.checks import security, usability

        services._render, usability.check_pdf, security.scan_clamscan = self.saved


def _emit(data: dict) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def _child(directory: Path, n: int, database: str, window: int) -> None:
    """Whole run (``window`` 0): file ``n`` units and report. Lockstep (``window`` > 0): fill
    ``n - window`` units, say ready, then file one unit per "go" line read from stdin."""
    _setup(directory, database)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanxiang.archive.models import ArchiveUnit, UnitStatus
    from sanxiang.core.audit import audit_context

    with audit_context(channel="command"):
        t0 = time.perf_counter()
        people, letters = _sources(n, window or n)
        sources_s = time.perf_counter() - t0
        measured = letters if not window else letters[-window:]
        fill = letters[: len(letters) - len(measured)]
        t0 = time.perf_counter()
        with _Cached():
            for letter in fill:
                _file_one(letter, people)
        fill_s = time.perf_counter() - t0
        if window:
            _emit({"ready": True, "sources_s": round(sources_s, 1), "fill_s": round(fill_s, 1)})
        times, queries = [], 0
        for index, letter in enumerate(measured):
            if window and sys.stdin.readline().strip() != "go":
                raise SystemExit("parent went away")
            if index == len(measured) - 1:
                with CaptureQueriesContext(connection) as captured:
                    times.append(_file_one(letter, people))
                queries = len(captured.captured_queries)
            else:
                times.append(_file_one(letter, people))
            if window:
                _emit({"t": times[-1]})
    assert ArchiveUnit.objects.filter(status=UnitStatus.FILED).count() == n
    tenth = max(len(times) // 10, 1)
    _emit(
        {
            "units": n,
            "measured_units": f"{n - len(times) + 1}–{n}",
            "per_unit_s": round(sum(times) / len(times), 4),
            "first_tenth_per_unit_s": round(sum(times[:tenth]) / tenth, 4),
            "last_tenth_per_unit_s": round(sum(times[-tenth:]) / tenth, 4),
            "queries_last_unit": queries,
            "sources_s": round(sources_s, 1),
            "fill_s": round(fill_s, 1),
            "times": [round(t, 4) for t in times],
        }
    )


def _db_for(database: str, n: int) -> str:
    return f"{database}_{n}" if database else ""


def _spawn(work: str, n: int, database: str, window: int) -> subprocess.Popen:
    cmd = [sys.executable, __file__, "--child", work, "--n", str(n), "--window", str(window)]
    if database:
        cmd += ["--database", database]
    return subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )


def _read(child: subprocess.Popen) -> dict:
    line = child.stdout.readline()
    if not line:
        child.wait()
        raise SystemExit(f"a benchmark child failed (exit {child.returncode})")
    return json.loads(line)


def _round(counts: list[int], database: str, window: int) -> list[dict]:
    """One round: every count in its own child; lockstep when ``window`` > 0."""
    with tempfile.TemporaryDirectory(prefix="archive-filing-") as work:
        children = {}
        for n in counts if window else []:
            if database:
                _recreate_postgres(_db_for(database, n))
            (Path(work) / str(n)).mkdir()
            children[n] = _spawn(str(Path(work) / str(n)), n, _db_for(database, n), window)
        if window:
            ready = {n: _read(c) for n, c in children.items()}
            pairs = []
            for index in range(window):
                order = counts[index % len(counts) :] + counts[: index % len(counts)]
                step = {}
                for n in order:
                    children[n].stdin.write("go\n")
                    children[n].stdin.flush()
                    step[n] = _read(children[n])["t"]
                pairs.append(step)
            results = []
            for n, child in children.items():
                result = _read(child)
                child.wait()
                result.update(ready[n])
                results.append(result)
            first = counts[0]
            for result in results[1:]:
                result["pair_ratio_median"] = round(
                    statistics.median(p[result["units"]] / p[first] for p in pairs), 3
                )
            return results
        results = []
        for n in counts:
            if database:
                _recreate_postgres(_db_for(database, n))
            (Path(work) / str(n)).mkdir()
            child = _spawn(str(Path(work) / str(n)), n, _db_for(database, n), 0)
            child.stdin.close()
            results.append(_read(child))
            child.wait()
        return results


def _drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--window", type=int, default=100, help="0: whole runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--json", type=Path, help="write all rounds here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.n, args.database, args.window)
        return 0
    counts = sorted(args.counts)
    if args.window and args.window > counts[0]:
        parser.error("--window must not exceed the smallest count")
    load = {"load_before": os.getloadavg()}
    started = time.time()
    rounds = []
    for number in range(args.repeat):
        results = _round(counts, args.database, args.window)
        ratio = results[-1]["per_unit_s"] / results[0]["per_unit_s"]
        rounds.append({"results": results, "ratio": round(ratio, 3), "load": os.getloadavg()})
        brief = {r["units"]: r["per_unit_s"] for r in results}
        print(f"round {number + 1}: per unit {brief}, ratio {ratio:.2f}×", flush=True)
    load["load_after"] = os.getloadavg()
    best = {n: min(r["results"][i]["per_unit_s"] for r in rounds) for i, n in enumerate(counts)}
    summary = {
        "database": "postgresql" if args.database else "sqlite",
        "mode": f"lockstep, window {args.window}" if args.window else "whole runs",
        "best_per_unit_s": best,
        "ratio_of_bests": round(best[counts[-1]] / best[counts[0]], 3),
        "round_ratios": [r["ratio"] for r in rounds],
        "pair_ratio_medians": [
            r["results"][-1].get("pair_ratio_median") for r in rounds if args.window
        ],
        "queries_last_unit": {
            n: [r["results"][i]["queries_last_unit"] for r in rounds] for i, n in enumerate(counts)
        },
        "minutes": round((time.time() - started) / 60, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        **load,
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rounds": rounds}, indent=1))
    if args.database:
        for n in counts:
            _drop_postgres(_db_for(args.database, n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
