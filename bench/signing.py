"""Benchmark: what signing (PAdES, ADR 0200) adds to issuing one document.

In one run, on a throw-away SQLite database, blob store and key directory, issues the same
decision (``documents/pdf/decision.html``, one page, agency seal) ``--rounds`` times in each of
three modes, interleaved so machine load hits them alike:

* *unsigned*: ``SANXIANG_DOCUMENT_SIGNING`` off — numbering, WeasyPrint, blob store, ledger;
* *B-B*: signed with the agency seal (visible seal image, CA chain), no timestamp;
* *B-LT*: as deployed — plus the in-process RFC 3161 timestamp and the DSS (chain + CRL).

It reports the median and 95th percentile of each, what signing adds to each, and the
1-minute load average at the start and the end (2.0 = both cores of the project VM busy).
Usage::

    .venv/bin/python bench/signing.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(directory: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
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
    pki.ensure_ca()


MODES = {"unsigned": (False, False), "B-B": (True, False), "B-LT": (True, True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="sanxiang-bench-signing-"))
    try:
        _setup(directory)
        from django.conf import settings

        from sanxiang.documents.services import document_issue
        from sanxiang.documents.tests.test_documents import CONTENT
        from sanxiang.testing import factories

        agency = factories.agency(name="测试省局甲分局", short="测")
        head = factories.head(agency=agency)

        def issue() -> float:
            start = time.perf_counter()
            document_issue(
                actor=head,
                agency=agency,
                type_code="penalty_decision",
                short_code="罚",
                title="行政处罚决定书",
                content=CONTENT,
                template="documents/pdf/decision.html",
            )
            return time.perf_counter() - start

        load_start = os.getloadavg()[0]
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        for sign, stamp in MODES.values():  # warm-up: fonts, imports, seal image cache
            settings.SANXIANG_DOCUMENT_SIGNING, settings.SANXIANG_SIGNING_TIMESTAMP = sign, stamp
            issue()
        for _ in range(args.rounds):
            for mode, (sign, stamp) in MODES.items():
                settings.SANXIANG_DOCUMENT_SIGNING = sign
                settings.SANXIANG_SIGNING_TIMESTAMP = stamp
                times[mode].append(issue())
        load_end = os.getloadavg()[0]

        def p95(values: list[float]) -> float:
            return statistics.quantiles(values, n=20, method="inclusive")[18]

        base, base95 = statistics.median(times["unsigned"]), p95(times["unsigned"])
        print(f"rounds: {args.rounds} per mode, interleaved")
        print(f"load average (1 min): {load_start:.2f} at start, {load_end:.2f} at end")
        for mode, values in times.items():
            median, high = statistics.median(values), p95(values)
            added = (
                ""
                if mode == "unsigned"
                else f"  added median {1000 * (median - base):6.1f} ms"
                f"  p95 {1000 * (high - base95):6.1f} ms"
            )
            print(f"{mode:9s} median {1000 * median:7.1f} ms  p95 {1000 * high:7.1f} ms{added}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
