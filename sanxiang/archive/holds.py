"""Legal holds (保全, ADR 0130): what keeps a unit from being destroyed.

A hold is on a unit or on a case (then on every unit of the case). Three kinds the system
derives from the case itself — a fine not fully paid, an application for court enforcement not
yet carried out, a case back in processing (reopened) — and sets or releases on its own each
time the due list is built or an appraisal is created, approved or executed
(:func:`sync_derived_holds`). The others (litigation, reconsideration, petition, other) are set
and released by the head or the legal office with a reason; P11 sets them from appeals and
complaints through :func:`place_hold` / :func:`release_hold`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.roles import Role

from .models import ArchiveUnit
from .models_disposal import DERIVED_HOLD_KINDS, HoldKind, LegalHold

#: Who sets and releases holds by hand: the head and the legal office (法制审核人员).
HOLD_KEEPERS = frozenset({Role.HEAD, Role.LEGAL_REVIEWER})


def active_holds(unit: ArchiveUnit) -> QuerySet[LegalHold]:
    """The unreleased holds on ``unit``, its own and its case's."""
    subject = Q(unit=unit)
    if unit.case_id:
        subject |= Q(case_id=unit.case_id)
    return LegalHold.objects.filter(subject, released_at__isnull=True).order_by("set_at", "pk")


def derived_facts(case) -> dict[str, str]:
    """The holds the case's own facts call for now: {kind: reason in words}."""
    from sanxiang.cases.workflow import FINAL

    facts: dict[str, str] = {}
    if case.status not in FINAL:
        facts[HoldKind.REOPENED] = _("案件已重新进入办理（当前状态：%(s)s）。") % {
            "s": case.get_status_display()
        }
    outstanding = case.outstanding
    if outstanding > 0 and case.enforcement_applied_on:
        facts[HoldKind.COURT_ENFORCEMENT] = _(
            "已于 %(d)s 申请人民法院强制执行，尚有 %(a)s 元未执行到位。"
        ) % {"d": case.enforcement_applied_on.isoformat(), "a": f"{outstanding:.2f}"}
    elif outstanding > 0:
        facts[HoldKind.UNPAID_FINE] = _("尚有罚款 %(a)s 元未缴清。") % {"a": f"{outstanding:.2f}"}
    return facts


def sync_derived_holds(units: Iterable[ArchiveUnit]) -> None:
    """Set the derived holds the cases of ``units`` call for; release those no longer true.

    Each change is a ledger event by the system (no actor)."""
    from sanxiang.cases.models import Case

    case_ids = {u.case_id for u in units if u.case_id}
    if not case_ids:
        return
    with transaction.atomic():
        held = {
            (h.case_id, h.kind): h
            for h in LegalHold.objects.select_for_update().filter(
                case_id__in=case_ids,
                kind__in=DERIVED_HOLD_KINDS,
                by_system=True,
                released_at__isnull=True,
            )
        }
        for case in Case.objects.filter(pk__in=case_ids).select_related("agency"):
            facts = derived_facts(case)
            for kind, reason in facts.items():
                if (case.pk, kind) not in held:
                    _place(case=case, unit=None, kind=kind, reason=reason, actor=None)
            for (case_id, kind), hold in held.items():
                if case_id == case.pk and kind not in facts:
                    _release(hold, reason=_("该情形已消除（系统核实）。"), actor=None)


def _place(*, case, unit, kind, reason, actor) -> LegalHold:
    agency = unit.agency if unit is not None else case.agency
    hold = LegalHold.objects.create(
        agency=agency,
        unit=unit,
        case=case,
        kind=kind,
        reason=reason[:500],
        by_system=actor is None,
        set_by=actor,
        set_at=timezone.now(),
    )
    ledger_append(
        actor=actor,
        action="archive.hold",
        obj=hold,
        details={
            "unit": unit.pk if unit else None,
            "case": case.pk if case else None,
            "kind": kind,
        },
    )
    return hold


def _release(hold: LegalHold, *, reason: str, actor) -> LegalHold:
    hold.released_at = timezone.now()
    hold.released_by = actor
    hold.release_reason = reason[:500]
    hold.save()
    ledger_append(
        actor=actor, action="archive.hold_release", obj=hold, details={"reason": reason[:200]}
    )
    return hold


def _reason(value) -> str:
    return value.strip() if isinstance(value, str) else ""


@transaction.atomic
def place_hold(subject, kind: str, reason: str, actor) -> LegalHold:
    """Set a hold on a unit or a case (设置保全). ``actor`` None is the system (P11's appeals
    and complaints, or a derived fact); a person must be the head or the legal office."""
    from sanxiang.cases.models import Case

    if isinstance(subject, ArchiveUnit):
        unit, case, agency = subject, None, subject.agency
    elif isinstance(subject, Case):
        unit, case, agency = None, subject, subject.agency
    else:
        raise ValidationError({"subject": [_("只能对案卷或案件设置保全。")]})
    if actor is not None:
        require_role(actor, HOLD_KEEPERS, _("设置保全"))
        require_scope(actor, agency)
    errors = {}
    if kind not in HoldKind.values:
        errors["kind"] = [_("请选择保全事由。")]
    elif actor is not None and kind in DERIVED_HOLD_KINDS:
        errors["kind"] = [_("该事由由系统根据案件情况自动设置，无需人工设置。")]
    reason = _reason(reason)
    if not reason:
        errors["reason"] = [_("请说明保全的理由（如诉讼、复议、信访的案号或受理情况）。")]
    elif len(reason) > 500:
        errors["reason"] = [_("理由不能超过 500 个字。")]
    if unit is not None and unit.status == "destroyed":
        errors["unit"] = [_("该案卷已销毁，不能再设置保全。")]
    if errors:
        raise ValidationError(errors)
    return _place(case=case, unit=unit, kind=kind, reason=reason, actor=actor)


@transaction.atomic
def release_hold(hold: LegalHold, reason: str, actor) -> LegalHold:
    """Release a hold (解除保全) with a reason. Holds the system derived are released by the
    system when the fact ends, never by hand."""
    if actor is not None:
        require_role(actor, HOLD_KEEPERS, _("解除保全"))
        require_scope(actor, hold.agency)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    errors = {}
    if hold.released_at is not None:
        errors["hold"] = [_("该保全已经解除。")]
    elif actor is not None and hold.by_system:
        errors["hold"] = [_("该保全由系统根据案件情况设置，情形消除后自动解除。")]
    reason = _reason(reason)
    if not reason:
        errors["reason"] = [_("请说明解除保全的理由。")]
    elif len(reason) > 500:
        errors["reason"] = [_("理由不能超过 500 个字。")]
    if errors:
        raise ValidationError(errors)
    return _release(hold, reason=reason, actor=actor)
