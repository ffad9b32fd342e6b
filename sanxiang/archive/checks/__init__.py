"""四性检测 (DA/T 70-2018): authenticity, integrity, usability and security of an archive unit.

One entry point, :func:`run_checks`, used at filing, at export (移交) and periodically (fixity).
It works from the unit's description (:class:`~sanxiang.archive.spec.UnitSpec`) and the stored
originals only — it writes nothing but, when needed, a fresh signed ledger checkpoint — and
returns a :class:`CheckReport` the archive stores with the run's ledger entry. Each original is
read once (:mod:`.files`); the four concerns live in their own modules.
"""

from __future__ import annotations

import time

from django.utils import timezone

from sanxiang.archive.spec import OpenFile, StoredFile, UnitSpec
from sanxiang.ledger.services import ledger_hasher

from . import authenticity, integrity, security, usability
from .authenticity import inclusion_evidence
from .files import ReadFile, read_files
from .report import VOLUME, WHEN_LABELS, CheckReport, Facts, Finding, item_label, volume_label

__all__ = ["CheckReport", "Facts", "Finding", "inclusion_evidence", "run_checks"]


def _targets(spec: UnitSpec, volume: StoredFile | None) -> list[ReadFile]:
    targets = [
        ReadFile(stored=item.file, ref=f"seq:{item.seq}", label=item_label(item))
        for item in spec.items
        if item.file is not None
    ]
    if volume is not None:
        targets.append(ReadFile(stored=volume, ref=VOLUME, label=volume_label()))
    return targets


def run_checks(
    spec: UnitSpec,
    volume: StoredFile | None,
    open_file: OpenFile,
    *,
    when: str = "filing",
    pages: dict[int, tuple[int, int]] | None = None,
) -> CheckReport:
    """Check ``spec``'s originals and ``volume`` (the volume PDF, itself ledgered).

    ``pages`` maps 件号 to the (first, last) page of that item in the volume; when given, 页号
    must run without gaps. ``when`` is "filing", "export" or "periodic".
    """
    if when not in WHEN_LABELS:
        raise ValueError(f"unknown check occasion {when!r}")
    started = time.monotonic()
    checked_at = timezone.now()
    with read_files(_targets(spec, volume), open_file) as files:
        proved = authenticity.check(files)
        by_ref = {target.ref: target for target in files}
        found_integrity = integrity.check(spec, by_ref, pages)
        found_usability = usability.check(files)
        scanned = security.check(files)
    database = scanned.database
    report = CheckReport(
        passed=False,
        unit_id=spec.unit_id,
        authenticity=proved.findings,
        integrity=found_integrity,
        usability=found_usability,
        security=scanned.findings,
        proofs=proved.proofs,
        facts=Facts(
            checked_at=checked_at.isoformat(timespec="seconds"),
            when=when,
            duration_seconds=round(time.monotonic() - started, 3),
            files_checked=len(files),
            bytes_hashed=sum(t.size for t in files),
            ledger_hash=ledger_hasher().name,
            checkpoint_size=proved.checkpoint_size,
            checkpoint_signed_now=proved.checkpoint_signed_now,
            checkpoint_note=proved.checkpoint_note,
            clamav_engine=scanned.engine,
            clamav_database=database.describe(),
            clamav_database_date=database.newest.isoformat() if database.newest else "",
            clamav_database_dir=database.directory,
            clamav_test_database=database.test_only,
            clamav_via=scanned.via,
        ),
    )
    report.passed = not report.failures()
    return report
