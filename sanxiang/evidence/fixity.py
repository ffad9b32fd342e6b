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

import json
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
NEWER_VERSION = "newer-version"  # object storage: the key serves another version (ADR 0180)
DELETE_MARKER = "delete-marker"  # object storage: a delete marker hides the original

#: The ledger action that records originals removed by an approved disposal (ADR 0130).
DISPOSAL_ACTION = "archive.destroy"


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
    disposed: int = 0  # tracked originals gone by a recorded disposal, not missing

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
        if self.disposed:
            lines.append(
                _("另有 %(n)s 个原件已按批准的档案销毁决定删除（账本有记录），不属于缺失。")
                % {"n": self.disposed}
            )
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


def destroyed_by_decision() -> set[str]:
    """Paths of originals removed by an approved disposal, read from the ledger: each
    ``archive.destroy`` event lists them (ADR 0130). A blob missing for any other reason is
    still reported."""
    from sanxiang.ledger.models import LedgerEntry

    paths: set[str] = set()
    for body in LedgerEntry.objects.filter(action=DISPOSAL_ACTION).values_list("body", flat=True):
        details = json.loads(body).get("details") or {}
        paths.update(o.get("path", "") for o in details.get("originals") or [])
    paths.discard("")
    return paths


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
    gone = destroyed_by_decision()
    for blob in tracked_blobs():
        known.add(blob.path)
        if blob.path not in verified:
            if blobstore.blob_exists(blob.path):
                verified[blob.path] = blobstore.blob_hash(blob.path)
                report.checked += 1
                report.bytes_checked += verified[blob.path][2]
                _version_problem(report, blob)
            else:
                verified[blob.path] = None
        actual = verified[blob.path]
        if actual is None and blob.path in gone:
            report.disposed += 1
        elif actual is None:
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


def _version_problem(report: FixityReport, blob: TrackedBlob) -> None:
    """Object storage: the original (the pinned version) is intact, but the key now serves a
    newer version or a delete marker — someone wrote or deleted under it. Never served;
    reported."""
    found = blobstore.blob_version_problem(blob.path)
    if found == "newer":
        report.problems.append(
            FixityProblem(
                NEWER_VERSION,
                blob.path,
                blob.owner,
                _("对象存储中同一键下出现了较新的版本（%(o)s）：原件版本未变，系统只提供原件版本。")
                % {"o": blob.owner},
            )
        )
    elif found == "deleted":
        report.problems.append(
            FixityProblem(
                DELETE_MARKER,
                blob.path,
                blob.owner,
                _("对象存储中该键被加了删除标记（%(o)s）：原件版本仍在，系统只提供原件版本。")
                % {"o": blob.owner},
            )
        )


def fixity_check(*, actor=None) -> FixityReport:
    """Run :func:`fixity_report` and record the run (and what it found) in the ledger."""
    report = fixity_report()
    fixity_record(report, actor=actor)
    return report


def fixity_record(report: FixityReport, *, actor=None) -> None:
    """The ledger event of one fixity run."""
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
