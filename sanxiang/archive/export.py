"""移交 (JL-ARC-4, ADR 0135): a filed unit, a mine's whole file, or an agency's year, handed over
as ONE uncompressed POSIX tar of a BagIt bag (``bag.export_bag``).

Each export, in this order:

1. who: custodians and heads, the matter in their scope (the views and the API answer 404 for
   what the user cannot see, ADR 0065; this service says 403 for a role that may not export);
2. the 四性检测 with trigger “移交时”, stored as a ``CheckRun`` and ledgered like the filing
   check (a mine's file is no unit: its run is ledgered on the mine). A failed check refuses the
   export with the report's failures (:class:`ExportRefused`);
3. the bag, in a temporary folder beside the blob store; every recording streamed into it is a
   download in the evidence app's access log (``recording_access``, ground ``export:<what>``) —
   a refused download refuses the export, and the refusal is logged;
4. the tar, written once to disk while its SHA-256 and SM3 are computed (never held in memory);
5. one ledger event ``archive.export``: who, what, the tar's digests and size, the number of
   payload files, and the digests of ``manifest-sha256.txt`` — the signed record of the bag's
   file list that ADR 0121 found missing.

The caller streams :attr:`ExportResult.path` (``FileResponse``) and calls
:meth:`ExportResult.cleanup` when done (the response's ``close``).
"""

from __future__ import annotations

import dataclasses
import shutil
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import DualHasher, staging_dir
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine

from .bag import ExportError, export_bag, safe_name
from .minefile import mine_file_spec
from .models import ArchiveUnit, CheckTrigger, UnitStatus
from .services import _as_dict, _run_check, failures, volume_file
from .spec import StoredFile, UnitSpec
from .specs import open_stored, unit_spec
from .workflow import CUSTODIANS, HEADS

EXPORTERS = CUSTODIANS | HEADS
RECORDING_TYPE = "evidence.recording"
CHUNK = 1024 * 1024
RECIPIENT_MAX = 100


class ExportRefused(ValidationError):
    """The 四性检测 at export failed: the error names each failure; ``runs`` are the stored runs
    (empty for a mine's file, whose run is a ledger event)."""

    def __init__(self, reasons: list[str], runs: Sequence = ()):
        self.reasons = reasons
        self.runs = list(runs)
        super().__init__(
            {
                "check": [
                    _("四性检测未通过，不能移交：")
                    + "；".join(reasons[:10] or [_("详见检测报告。")])
                ]
            }
        )


@dataclass
class ExportResult:
    """A finished package on disk: stream ``path`` as ``filename``, then ``cleanup()``."""

    path: Path
    filename: str
    size: int
    sha256: str
    sm3: str
    folder: Path
    details: dict = field(default_factory=dict)

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _HashingWriter:
    """A write-only file for ``tarfile`` that hashes (SHA-256 and SM3) what it writes."""

    def __init__(self, handle):
        self.handle, self.hasher = handle, DualHasher()

    def write(self, data) -> int:
        data = bytes(data)
        self.hasher.update(data)
        return self.handle.write(data)


def _write_tar(bag: Path, target: Path) -> tuple[int, str, str]:
    """``bag`` as one uncompressed POSIX (pax) tar at ``target``, hashed as it is written."""
    with open(target, "xb") as handle:
        writer = _HashingWriter(handle)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            tar.add(bag, arcname=bag.name, recursive=True, filter=_normalise)
    sha256, sm3 = writer.hasher.hexdigests()
    return writer.hasher.size, sha256, sm3


def _normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No local user names or ids in the package."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o755 if info.isdir() else 0o644
    return info


def _file_digests(path: Path) -> dict[str, str]:
    hasher = DualHasher()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
    sha256, sm3 = hasher.hexdigests()
    return {"sha256": sha256, "sm3": sm3}


def _recording_opener(actor: Staff, ground: str):
    """``open_stored`` that logs each recording streamed into the package as a download with
    ``ground`` (JL-USE-3), and refuses the export when the download is not allowed."""
    from sanxiang.evidence import access as access_rules
    from sanxiang.evidence.models import Recording
    from sanxiang.evidence.services import recording_access

    def open_file(file: StoredFile):
        if file.ledger.object_type == RECORDING_TYPE:
            recording = Recording.objects.get(pk=file.ledger.object_id)
            decision = recording_access(
                actor=actor,
                recording=recording,
                mode=access_rules.DOWNLOAD,
                detail={"ground": ground},
            )
            if not decision.download:
                raise PermissionDenied(
                    _("您无权下载音像记录“%(n)s”的原件，不能移交含该记录的案卷。")
                    % {"n": recording.number}
                    + (str(decision.reason) if decision.reason else "")
                )
        return open_stored(file)

    return open_file


def _package(
    *,
    actor: Staff,
    units: Sequence[tuple[UnitSpec, StoredFile | None]],
    ground: str,
    title: str,
    stem: str,
    obj,
    what: dict,
) -> ExportResult:
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=staging_dir()))
    try:
        bag = export_bag(
            folder / safe_name(stem), units, _recording_opener(actor, ground), title=title
        )
        manifest_file = bag / "manifest-sha256.txt"
        manifest = _file_digests(manifest_file)
        payload_files = len(manifest_file.read_text(encoding="utf-8").splitlines())
        filename = f"{safe_name(stem)}.tar"
        target = folder / filename
        size, sha256, sm3 = _write_tar(bag, target)
        shutil.rmtree(bag)
        details = {
            **what,
            "tar_name": filename,
            "tar_size": size,
            "tar_sha256": sha256,
            "tar_sm3": sm3,
            "payload_files": payload_files,
            "manifest_sha256": manifest,
        }
        with transaction.atomic():
            ledger_append(actor=actor, action="archive.export", obj=obj, details=details)
        return ExportResult(target, filename, size, sha256, sm3, folder, details)
    except ExportError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ValidationError({"export": [str(exc)]}) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _check_units(actor: Staff, units: Sequence[ArchiveUnit]) -> None:
    runs, reasons = [], []
    for unit in units:
        with transaction.atomic():
            run = _run_check(unit, trigger=CheckTrigger.EXPORT, actor=actor)
        if not run.passed:
            runs.append(run)
            label = unit.archival_code or unit.title
            reasons += [f"{label}：{text}" for text in failures(run.report)] or [label]
    if runs:
        raise ExportRefused(reasons, runs)


