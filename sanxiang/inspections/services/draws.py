"""双随机 draws (GS-PRE-1): creation with their shares, exclusions, the commitment of the frozen
inputs before the run, the reproducible run and its publication.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, InspectionWeight
from sanxiang.catalog.selectors import (
    applicable_version,
)
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import CertificateValidity, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine, MineStatus

from .. import draw as draw_algorithm
from .. import rules
from ..models import (
    ConflictDeclaration,
    DrawExclusion,
    DrawTask,
    EnforcementPlan,
    Inspection,
    RandomDraw,
    RelationKind,
)
from ..workflow import (
    HEADS,
    OFFICERS_OR_HEADS,
    DrawStatus,
    EnforcementPlanStatus,
)
from .common import _add, _errors, _raise_if, _text, _wrong_state


def _percent(value: Any, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _add(errors, field, _("应为数字。"))
        return None
    if not number.is_finite() or not Decimal("0") < number <= Decimal("100"):
        _add(errors, field, _("抽查比例应大于0且不超过100。"))
        return None
    return number.quantize(Decimal("0.01"))


def draw_share_minimums(items: list[dict]) -> tuple[Decimal, Decimal]:
    """GS-PRE-1: the shares the chosen random-inspection items require, (key mines, general mines).

    Key items (重点检查事项) set the share of key mines, general items that of general mines;
    when only one weight is chosen its share applies to both. Key mines are never drawn less
    often than general ones.
    """
    key = [Decimal(str(i["share_percent"])) for i in items if i["weight"] == InspectionWeight.KEY]
    general = [
        Decimal(str(i["share_percent"])) for i in items if i["weight"] == InspectionWeight.GENERAL
    ]
    share_general = max(general or key or [Decimal("0")])
    share_key = max(key or general or [Decimal("0")])
    return max(share_key, share_general), share_general


@transaction.atomic
def draw_create(
    *,
    actor: Staff,
    enforcement_plan: EnforcementPlan,
    title: str,
    item_codes: list[str],
    share_key: Any = None,
    share_general: Any = None,
    inspectors_per_mine: int = 2,
) -> RandomDraw:
    """Prepare a draw for an approved enforcement plan; shares default to the items' shares."""
    require_role(actor, OFFICERS_OR_HEADS, _("组织双随机抽取"))
    require_scope(actor, enforcement_plan.agency)
    errors = _errors()
    if enforcement_plan.status != EnforcementPlanStatus.APPROVED:
        _add(errors, "enforcement_plan", _("监察执法计划尚未批准，不能据此抽取。"))
    version = applicable_version(agency=enforcement_plan.agency, kind=CatalogKind.RANDOM_INSPECTION)
    catalog = {i.code: i for i in version.random_inspection_items.all()} if version else {}
    codes = list(dict.fromkeys(c.strip() for c in item_codes or [] if c and c.strip()))
    if version is None:
        _add(errors, "item_codes", _("本单位适用的随机抽查事项清单尚未公布。"))
    elif not codes:
        _add(errors, "item_codes", _("请至少选择一项随机抽查事项。"))
    unknown = [c for c in codes if c not in catalog]
    if version is not None and unknown:
        _add(
            errors,
            "item_codes",
            _("随机抽查事项清单中没有：%(codes)s。") % {"codes": "、".join(unknown)},
        )
    items = [
        {
            "code": item.code,
            "name": item.name,
            "content": item.content,
            "weight": item.weight,
            "share_percent": str(item.share_percent),
            "legal_basis": item.legal_basis,
        }
        for code in codes
        if (item := catalog.get(code)) is not None
    ]
    minimum_key, minimum_general = draw_share_minimums(items) if items else (None, None)
    key = _percent(share_key, "share_key", errors)
    general = _percent(share_general, "share_general", errors)
    key = key if key is not None else minimum_key
    general = general if general is not None else minimum_general
    if items and key is not None and key < minimum_key:
        _add(
            errors,
            "share_key",
            _("所选事项要求重点监管煤矿抽查比例不低于%(n)s%%。") % {"n": minimum_key},
        )
    if items and general is not None and general < minimum_general:
        _add(
            errors,
            "share_general",
            _("所选事项要求一般煤矿抽查比例不低于%(n)s%%。") % {"n": minimum_general},
        )
    if key is not None and general is not None and key < general:
        _add(errors, "share_key", _("重点监管煤矿的抽查比例不能低于一般煤矿。"))
    if not isinstance(inspectors_per_mine, int) or not 2 <= inspectors_per_mine <= 10:
        _add(errors, "inspectors_per_mine", _("每矿检查人员应为2至10人。"))
        inspectors_per_mine = 2
    draw = RandomDraw(
        agency=enforcement_plan.agency,
        enforcement_plan=enforcement_plan,
        title=_text(title),
        items=items,
        share_key=key,
        share_general=general,
        inspectors_per_mine=inspectors_per_mine,
        created_by=actor,
    )
    clean_and_save(draw, extra_errors=errors)
    ledger_append(actor=actor, action="draw.create", obj=draw)
    return draw


