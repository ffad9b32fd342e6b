"""Writes of the filing workflow (JL-ARC-3): submit, approve (the 档号 is taken), return.

One service per row of ``workflow.py``; each checks role, scope and state, changes the unit
and appends the ledger event in one transaction. Two collaborators are called through one
function each, so the rest of the workflow does not depend on how they are built:

* ``_render(spec)`` — the volume (``sanxiang.archive.volume.render_volume``): cover, 卷内目录
  with real page numbers, 备考表; stored write-once and ledgered with the unit;
* ``_run_check(unit, …)`` — the four-property check (``sanxiang.archive.checks.run_checks``);
  every run is stored (``CheckRun``) and ledgered. It runs at submission and again at the
  head's approval (ADR 0230): a failed run blocks either step, so nothing that broke in
  between (a document voided, an original changed) is filed.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Staff

from . import retention
from .assembly import file_digests
from .checks import run_checks
from .models import ArchiveUnit, CheckRun, CheckTrigger
from .spec import LedgerRef, StoredFile
from .specs import open_stored, unit_spec
from .workflow import CUSTODIANS, HEADS, transition_for


def _optional(module: str):
    """A collaborator module built in parallel, or None while it is not merged."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


# --- the volume ----------------------------------------------------------------------------------


def _render(spec) -> Any | None:
    """``volume.render_volume(spec, open_file)``, or None when the renderer is not installed."""
    module = _optional("sanxiang.archive.volume")
    if module is None:
        return None
    return module.render_volume(spec, open_stored)


def _volume_parts(result: Any) -> tuple[bytes, dict[int, tuple[int, int]], int]:
    """The PDF, page range per item seq, and page count of a ``VolumeResult``."""
    pdf = next(getattr(result, n) for n in ("pdf", "pdf_bytes", "content") if hasattr(result, n))
    ranges = next(
        (getattr(result, n) for n in ("page_ranges", "item_pages", "pages") if hasattr(result, n)),
        {},
    )
    count = next(
        (getattr(result, n) for n in ("page_count", "total_pages") if hasattr(result, n)), None
    )
    return pdf, dict(ranges or {}), count or 0


def _store_volume(unit: ArchiveUnit, actor: Staff | None) -> bool:
    """Render and store the volume, write each item's pages and ledger its digests at once
    (the check proves the volume against this event); False when no renderer exists."""
    result = _render(unit_spec(unit))
    if result is None:
        return False
    pdf, ranges, count = _volume_parts(result)
    blob = blob_put(pdf)
    unit.volume_path, unit.volume_sha256, unit.volume_sm3 = blob.path, blob.sha256, blob.sm3
    unit.volume_size, unit.volume_pages = blob.size, count
    for item in unit.items.all():
        first, last = ranges.get(item.seq, (None, None))
        if (item.page_from, item.page_to) != (first, last):
            item.page_from, item.page_to = first, last
            item.save(update_fields=["page_from", "page_to"])
    unit.save()
    ledger_append(
        actor=actor,
        action="archive.volume",
        obj=unit,
        details={"pages": count, "size": blob.size, **file_digests(unit)},
    )
    return True


def volume_file(unit: ArchiveUnit) -> StoredFile | None:
    if not unit.volume_path:
        return None
    return StoredFile(
        path=unit.volume_path,
        size=unit.volume_size or 0,
        sha256=unit.volume_sha256,
        sm3=unit.volume_sm3,
        media_type="application/pdf",
        ledger=LedgerRef(object_type=object_type_of(unit), object_id=str(unit.pk)),
        name=f"{unit.archival_code or unit.pk}.pdf",
    )


# --- the four-property check ---------------------------------------------------------------------


def _as_dict(report: Any) -> dict:
    for name in ("as_dict", "to_dict", "to_json"):
        if hasattr(report, name):
            value = getattr(report, name)()
            return value if isinstance(value, dict) else {"report": value}
    if dataclasses.is_dataclass(report):
        return dataclasses.asdict(report)
    return dict(report)


SECTIONS = ("authenticity", "integrity", "usability", "security")


def findings(report: dict) -> list[tuple[bool, str]]:
    """Every finding of a stored report as (ok, words): “item：message”, section by section."""
    out = []
    for key in (*SECTIONS, "findings"):
        for finding in report.get(key) or []:
            if not isinstance(finding, dict):
                continue
            ok = finding.get("ok", finding.get("passed", True)) is not False
            text = str(finding.get("message") or "")
            item = str(finding.get("item") or "")
            if text:
                out.append((ok, f"{item}：{text}" if item else text))
    return out


def failures(report: dict) -> list[str]:
    """The failed findings of a stored report, in words."""
    return [text for ok, text in findings(report) if not ok]


def _run_check(unit: ArchiveUnit, *, trigger: str, actor: Staff | None) -> CheckRun:
    """Run the four-property check on ``unit``, store and ledger the run."""
    pages = {
        seq: (first, last)
        for seq, first, last in unit.items.values_list("seq", "page_from", "page_to")
        if first is not None
    }
    report = run_checks(
        unit_spec(unit), volume_file(unit), open_stored, when=trigger, pages=pages or None
    )
    run = CheckRun.objects.create(
        unit=unit,
        ran_at=timezone.now(),
        trigger=trigger,
        passed=bool(report.passed),
        report=_as_dict(report),
        run_by=actor,
    )
    ledger_append(
        actor=actor,
        action="archive.check",
        obj=run,
        details={"unit": unit.pk, "trigger": trigger, "passed": run.passed},
    )
    return run


