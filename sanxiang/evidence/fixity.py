"""Fixity (JL-USE-3, JL-ARC-3): re-hash every stored original and report what changed.

:func:`fixity_report` re-reads every blob the database knows — evidence originals, derived
files, issued documents' PDFs, published annual reports' PDFs — in one streaming pass each
(SHA-256 and SM3 together), and lists every blob in the store that nothing refers to. It
returns problems naming the stored file; the ledger's ``verify`` includes them, and
:func:`fixity_check` (the periodic task and ``manage.py evidence_fixity``) records each run in
the ledger, so a deletion or change is both detected and attributable to the window between
two runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _

from sanxiang.core import blobstore
from sanxiang.ledger.services import ledger_append

CHANGED = "changed"
MISSING = "missing"
UNTRACKED = "untracked"


@dataclass(frozen=True)
class TrackedBlob:
    path: str
    sha256: str
    sm3: str
    size: int | None  # None: not recorded, the digests alone are compared
    owner: str  # e.g. "evidence.recording:12"


@dataclass(frozen=True)
class FixityProblem:
    kind: str
    path: str
    owner: str
    message: str
    local_path: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class FixityReport:
    checked: int = 0
    bytes_checked: int = 0
    problems: list[FixityProblem] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [
            _(
                "固定性核验：检查 %(n)s 个存储文件（%(b)s 字节），用时 %(s).1f 秒，发现 %(p)s 个问题。"
            )
            % {
                "n": self.checked,
                "b": self.bytes_checked,
                "s": self.elapsed_seconds,
                "p": len(self.problems),
            }
        ]
        lines += [f"[{p.kind}] {p.local_path or p.path} — {p.message}" for p in self.problems]
        return "\n".join(lines)


def tracked_blobs() -> Iterator[TrackedBlob]:
    """Every stored original the database refers to, with the digests recorded for it."""
    from .models import DerivedFile, Recording

    for pk, path, sha256, sm3, size in Recording.objects.values_list(
        "pk", "blob_path", "sha256", "sm3", "size"
    ).order_by("pk"):
        yield TrackedBlob(path, sha256, sm3, size, f"evidence.recording:{pk}")
    for pk, path, sha256, sm3, size in DerivedFile.objects.values_list(
        "pk", "blob_path", "sha256", "sm3", "size"
    ).order_by("pk"):
        yield TrackedBlob(path, sha256, sm3, size, f"evidence.derivedfile:{pk}")
    if apps.is_installed("sanxiang.documents"):
        Document = apps.get_model("documents", "Document")
        for pk, path, sha256, sm3, size in Document.objects.values_list(
            "pk", "pdf_path", "pdf_sha256", "pdf_sm3", "pdf_size"
        ).order_by("pk"):
            yield TrackedBlob(path, sha256, sm3, size, f"documents.document:{pk}")
    if apps.is_installed("sanxiang.publicity"):
        AnnualReport = apps.get_model("publicity", "AnnualReport")
        for pk, path, sha256, sm3 in (
            AnnualReport.objects.exclude(pdf_path="")
            .values_list("pk", "pdf_path", "pdf_sha256", "pdf_sm3")
            .order_by("pk")
        ):
            yield TrackedBlob(path, sha256, sm3, None, f"publicity.annualreport:{pk}")


def _matches(blob: TrackedBlob, actual: tuple[str, str, int]) -> bool:
    sha256, sm3, size = actual
    return (sha256, sm3) == (blob.sha256, blob.sm3) and blob.size in (None, size)


def _local(path: str) -> str:
    local = blobstore.blob_local_path(path)
    return str(local) if local is not None else ""


def fixity_report() -> FixityReport:
    """JL-USE-3: every stored original that changed, went missing, or is not tracked."""
    started = time.perf_counter()
    report = FixityReport()
    known: set[str] = set()
    verified: dict[str, tuple[str, str, int] | None] = {}
    for blob in tracked_blobs():
        known.add(blob.path)
        if blob.path not in verified:
            if blobstore.blob_exists(blob.path):
                verified[blob.path] = blobstore.blob_hash(blob.path)
                report.checked += 1
                report.bytes_checked += verified[blob.path][2]
            else:
                verified[blob.path] = None
        actual = verified[blob.path]
        if actual is None:
            report.problems.append(
                FixityProblem(
                    MISSING,
                    blob.path,
                    blob.owner,
                    _("存储文件缺失（%(o)s）。") % {"o": blob.owner},
                    _local(blob.path),
                )
            )
        elif not _matches(blob, actual):
            report.problems.append(
                FixityProblem(
                    CHANGED,
                    blob.path,
                    blob.owner,
                    _("存储文件内容已改变（%(o)s）：记录的 SHA-256 为 %(e)s，现为 %(a)s。")
                    % {"o": blob.owner, "e": blob.sha256, "a": actual[0]},
                    _local(blob.path),
                )
            )
    for path in blobstore.blob_iter_paths():
        if path not in known:
            report.problems.append(
                FixityProblem(
                    UNTRACKED,
                    path,
                    "",
                    _("存储中有未登记的文件。"),
                    _local(path),
                )
            )
    report.elapsed_seconds = time.perf_counter() - started
    return report


def fixity_check(*, actor=None) -> FixityReport:
    """Run :func:`fixity_report` and record the run (and what it found) in the ledger."""
    report = fixity_report()
    ledger_append(
        actor=actor,
        action="evidence.fixity",
        details={
            "checked": report.checked,
            "bytes": report.bytes_checked,
            "problems": [
                {"kind": p.kind, "path": p.path, "owner": p.owner} for p in report.problems[:200]
            ],
            "problems_total": len(report.problems),
        },
    )
    return report