def _require_draw_organiser(actor: Staff, draw: RandomDraw, doing: str) -> RandomDraw:
    require_role(actor, OFFICERS_OR_HEADS, doing)
    require_scope(actor, draw.agency)
    return RandomDraw.objects.select_for_update().get(pk=draw.pk)


@transaction.atomic
def draw_exclusion_add(
    *,
    actor: Staff,
    draw: RandomDraw,
    mine: CoalMine,
    inspector: Staff,
    kind: str,
    reason: str,
) -> DrawExclusion:
    """Exclude one inspector for one mine before the commitment, stating why."""
    draw = _require_draw_organiser(actor, draw, _("登记回避"))
    if draw.status != DrawStatus.DRAFT:
        raise _wrong_state(draw.get_status_display(), _("登记回避"))
    errors = _errors()
    if kind not in RelationKind.values:
        _add(errors, "kind", _("未知的回避事由。"))
    if not _text(reason):
        _add(errors, "reason", _("请说明回避理由。"))
    if not _draw_mines(draw).filter(pk=mine.pk).exists():
        _add(errors, "mine", _("该煤矿不在本次抽取的检查对象名录中。"))
    if inspector.pk not in {o.pk for o in _draw_inspectors(draw, timezone.localdate())}:
        _add(errors, "inspector", _("该人员不在本次抽取的执法检查人员名录中。"))
    if DrawExclusion.objects.filter(draw=draw, mine=mine, inspector=inspector).exists():
        _add(errors, "inspector", _("已登记该人员对该煤矿回避。"))
    _raise_if(errors)
    exclusion = DrawExclusion.objects.create(
        draw=draw,
        mine=mine,
        inspector=inspector,
        kind=kind,
        reason=_text(reason)[:300],
        created_by=actor,
    )
    ledger_append(
        actor=actor,
        action="draw.exclude",
        obj=exclusion,
        details={"draw": draw.pk, "mine": mine.pk, "inspector": inspector.pk, "kind": kind},
    )
    return exclusion


def _draw_mines(draw: RandomDraw):
    """The mine directory (检查对象名录库): mines supervised by the agency or below, not closed."""
    return (
        CoalMine.objects.filter(supervising_agency__path__startswith=draw.agency.path)
        .exclude(status=MineStatus.CLOSED)
        .order_by("pk")
    )


def _draw_inspectors(draw: RandomDraw, day: datetime.date) -> list[Staff]:
    """The inspector directory (执法检查人员名录库): the agency's active officers whose
    certificate is valid on ``day`` (GS-MID-1)."""
    candidates = (
        Staff.objects.filter(agency=draw.agency, is_active=True, role_grants__role=Role.OFFICER)
        .distinct()
        .prefetch_related("certificates")
        .order_by("pk")
    )
    return [o for o in candidates if rules.certificate_problem(o, day) is None]


