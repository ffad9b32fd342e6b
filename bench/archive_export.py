"""Benchmark: exporting an archive unit with a large recording as a BagIt bag vs. raw copy+hash.

In one run, on a throw-away SQLite database, blob store and key directory:

1. stores a recording of ``--size-mib`` (default 2048 MiB, incompressible bytes behind an MP4
   head) through the evidence service, and issues one real PDF document, so both originals
   have their digests in the ledger;
2. *raw*: copies the stored recording to a new file in 1 MiB blocks while computing SHA-256
   and SM3 in the same pass (the work any export must do) — the raw rate; and the same copy
   with SM3 on a helper thread (what the export's copy does) — the fairer baseline;
3. *export*: ``sanxiang.archive.bag.export_bag`` of a unit holding the document and the
   recording (proof lookup, checkpoint signing, copy with both digests, metadata XML, PREMIS,
   manifests, bagit's completeness check) — the export rate over the same bytes;
4. peak resident memory during the export (sampled from /proc/self/status every 20 ms) and
   the export process's peak overall (VmHWM); each round runs in a fresh process.

The three run ``--repeat`` times in rotating order; the best of each is reported. Usage::

    .venv/bin/python bench/archive_export.py [--size-mib 2048] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def _setup(directory: Path, *, create: bool) -> None:
    """Django on the bench's own database, blob store and key directory (parent and child)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django
    from django.conf import settings

    django.setup()
    for name in ("MEDIA_ROOT", "SANXIANG_KEY_DIR"):
        shutil.rmtree(getattr(settings, name), ignore_errors=True)  # the test settings' temp dirs
    settings.MEDIA_ROOT = directory / "files"
    settings.SANXIANG_KEY_DIR = directory / "keys"
    if create:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from sanxiang.documents import pki
        from sanxiang.ledger import keys

        settings.SANXIANG_KEY_DIR.mkdir()
        keys.ensure_keys()
        pki.ensure_ca()  # issued documents are sealed (ADR 0200), as `manage.py signing_ca` does


def _chunks(size: int):
    """Incompressible, position-dependent content: a random block stamped with its index."""
    base = os.urandom(MIB)
    yield MP4_HEAD
    written, index = len(MP4_HEAD), 0
    while written < size:
        block = (index.to_bytes(8, "little") + base[8:])[: size - written]
        yield block
        written += len(block)
        index += 1


def _unit(size: int):
    from django.utils import timezone

    from sanxiang.archive.spec import ItemKind, LedgerRef, Stage, StoredFile, UnitItem, UnitSpec
    from sanxiang.documents.services import document_issue
    from sanxiang.evidence.services import recording_create_from_stream
    from sanxiang.testing import factories

    agency = factories.agency(name="基准测试分局", short="基")
    officer = factories.officer(agency=agency, full_name="基准")
    document = document_issue(
        actor=officer,
        agency=agency,
        type_code="bench",
        short_code="基",
        title="现场检查记录",
        content={"text": "基准测试"},
    )
    recording = recording_create_from_stream(
        actor=officer,
        chunks=_chunks(size),
        filename="DSJ_BENCH.mp4",
        content_type="video/mp4",
        metadata={"title": "执法记录仪视频（基准）"},
    )
    today = timezone.localdate()
    items = (
        UnitItem(
            seq=1,
            stage=Stage.INVESTIGATION,
            kind=ItemKind.DOCUMENT,
            title=document.title,
            doc_number=document.number.text,
            responsible=agency.name,
            date=today,
            file=StoredFile(
                document.pdf_path,
                document.pdf_size,
                document.pdf_sha256,
                document.pdf_sm3,
                "application/pdf",
                LedgerRef("documents.document", str(document.pk)),
            ),
        ),
        UnitItem(
            seq=2,
            stage=Stage.INVESTIGATION,
            kind=ItemKind.RECORDING,
            title=recording.title,
            doc_number="",
            responsible=officer.full_name,
            date=today,
            file=StoredFile(
                recording.blob_path,
                recording.size,
                recording.sha256,
                recording.sm3,
                recording.content_type,
                LedgerRef("evidence.recording", str(recording.pk)),
                name=recording.original_name,
            ),
        ),
    )
    return UnitSpec(
        unit_id=1,
        kind_label="现场检查案卷",
        title="基准测试案卷",
        archival_code="JZ-ZF·2026-Y-AJ-0001",
        fonds_code="JZ",
        agency_name=agency.name,
        year=today.year,
        retention_label="30年",
        confidentiality_label="一般",
        subject_label="基准测试煤矿",
        date_from=date(today.year, 1, 1),
        date_to=today,
        items=items,
    )