# --- the workflow --------------------------------------------------------------------------------


def _begin(actor: Staff, unit: ArchiveUnit, action: str, roles: frozenset[str], label: str):
    require_role(actor, roles, label)
    require_scope(actor, unit.agency)
    unit = ArchiveUnit.objects.select_for_update().get(pk=unit.pk)
    transition = transition_for(unit.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("案卷当前为“%(state)s”，不能%(doing)s。")
                    % {"state": unit.get_status_display(), "doing": label}
                ]
            }
        )
    return unit, transition


def _refusal(run: CheckRun, doing: str) -> ValidationError:
    """The error of a step a failed check blocks: each failure of the report, in words."""
    reasons = failures(run.report) or [_("详见检测报告。")]
    return ValidationError(
        {
            "check": [
                _("四性检测未通过，不能%(doing)s：") % {"doing": doing} + "；".join(reasons[:10])
            ]
        }
    )


def unit_submit(*, actor: Staff, unit: ArchiveUnit) -> ArchiveUnit:
    """The custodian submits a draft unit for filing (提交归档). The volume is rendered and the
    four-property check runs first; a failed check is stored and ledgered, and the unit stays
    where it was — the error names each failure."""
    with transaction.atomic():
        unit, transition = _begin(actor, unit, "submit", CUSTODIANS, _("提交归档"))
        if not unit.items.exists():
            raise ValidationError({"items": [_("案卷中没有文件，不能提交归档。")]})
        _store_volume(unit, actor)
        run = _run_check(unit, trigger=CheckTrigger.FILING, actor=actor)
        if run.passed:
            unit.status = transition.target
            unit.status_reason = ""
            unit.submitted_by, unit.submitted_at = actor, timezone.now()
            unit.save()
            ledger_append(
                actor=actor,
                action="archive.submit",
                obj=unit,
                details={"check": run.pk, **file_digests(unit)},
            )
            return unit
    # Outside the transaction: the failed run and its ledger entry stay recorded.
    raise _refusal(run, _("提交归档"))


def unit_approve(*, actor: Staff, unit: ArchiveUnit, opinion: str = "") -> ArchiveUnit:
    """JL-ARC-3: the head approves filing (批准归档). The four-property check runs again first
    (ADR 0230): whatever broke since submission — a document voided, an original changed —
    refuses the approval with the report, the run stays recorded, the unit stays submitted
    (the head returns it for re-assembly) and no 档号 is taken."""
    with transaction.atomic():
        unit, _transition = _begin(actor, unit, "file", HEADS, _("批准归档"))
        run = _run_check(unit, trigger=CheckTrigger.FILING, actor=actor)
        if run.passed:
            return _file(actor, unit, opinion, run)
    raise _refusal(run, _("批准归档"))


def _file(actor: Staff, unit: ArchiveUnit, opinion: str, run: CheckRun) -> ArchiveUnit:
    """Approval once the check passed: the retention rule in force today decides the period;
    the 档号 is taken now, gapless; retention runs from 1 January next year."""
    transition = transition_for(unit.status, "file")
    today = timezone.localdate()
    kinds, fine = ([], 0)
    if unit.case_id:
        from .assembly import _penalty_terms

        kinds, fine = _penalty_terms(unit.case)
    governing = retention.rule_for(
        agency=unit.agency, kind=unit.kind, penalty_kinds=kinds, fine=fine, on=today
    )
    if governing is None:
        raise ValidationError(
            {"retention": [_("本单位没有适用的执法档案保管期限表，不能归档；请先公布保管期限表。")]}
        )
    unit.retention_period = governing.rule.period
    unit.retention_rule_code = governing.rule.code
    unit.schedule_version = governing.version
    code = retention.archival_code_take(unit, governing)
    unit.filed_on = today
    unit.retention_starts = retention.retention_starts(today)
    unit.retention_due = retention.retention_due(unit.retention_period, today)
    unit.status = transition.target
    unit.approved_by, unit.approved_at = actor, timezone.now()
    unit.save()
    _store_volume(unit, actor)  # the cover and 备考表 now carry the 档号 and who approved
    retention.lock_originals(unit)  # COMPLIANCE until the retention end (ADR 0180)
    ledger_append(
        actor=actor,
        action="archive.file",
        obj=unit,
        details={
            "archival_code": code,
            "retention": unit.retention_period,
            "retention_due": unit.retention_due,
            "schedule_version": governing.version.pk,
            "opinion": (opinion or "").strip()[:200],
            "check": run.pk,
            **file_digests(unit),
        },
    )
    return unit


@transaction.atomic
def unit_return(*, actor: Staff, unit: ArchiveUnit, reason: str) -> ArchiveUnit:
    """The head returns the unit (退回) with a reason; no 档号 is taken."""
    unit, transition = _begin(actor, unit, "return", HEADS, _("退回"))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": [_("请说明退回理由。")]})
    unit.status = transition.target
    unit.status_reason = reason[:500]
    unit.save()
    ledger_append(
        actor=actor,
        action="archive.return",
        obj=unit,
        details={"reason": reason[:200], **file_digests(unit)},
    )
    return unit