def _automatic_exclusions(
    draw: RandomDraw, mine_ids: list[int], inspector_ids: set[int]
) -> list[tuple[int, int, str, str]]:
    """Conflicts the system knows: the officers of each mine's last on-site inspection, and
    declared relations. (mine, inspector, kind, reason)"""
    found: list[tuple[int, int, str, str]] = []
    last: dict[int, Inspection] = {}
    for inspection in (
        Inspection.objects.filter(mine_id__in=mine_ids)
        .order_by("mine_id", "-inspected_on", "-pk")
        .prefetch_related("officers")
    ):
        last.setdefault(inspection.mine_id, inspection)
    for mine_id, inspection in last.items():
        for officer in inspection.officers.all():
            if officer.pk in inspector_ids:
                found.append(
                    (
                        mine_id,
                        officer.pk,
                        RelationKind.LAST_INSPECTION,
                        _("参加了该矿上次现场检查（%(day)s）") % {"day": inspection.inspected_on},
                    )
                )
    for declaration in ConflictDeclaration.objects.filter(
        mine_id__in=mine_ids, officer_id__in=inspector_ids
    ).order_by("pk"):
        found.append(
            (declaration.mine_id, declaration.officer_id, declaration.kind, declaration.reason)
        )
    return found


def _sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@in_legal_language
def _frozen_inputs(
    actor: Staff,
    draw: RandomDraw,
    mines: list[CoalMine],
    inspectors: list[Staff],
    today: datetime.date,
) -> dict[str, Any]:
    """Record the automatic exclusions and freeze the draw's inputs (published and hashed)."""
    mine_ids = [m.pk for m in mines]
    inspector_ids = {o.pk for o in inspectors}
    existing = {(e.mine_id, e.inspector_id) for e in draw.exclusions.all()}
    for mine_id, inspector_id, kind, reason in _automatic_exclusions(draw, mine_ids, inspector_ids):
        if (mine_id, inspector_id) not in existing:
            DrawExclusion.objects.create(
                draw=draw,
                mine_id=mine_id,
                inspector_id=inspector_id,
                kind=kind,
                reason=reason[:300],
                automatic=True,
                created_by=actor,
            )
            existing.add((mine_id, inspector_id))
    exclusions = [
        {
            "mine": e.mine_id,
            "inspector": e.inspector_id,
            "kind": e.kind,
            "reason": e.get_kind_display(),
        }
        for e in draw.exclusions.filter(inspector_id__in=inspector_ids, mine_id__in=mine_ids)
    ]
    from ..key_mines import flags_for_draw

    key_flags = flags_for_draw(draw, mine_ids, today)  # BZ-6: heads' flags, published (ADR 0171)
    flagged = {f["mine"] for f in key_flags}
    return {
        "algorithm": draw_algorithm.ALGORITHM,
        "draw": draw.pk,
        "agency": draw.agency.name,
        "mines": [{"id": m.pk, "key": m.is_key or m.pk in flagged, "name": m.name} for m in mines],
        "key_flags": key_flags,
        "inspectors": [
            {"id": o.pk, "name": o.full_name or o.username, "certificate": _cert_number(o, today)}
            for o in inspectors
        ],
        "exclusions": exclusions,
        "share_key": float(draw.share_key / 100),
        "share_general": float(draw.share_general / 100),
        "inspectors_per_mine": draw.inspectors_per_mine,
        "items": [{"code": i["code"], "name": i["name"]} for i in draw.items],
    }