def _recipient(text: str) -> str:
    """The receiving archive or office (接收单位), recorded with the export; optional."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if len(text) > RECIPIENT_MAX:
        raise ValidationError(
            {"recipient": [_("接收单位最多 %(n)s 个字。") % {"n": RECIPIENT_MAX}]}
        )
    return text


def export_unit(*, actor: Staff, unit: ArchiveUnit, recipient: str = "") -> ExportResult:
    """移交 one filed unit: ``<档号>.tar``."""
    recipient = _recipient(recipient)
    require_role(actor, EXPORTERS, _("移交档案"))
    require_scope(actor, unit.agency)
    if unit.status != UnitStatus.FILED:
        raise ValidationError({"status": [_("只有已归档的案卷才能移交。")]})
    _check_units(actor, [unit])
    return _package(
        actor=actor,
        units=[(unit_spec(unit), volume_file(unit))],
        ground=f"export:{unit.archival_code or unit.pk}",
        title=_("案卷移交：%(t)s") % {"t": unit.title},
        stem=unit.archival_code or f"案卷-{unit.pk}",
        obj=unit,
        what={
            "recipient": recipient,
            "scope": "unit",
            "units": [unit.pk],
            "archival_codes": [unit.archival_code],
        },
    )


def export_agency_year(
    *, actor: Staff, agency: Agency, year: int, recipient: str = ""
) -> ExportResult:
    """移交 every filed unit of ``agency`` (itself, not the agencies below it) and ``year``."""
    recipient = _recipient(recipient)
    require_role(actor, EXPORTERS, _("移交档案"))
    require_scope(actor, agency)
    units = list(
        ArchiveUnit.objects.filter(agency=agency, year=year, status=UnitStatus.FILED).order_by(
            "kind", "code_number", "pk"
        )
    )
    if not units:
        raise ValidationError({"year": [_("%(y)s 年度本单位没有已归档的案卷。") % {"y": year}]})
    _check_units(actor, units)
    return _package(
        actor=actor,
        units=[(unit_spec(u), volume_file(u)) for u in units],
        ground=f"export:{agency.short_name or agency.pk}-{year}",
        title=_("%(a)s %(y)s 年度档案移交") % {"a": agency.name, "y": year},
        stem=f"{agency.short_name or agency.pk}-{year}年度档案",
        obj=agency,
        what={
            "recipient": recipient,
            "scope": "agency_year",
            "year": year,
            "units": [u.pk for u in units],
            "archival_codes": [u.archival_code for u in units],
        },
    )


def export_mine_file(*, actor: Staff, mine: CoalMine, recipient: str = "") -> ExportResult:
    """移交 a mine's whole file (一矿一档, ADR 0127): every document and recording the exporter
    may take away. Its check is ledgered on the mine (it is no unit, so there is no
    ``CheckRun``); a failed one refuses the export the same way."""
    from .checks import run_checks

    recipient = _recipient(recipient)
    require_role(actor, EXPORTERS, _("移交档案"))
    require_scope(actor, mine.supervising_agency)
    spec = mine_file_spec(mine, actor)
    # The file has no retention of its own: its items keep those of the units they are filed in.
    spec = dataclasses.replace(spec, retention_label=spec.retention_label or _("依所属案卷"))
    if not spec.items:
        raise ValidationError({"mine": [_("该煤矿没有可导出的执法文书或音像记录。")]})
    result = run_checks(spec, None, open_stored, when=CheckTrigger.EXPORT, pages=None)
    report, passed = _as_dict(result), bool(result.passed)
    with transaction.atomic():
        ledger_append(
            actor=actor,
            action="archive.check",
            obj=mine,
            details={
                "scope": "mine_file",
                "trigger": CheckTrigger.EXPORT,
                "passed": passed,
                "failures": failures(report)[:20],
            },
        )
    if not passed:
        raise ExportRefused(failures(report))
    today = timezone.localdate()
    return _package(
        actor=actor,
        units=[(spec, None)],
        ground=f"export:mine-{mine.pk}",
        title=spec.title,
        stem=f"{mine.name}-一矿一档-{today:%Y%m%d}",
        obj=mine,
        what={
            "recipient": recipient,
            "scope": "mine_file",
            "items": len(spec.items),
            "date": today.isoformat(),
        },
    )


def export_years(*, user: Staff) -> list[int]:
    """The years with filed units the user can see (the year picker)."""
    return sorted(
        set(
            ArchiveUnit.objects.restrict(user)
            .filter(status=UnitStatus.FILED)
            .values_list("year", flat=True)
        ),
        reverse=True,
    )


def export_agencies(*, user: Staff):
    """The agencies with filed units the user can see (the agency picker)."""
    ids = (
        ArchiveUnit.objects.restrict(user)
        .filter(status=UnitStatus.FILED)
        .values_list("agency_id", flat=True)
    )
    return Agency.objects.filter(pk__in=ids).order_by("path")


__all__ = [
    "EXPORTERS",
    "ExportRefused",
    "ExportResult",
    "export_agency_year",
    "export_mine_file",
    "export_unit",
]
