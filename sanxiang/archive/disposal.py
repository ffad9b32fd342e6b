"""Disposal at the end of retention (鉴定销毁, issue 14 item 8, ADR 0130).

    到期 ─鉴定（档案管理员登记，≥2 名鉴定人员）─▶ 待批准 ─批准销毁（负责人，动态口令）─▶
    已批准 ─执行销毁（档案管理员监销）─▶ 已执行：案卷“已销毁”，销毁记录永久保存
                                  └─不予批准（负责人，说明理由）

A unit is due when it is filed and its ``retention_due`` is today or earlier; a permanent unit
never is. A unit under a legal hold (``holds.py``) cannot be appraised for destruction, its
destruction cannot be approved, and execution checks again. What destruction removes: the
unit's volume PDF and every item's stored original that no other live unit and no open case
refers to (a recording's derived files go with it). The removal is recorded in the ledger
(``archive.destroy`` on the tombstone, listing each original's path and digests) before the
files go, after the transaction commits — so a file is never gone without a record, and
fixity reads those events to know the file is gone by decision, not lost.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import remove_original
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .holds import active_holds, sync_derived_holds
from .models import ArchiveItem, ArchiveUnit, UnitStatus
from .models_disposal import (
    AppraisalStatus,
    DisposalAppraisal,
    DisposalLine,
    DisposalTombstone,
    Verdict,
)
from .workflow import CUSTODIANS, HEADS

#: ADR 0130: an appraisal has at least two appraisers, one of them a custodian.
MIN_APPRAISERS = 2
MAX_EXTEND_YEARS = 30


def _today() -> datetime.date:
    """Today, in one place (tests move it to the boundary of a retention period)."""
    return timezone.localdate()


def is_due(unit: ArchiveUnit, today: datetime.date) -> bool:
    return (
        unit.status == UnitStatus.FILED
        and unit.retention_due is not None
        and unit.retention_due <= today
    )


def due_units(*, user: Staff, today: datetime.date | None = None) -> list[ArchiveUnit]:
    """到期鉴定: filed units whose retention ran out by ``today``, not in an open appraisal.
    The derived holds of their cases are brought up to date first."""
    today = today or _today()
    units = list(
        ArchiveUnit.objects.restrict(user)
        .filter(status=UnitStatus.FILED, retention_due__isnull=False, retention_due__lte=today)
        .exclude(pk__in=_units_in_open_appraisals())
        .select_related("agency", "case", "mine")
        .order_by("retention_due", "pk")
    )
    sync_derived_holds(units)
    return units


def _units_in_open_appraisals() -> QuerySet:
    return DisposalLine.objects.filter(
        appraisal__status__in=(AppraisalStatus.PENDING, AppraisalStatus.APPROVED)
    ).values("unit_id")


def _hold_text(unit: ArchiveUnit) -> str:
    holds = list(active_holds(unit))
    if not holds:
        return ""
    return "；".join(f"{h.get_kind_display()}（{h.reason}）" for h in holds)


@dataclass(frozen=True)
class LineIn:
    unit: ArchiveUnit | None
    verdict: str
    reason: str
    extend_years: int | None = None


def _check_appraisers(actor, agency, appraisers: Iterable[Staff]) -> list[Staff]:
    people = list({a.pk: a for a in appraisers if a is not None}.values())
    errors = []
    if len(people) < MIN_APPRAISERS:
        errors.append(_("鉴定人员至少 %(n)s 人。") % {"n": MIN_APPRAISERS})
    if any(
        not p.is_active or not p.agency or not agency.path.startswith(p.agency.path) for p in people
    ):
        errors.append(_("鉴定人员须为本单位或上级单位的在职人员。"))
    if people and not any(p.has_role(Role.CUSTODIAN) for p in people):
        errors.append(_("鉴定人员中须有档案管理员。"))
    if errors:
        raise ValidationError({"appraisers": errors})
    return people


@transaction.atomic
def appraisal_create(
    *,
    actor: Staff,
    lines: list[LineIn],
    appraisers: Iterable[Staff],
    opinion: str,
    appraised_on: datetime.date | None = None,
) -> DisposalAppraisal:
    """The custodian records an appraisal (鉴定) of due units: per unit 销毁 or 延长保管."""
    require_role(actor, CUSTODIANS, _("登记档案鉴定"))
    today = _today()
    appraised_on = appraised_on or today
    errors: dict[str, list[str]] = {}
    if appraised_on > today:
        errors["appraised_on"] = [_("鉴定日期不能晚于今天。")]
    opinion = opinion.strip() if isinstance(opinion, str) else ""
    if not opinion:
        errors["opinion"] = [_("请填写鉴定意见。")]
    elif len(opinion) > 2000:
        errors["opinion"] = [_("鉴定意见不能超过 2000 个字。")]
    if not lines:
        errors["lines"] = [_("请至少选择一个到期案卷。")]
    units = [line.unit for line in lines if line.unit is not None]
    sync_derived_holds(units)
    busy = set(_units_in_open_appraisals().values_list("unit_id", flat=True))
    agencies = set()
    line_errors = []
    seen = set()
    for n, line in enumerate(lines, start=1):
        unit = line.unit
        problems = []
        if unit is None:
            problems.append(_("案卷不存在。"))
        else:
            require_scope(actor, unit.agency)
            agencies.add(unit.agency_id)
            label = unit.archival_code or unit.title
            if unit.pk in seen:
                problems.append(_("%(u)s：重复选择。") % {"u": label})
            seen.add(unit.pk)
            if not is_due(unit, today):
                problems.append(_("%(u)s：尚未到保管期满，不能鉴定。") % {"u": label})
            if unit.pk in busy:
                problems.append(_("%(u)s：已在另一次鉴定中。") % {"u": label})
            if line.verdict == Verdict.DESTROY and (held := _hold_text(unit)):
                problems.append(
                    _("%(u)s：处于保全中，不能鉴定为销毁：%(h)s") % {"u": label, "h": held}
                )
        if line.verdict not in Verdict.values:
            problems.append(_("第 %(n)s 项：请选择销毁或延长保管。") % {"n": n})
        if line.verdict == Verdict.EXTEND and not (
            isinstance(line.extend_years, int) and 1 <= line.extend_years <= MAX_EXTEND_YEARS
        ):
            problems.append(
                _("第 %(n)s 项：延长保管须填写 1 至 %(m)s 年。") % {"n": n, "m": MAX_EXTEND_YEARS}
            )
        reason = line.reason.strip() if isinstance(line.reason, str) else ""
        if not reason:
            problems.append(_("第 %(n)s 项：请说明理由。") % {"n": n})
        elif len(reason) > 500:
            problems.append(_("第 %(n)s 项：理由不能超过 500 个字。") % {"n": n})
        line_errors += problems
    if len(agencies) > 1:
        line_errors.append(_("一次鉴定只能包含同一立卷单位的案卷。"))
    if line_errors:
        errors["lines"] = errors.get("lines", []) + line_errors
    agency = units[0].agency if units else actor.agency
    try:
        people = _check_appraisers(actor, agency, appraisers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    appraisal = DisposalAppraisal.objects.create(
        agency=agency,
        appraised_on=appraised_on,
        opinion=opinion,
        created_by=actor,
        created_at=timezone.now(),
    )
    appraisal.appraisers.set(people)
    for line in lines:
        DisposalLine.objects.create(
            appraisal=appraisal,
            unit=line.unit,
            verdict=line.verdict,
            extend_years=line.extend_years if line.verdict == Verdict.EXTEND else None,
            reason=line.reason.strip(),
        )
    ledger_append(
        actor=actor,
        action="archive.appraise",
        obj=appraisal,
        details={"units": [u.pk for u in units], "appraisers": [p.pk for p in people]},
    )
    return appraisal


def _locked(appraisal: DisposalAppraisal, status: str, doing: str) -> DisposalAppraisal:
    appraisal = DisposalAppraisal.objects.select_for_update().get(pk=appraisal.pk)
    if appraisal.status != status:
        raise ValidationError(
            {
                "status": [
                    _("该鉴定当前为“%(s)s”，不能%(d)s。")
                    % {"s": appraisal.get_status_display(), "d": doing}
                ]
            }
        )
    return appraisal


def _refuse_held(lines: Iterable[DisposalLine], doing: str) -> None:
    destroy = [line.unit for line in lines if line.verdict == Verdict.DESTROY]
    sync_derived_holds(destroy)
    held = [(u, text) for u in destroy if (text := _hold_text(u))]
    if held:
        raise ValidationError(
            {
                "holds": [
                    _("%(u)s 处于保全中，不能%(d)s：%(h)s")
                    % {"u": u.archival_code or u.title, "d": doing, "h": text}
                    for u, text in held
                ]
            }
        )


@transaction.atomic
def appraisal_approve(*, actor: Staff, appraisal: DisposalAppraisal, opinion: str = ""):
    """The head approves the appraisal (批准销毁, step-up). Extensions take effect now (the
    unit's retention runs on); destruction waits for execution. A held unit refuses it."""
    require_role(actor, HEADS, _("批准销毁"))
    require_scope(actor, appraisal.agency)
    appraisal = _locked(appraisal, AppraisalStatus.PENDING, _("批准"))
    lines = list(appraisal.lines.select_related("unit", "unit__agency"))
    _refuse_held(lines, _("批准销毁"))
    for line in lines:
        if line.verdict == Verdict.EXTEND:
            unit = ArchiveUnit.objects.select_for_update().get(pk=line.unit_id)
            old = unit.retention_due
            unit.retention_due = old.replace(year=old.year + line.extend_years)
            unit.save(update_fields=["retention_due"])
            ledger_append(
                actor=actor,
                action="archive.extend",
                obj=unit,
                details={
                    "appraisal": appraisal.pk,
                    "years": line.extend_years,
                    "from": old,
                    "to": unit.retention_due,
                },
            )
    appraisal.status = AppraisalStatus.APPROVED
    appraisal.decided_by, appraisal.decided_at = actor, timezone.now()
    appraisal.decision_opinion = (opinion or "").strip()[:500] if isinstance(opinion, str) else ""
    appraisal.save()
    ledger_append(actor=actor, action="archive.dispose", obj=appraisal, details={})
    return appraisal


@transaction.atomic
def appraisal_refuse(*, actor: Staff, appraisal: DisposalAppraisal, opinion: str):
    """The head does not approve (不予批准), with a reason; the units stay as they were."""
    require_role(actor, HEADS, _("不予批准"))
    require_scope(actor, appraisal.agency)
    appraisal = _locked(appraisal, AppraisalStatus.PENDING, _("审批"))
    opinion = opinion.strip() if isinstance(opinion, str) else ""
    if not opinion:
        raise ValidationError({"opinion": [_("请说明不予批准的理由。")]})
    appraisal.status = AppraisalStatus.REFUSED
    appraisal.decided_by, appraisal.decided_at = actor, timezone.now()
    appraisal.decision_opinion = opinion[:500]
    appraisal.save()
    ledger_append(
        actor=actor,
        action="archive.dispose_refuse",
        obj=appraisal,
        details={"opinion": opinion[:200]},
    )
    return appraisal


# --- execution -----------------------------------------------------------------------------------


def _originals(unit: ArchiveUnit) -> list[dict]:
    """The stored originals of the unit: its volume, each item's file, a recording's derived."""
    out = []
    if unit.volume_path:
        out.append(
            {
                "path": unit.volume_path,
                "sha256": unit.volume_sha256,
                "sm3": unit.volume_sm3,
                "size": unit.volume_size,
                "what": _("案卷 PDF"),
            }
        )
    for item in unit.items.select_related("document", "recording").order_by("seq"):
        if item.file_path:
            out.append(
                {
                    "path": item.file_path,
                    "sha256": item.file_sha256,
                    "sm3": item.file_sm3,
                    "size": item.file_size,
                    "what": item.title,
                    "item": item.pk,
                }
            )
        if item.recording_id:
            for derived in item.recording.derived.all():
                out.append(
                    {
                        "path": derived.blob_path,
                        "sha256": derived.sha256,
                        "sm3": derived.sm3,
                        "size": derived.size,
                        "what": f"{item.title}（{derived.get_kind_display()}）",
                        "item": item.pk,
                    }
                )
    return out


def _referenced_elsewhere(unit: ArchiveUnit, path: str) -> str:
    """Why ``path`` must stay (another live unit or an open case refers to it), or ""."""
    from sanxiang.cases.workflow import FINAL

    live = ArchiveUnit.objects.exclude(pk=unit.pk).exclude(status=UnitStatus.DESTROYED)
    if live.filter(volume_path=path).exists():
        return _("另一案卷的案卷 PDF")
    other = ArchiveItem.objects.filter(file_path=path, unit__in=live).select_related("unit").first()
    if other is not None:
        return _("另一案卷（%(u)s）引用") % {"u": other.unit.archival_code or other.unit.title}
    from django.apps import apps

    from sanxiang.cases.models import Case

    Document = apps.get_model("documents", "Document")
    case_ids = Document.objects.filter(pdf_path=path, subject_type="cases.case").values_list(
        "subject_id", flat=True
    )
    ids = [int(i) for i in case_ids if str(i).isdigit()]
    if Case.objects.filter(pk__in=ids).exclude(status__in=FINAL).exists():
        return _("办理中的案件引用")
    return ""


def _destroy_unit(actor, appraisal, line) -> tuple[DisposalTombstone, list[str]]:
    unit = ArchiveUnit.objects.select_for_update().get(pk=line.unit_id)
    if not is_due(unit, _today()):
        raise ValidationError(
            {"lines": [_("%(u)s 不是到期的已归档案卷，不能销毁。") % {"u": unit.archival_code}]}
        )
    destroyed, kept, seen = [], [], set()
    for original in _originals(unit):
        if original["path"] in seen:
            continue
        seen.add(original["path"])
        why = _referenced_elsewhere(unit, original["path"])
        (kept if why else destroyed).append({**original, **({"kept_because": why} if why else {})})
    now = timezone.now()
    tomb = DisposalTombstone.objects.create(
        agency=unit.agency,
        unit=unit,
        mine=unit.mine,
        archival_code=unit.archival_code,
        title=unit.title,
        retention_period=unit.retention_period,
        filed_on=unit.filed_on,
        retention_due=unit.retention_due,
        destroyed_at=now,
        reason=line.reason,
        appraisal=appraisal,
        approved_by=appraisal.decided_by,
        approved_at=appraisal.decided_at,
        executed_by=actor,
        destroyed=[{k: v for k, v in o.items() if k != "item"} for o in destroyed],
        kept=[{k: v for k, v in o.items() if k != "item"} for o in kept],
    )
    ledger_append(
        actor=actor,
        action="archive.destroy",
        obj=tomb,
        details={
            "unit": unit.pk,
            "appraisal": appraisal.pk,
            "originals": [
                {"path": o["path"], "sha256": o["sha256"], "sm3": o["sm3"]} for o in destroyed
            ],
            "kept": [o["path"] for o in kept],
        },
    )
    unit.status = UnitStatus.DESTROYED
    unit.status_reason = ""
    unit.save(update_fields=["status", "status_reason"])
    ledger_append(actor=actor, action="archive.destroyed", obj=unit, details={"tombstone": tomb.pk})
    return tomb, [o["path"] for o in destroyed]


def appraisal_execute(*, actor: Staff, appraisal: DisposalAppraisal) -> list[DisposalTombstone]:
    """The custodian carries out an approved appraisal (执行销毁): holds are checked again; each
    unit to destroy gets its tombstone and is marked 已销毁, in one transaction; the files are
    removed once it has committed (``remove_original``), so none is gone without a record."""
    require_role(actor, CUSTODIANS, _("执行销毁"))
    require_scope(actor, appraisal.agency)
    with transaction.atomic():
        appraisal = _locked(appraisal, AppraisalStatus.APPROVED, _("执行销毁"))
        lines = list(appraisal.lines.select_related("unit", "unit__agency"))
        _refuse_held(lines, _("执行销毁"))
        tombs, paths = [], []
        for line in lines:
            if line.verdict != Verdict.DESTROY:
                continue
            tomb, removed = _destroy_unit(actor, appraisal, line)
            tombs.append(tomb)
            paths += removed
        appraisal.status = AppraisalStatus.EXECUTED
        appraisal.executed_by, appraisal.executed_at = actor, timezone.now()
        appraisal.save()
        ledger_append(
            actor=actor,
            action="archive.dispose_execute",
            obj=appraisal,
            details={"tombstones": [t.pk for t in tombs]},
        )
        transaction.on_commit(lambda: _remove_all(paths, appraisal))
    return tombs


def _remove_all(paths: list[str], appraisal: DisposalAppraisal) -> None:
    for path in paths:
        remove_original(path, disposal=appraisal)


# --- the mine's file (一矿一档) ------------------------------------------------------------------