@transaction.atomic
def draw_commit(*, actor: Staff, draw: RandomDraw) -> RandomDraw:
    """GS-PRE-1: freeze the directories and exclusions, generate the seed and publish SM3(seed).

    The seed comes from the operating system's CSPRNG here, never from a person; only its
    commitment is recorded (ledger and public page) until the draw is run.
    """
    draw = _require_draw_organiser(actor, draw, _("提交种子承诺"))
    if draw.status != DrawStatus.DRAFT:
        raise _wrong_state(draw.get_status_display(), _("提交种子承诺"))
    today = timezone.localdate()
    mines = list(_draw_mines(draw))
    inspectors = _draw_inspectors(draw, today)
    errors = _errors()
    if not mines:
        _add(errors, "mines", _("检查对象名录为空：本机构及下级没有在册煤矿。"))
    if len(inspectors) < draw.inspectors_per_mine:
        _add(
            errors,
            "inspectors",
            _("执法检查人员名录中持有效执法证的执法人员只有%(n)d人，不足每矿%(k)d人。")
            % {"n": len(inspectors), "k": draw.inspectors_per_mine},
        )
    _raise_if(errors)
    draw.inputs = _frozen_inputs(actor, draw, mines, inspectors, today)
    seed = secrets.token_bytes(32)
    draw.inputs_digest = _sm3(canonical_json(draw.inputs))
    draw.commitment = draw_algorithm.commitment(seed)
    draw.seed_hex = seed.hex()
    draw.status = DrawStatus.COMMITTED
    draw.committed_at = timezone.now()
    draw.save()
    ledger_append(
        actor=actor,
        action="draw.commit",
        obj=draw,
        details={
            "commitment": draw.commitment,
            "inputs_digest": draw.inputs_digest,
            "mines": len(mines),
            "inspectors": len(inspectors),
            "exclusions": len(draw.inputs["exclusions"]),
        },
    )
    return draw


def _cert_number(officer: Staff, day: datetime.date) -> str:
    for certificate in officer.certificates.all():
        if certificate.validity_on(day) == CertificateValidity.VALID:
            return certificate.number
    return ""


def published_inputs(draw: RandomDraw) -> dict[str, Any]:
    """What anyone needs to re-run the draw with ``python -m sanxiang.inspections.draw``:
    the commitment, the frozen inputs and — once the draw has been run — the seed."""
    data = dict(draw.inputs)
    data["commitment"] = draw.commitment
    if draw.status in (DrawStatus.DRAWN, DrawStatus.PUBLISHED):
        data["seed"] = draw.seed_hex
    return data


@transaction.atomic
def draw_run(*, actor: Staff, draw: RandomDraw) -> RandomDraw:
    """Reveal the seed and run the documented algorithm on the frozen inputs (GS-PRE-1)."""
    draw = _require_draw_organiser(actor, draw, _("抽取"))
    if draw.status != DrawStatus.COMMITTED:
        raise _wrong_state(draw.get_status_display(), _("抽取"))
    result = draw_algorithm.draw_from_published({**published_inputs(draw), "seed": draw.seed_hex})
    for position, mine_id in enumerate(result.mines, start=1):
        task = DrawTask.objects.create(
            draw=draw,
            position=position,
            mine_id=mine_id,
            understaffed=mine_id in result.understaffed,
        )
        task.inspectors.set(result.assignments[mine_id])
    draw.result = {
        "mines": result.mines,
        "assignments": {str(k): v for k, v in result.assignments.items()},
        "understaffed": result.understaffed,
    }
    draw.status = DrawStatus.DRAWN
    draw.drawn_at = timezone.now()
    draw.save()
    ledger_append(
        actor=actor,
        action="draw.run",
        obj=draw,
        details={
            "seed": draw.seed_hex,
            "commitment": draw.commitment,
            "result_digest": _sm3(canonical_json(draw.result)),
            "mines": len(result.mines),
            "understaffed": result.understaffed,
        },
    )
    return draw


@transaction.atomic
def draw_publish(*, actor: Staff, draw: RandomDraw) -> RandomDraw:
    """The head approves publication of the draw's inputs, seed and result (GS-REQ-2)."""
    require_role(actor, HEADS, _("公布抽取结果"))
    require_scope(actor, draw.agency)
    draw = RandomDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.status != DrawStatus.DRAWN:
        raise _wrong_state(draw.get_status_display(), _("公布"))
    draw.status = DrawStatus.PUBLISHED
    draw.published_at = timezone.now()
    draw.save()
    ledger_append(actor=actor, action="draw.publish", obj=draw)
    return draw