def _raw(source: Path, target: Path) -> float:
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    started = time.perf_counter()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while block := reader.read(MIB):
            sha256.update(block)
            sm3.update(block)
            writer.write(block)
        writer.flush()
    sha256.hexdigest(), sm3.hexdigest()
    return time.perf_counter() - started


def _raw_threaded(source: Path, target: Path) -> float:
    """The same copy with SM3 on a helper thread, as ``core.blobstore.DualHasher`` does: the
    fastest the export's copy can be on this machine (the fairer baseline on two cores)."""
    from sanxiang.core.blobstore import DualHasher, read_chunks, write_hashed

    started = time.perf_counter()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        write_hashed(read_chunks(reader), writer, DualHasher())
    return time.perf_counter() - started


class PeakRss:
    """Highest VmRSS of this process while running, sampled every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self.baseline = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                self.peak = max(self.peak, int(line.split()[1]) * 1024)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._sample()

    def __enter__(self) -> PeakRss:
        self._sample()
        self.baseline = self.peak
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _child(directory: Path, round_: int) -> None:
    """One round in a fresh process (as an export worker would run): the three measures."""
    _setup(directory, create=False)
    from sanxiang.archive.bag import export_bag
    from sanxiang.core.blobstore import blob_local_path, blob_open

    spec = pickle.loads((directory / "spec.pickle").read_bytes())
    source = blob_local_path(spec.items[1].file.path)
    raw_target = directory / "raw.bin"
    bag_dir = directory / f"bag-{round_}"
    results: dict[str, float] = {}
    rss = PeakRss()

    def run_raw() -> None:
        results["raw"] = _raw(source, raw_target)
        raw_target.unlink()

    def run_threaded() -> None:
        results["threaded"] = _raw_threaded(source, raw_target)
        raw_target.unlink()

    def run_export() -> None:
        with rss:
            started = time.perf_counter()
            export_bag(bag_dir, [(spec, None)], lambda f: blob_open(f.path), title="基准")
            results["export"] = time.perf_counter() - started

    # The order rotates between rounds, so no measure always finds the source in the cache.
    steps = [run_raw, run_threaded, run_export]
    for step in steps[round_ % 3 :] + steps[: round_ % 3]:
        step()
    raw, threaded, export = results["raw"], results["threaded"], results["export"]
    baseline = rss.baseline
    shutil.rmtree(bag_dir)
    # VmHWM, not ru_maxrss: on Linux the latter keeps the parent's peak across fork and exec
    hwm = next(
        line for line in Path("/proc/self/status").read_text().splitlines() if "VmHWM" in line
    )
    max_rss = int(hwm.split()[1]) * 1024
    print(
        json.dumps(
            {
                "raw": raw,
                "threaded": threaded,
                "export": export,
                "baseline": baseline,
                "peak": rss.peak,
                "max_rss": max_rss,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.round)
        return 0
    directory = Path(tempfile.mkdtemp(prefix="sanxiang-bench-export-"))
    try:
        _setup(directory, create=True)
        started = time.perf_counter()
        spec = _unit(args.size_mib * MIB)
        print(f"stored {args.size_mib} MiB recording in {time.perf_counter() - started:.1f} s")
        (directory / "spec.pickle").write_bytes(pickle.dumps(spec))
        rounds = []
        for round_ in range(args.repeat):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(directory), "--round", str(round_)],
                capture_output=True,
                text=True,
                check=True,
            )
            rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
        raw = min(r["raw"] for r in rounds)
        threaded = min(r["threaded"] for r in rounds)
        export = min(r["export"] for r in rounds)
        peak = max(r["peak"] for r in rounds)
        growth = max(r["peak"] - r["baseline"] for r in rounds)
        max_rss = max(r["max_rss"] for r in rounds)
        print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
        print(f"python {platform.python_version()}, {args.repeat} round(s), best of each\n")
        print("| measure | time (s) | rate (MiB/s) |")
        print("|---|---|---|")
        print(f"| raw copy + SHA-256 + SM3 | {raw:.2f} | {args.size_mib / raw:.0f} |")
        print(
            f"| raw copy + SHA-256 + SM3 on a helper thread | {threaded:.2f} "
            f"| {args.size_mib / threaded:.0f} |"
        )
        print(f"| export_bag (whole unit) | {export:.2f} | {args.size_mib / export:.0f} |")
        print(f"\nexport rate / raw rate: {raw / export:.0%} (target ≥ 70%)")
        print(f"export rate / raw rate with the helper thread: {threaded / export:.0%}")
        print(
            f"export process: peak RSS {peak / MIB:.0f} MiB (VmHWM {max_rss / MIB:.0f} MiB), "
            f"of which {growth / MIB:.0f} MiB grown during the export (target < 200 MiB)"
        )
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
