"""Writes for inspections: enforcement plans, conflict declarations, double-random draws,
inspection plans (检查方案), on-site inspections, findings and on-site measures.

Each service is one transaction: it checks permission and preconditions, validates every
field (all errors at once, nothing saved on error), changes state and appends the ledger event.
Closing an inspection and taking an on-site measure send their signal (``signals.py``) on commit.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.legalrefs import CitationError, parse_citations
from sanxiang.catalog.major import DecisionFacts, PartyKind, classify
from sanxiang.catalog.models import CatalogKind, InspectionWeight, ViolationEntry
from sanxiang.catalog.selectors import (
    applicable_version,
    compendium_search,
    legal_article_in_force,
    major_items_for,
)
from sanxiang.catalog.stages import Stage
from sanxiang.core.language import in_legal_language
from sanxiang.core.permissions import in_scope, is_superuser, require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.core.workdays import add_days
from sanxiang.documents.services import made_on_site_problems
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Agency, CertificateValidity, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine, MineStatus

from . import draw as draw_algorithm
from . import paperwork, rules
from . import showings as showing_rules
from .models import (
    DECLARABLE_RELATIONS,
    ConflictDeclaration,
    DrawExclusion,
    DrawTask,
    EnforcementPlan,
    Finding,
    Inspection,
    InspectionPlan,
    OnsiteMeasure,
    OnsiteMeasureKind,
    RandomDraw,
    RelationKind,
    ShowingAct,
    Verification,
)
from .signals import inspection_closed, inspection_closing, onsite_measure_taken
from .workflow import (
    HEADS,
    OFFICERS,
    OFFICERS_OR_HEADS,
    DrawStatus,
    EnforcementPlanStatus,
    InspectionStatus,
    PlanStatus,
)

# On-site measure → the document that carries it (document-type codes of the catalog).
MEASURE_DOCUMENTS = {
    OnsiteMeasureKind.RECTIFY_WITHIN_LIMIT: "rectification_order",
    OnsiteMeasureKind.ELIMINATE_IMMEDIATELY: "onsite_decision",
    OnsiteMeasureKind.WITHDRAW_WORKERS: "withdraw_order",
    OnsiteMeasureKind.STOP_USE: "onsite_decision",
}
# The power on-site measures rest on; an agency checks it against its legal-basis catalog.
ONSITE_MEASURE_BASIS = "《中华人民共和国安全生产法》第六十五条"
MAX_RECTIFICATION_DAYS = 365


def _errors() -> dict[str, list[str]]:
    return {}


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


def _is_head_in_scope(actor: Staff, agency: Agency) -> bool:
    return is_superuser(actor) or (actor.has_role(Role.HEAD) and in_scope(actor, agency))


def _require_team(actor: Staff, agency: Agency, team_ids: Iterable[int], doing: str) -> None:
    """Officers of the team act; a head of the agency (or above) may act for them."""
    require_role(actor, OFFICERS_OR_HEADS, doing)
    require_scope(actor, agency)
    if _is_head_in_scope(actor, agency) or actor.pk in set(team_ids):
        return
    raise PermissionDenied(_("您不是本次检查的检查人员，不能%(doing)s。") % {"doing": doing})


def _wrong_state(label: str, doing: str) -> ValidationError:
    return ValidationError(
        {"status": [_("当前状态为“%(state)s”，不能%(doing)s。") % {"state": label, "doing": doing}]}
    )


def check_citations(*, agency: Agency, text: str, on: datetime.date) -> tuple[list[str], list[str]]:
    """(citations with the revision in force on ``on``, problems) for legal-basis ``text``.

    A citation that cannot be read, or that the agency's legal-basis catalog does not have in
    force that day, is a problem; a unit without such a catalog cannot be checked.
    """
    if not text.strip():
        return [], []
    try:
        citations = parse_citations(text)
    except CitationError:
        return [], [_("无法识别的法律依据，应写作如《中华人民共和国安全生产法》第九十七条。")]
    if applicable_version(agency=agency, kind=CatalogKind.LEGAL_BASIS) is None:
        return [], []
    labels, problems = [], []
    for citation in citations:
        found = legal_article_in_force(agency=agency, citation=citation, on=on)
        if found is None:
            problems.append(
                _("%(citation)s在%(day)s不在施行中，或未收录于本单位执法依据目录。")
                % {"citation": citation.label(), "day": on}
            )
            continue
        basis = getattr(found, "basis", found)
        labels.append(f"{citation.label()}（{basis.revision or basis.effective_from}）")
    return labels, problems


def citation_problems(*, agency: Agency, text: str, on: datetime.date) -> list[str]:
    return check_citations(agency=agency, text=text, on=on)[1]


# --- enforcement plans (监察执法计划) ------------------------------------------------------------


@transaction.atomic
def enforcement_plan_create(
    *,
    actor: Staff,
    agency: Agency,
    kind: str,
    year: int,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    content: str = "",
) -> EnforcementPlan:
    require_role(actor, OFFICERS_OR_HEADS, _("制定监察执法计划"))
    require_scope(actor, agency)
    plan = EnforcementPlan(
        agency=agency,
        kind=kind,
        year=year,
        title=_text(title),
        period_start=period_start,
        period_end=period_end,
        content=_text(content),
        created_by=actor,
    )
    errors = _errors()
    if period_start and period_end and period_end < period_start:
        _add(errors, "period_end", _("截止日期不能早于起始日期。"))
    if year and period_start and period_start.year != year:
        _add(errors, "period_start", _("起始日期应在计划年度内。"))
    if year and not 2000 <= year <= 2100:
        _add(errors, "year", _("年度应在2000至2100之间。"))
    clean_and_save(plan, extra_errors=errors)
    ledger_append(actor=actor, action="enforcement_plan.create", obj=plan)
    return plan


@transaction.atomic
def enforcement_plan_approve(
    *, actor: Staff, plan: EnforcementPlan, opinion: str
) -> EnforcementPlan:
    require_role(actor, HEADS, _("批准监察执法计划"))
    require_scope(actor, plan.agency)
    plan = EnforcementPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != EnforcementPlanStatus.DRAFT:
        raise _wrong_state(plan.get_status_display(), _("批准"))
    if not _text(opinion):
        raise ValidationError({"opinion": [_("请填写审批意见。")]})
    plan.status = EnforcementPlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.approval_opinion = _text(opinion)[:500]
    plan.save()
    ledger_append(actor=actor, action="enforcement_plan.approve", obj=plan)
    return plan


# --- conflicts of interest -----------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, actor: Staff, officer: Staff, mine: CoalMine, kind: str, reason: str
) -> ConflictDeclaration:
    """Record an officer's relation to a mine; it excludes him from draws for that mine."""
    require_role(actor, frozenset({Role.OFFICER, Role.HEAD, Role.SYSTEM_ADMIN}), _("申报利害关系"))
    if officer.pk != actor.pk:
        require_role(actor, frozenset({Role.HEAD, Role.SYSTEM_ADMIN}), _("代他人申报利害关系"))
    require_scope(actor, officer.agency)
    declaration = ConflictDeclaration(
        officer=officer, mine=mine, kind=kind, reason=_text(reason), declared_by=actor
    )
    errors = _errors()
    if kind not in [k.value for k in DECLARABLE_RELATIONS]:
        _add(errors, "kind", _("未知的关系类别。"))
    if not officer.has_role(Role.OFFICER):
        _add(errors, "officer", _("只有执法人员需要申报。"))
    if not CoalMine.objects.restrict(actor).filter(pk=mine.pk).exists():
        _add(errors, "mine", _("所选煤矿不存在或不在您的管辖范围内。"))
    clean_and_save(declaration, extra_errors=errors)
    ledger_append(actor=actor, action="conflict.declare", obj=declaration)
    return declaration


# --- double-random draws (GS-PRE-1) -------------------------------------------------------------


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
    from .key_mines import flags_for_draw

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


# --- inspection plans (检查方案, JL-TXT-3a) ------------------------------------------------------


def _plan_items(
    agency: Agency, item_codes: list[str], extra_items: str, errors: dict
) -> list[dict[str, str]]:
    version = applicable_version(agency=agency, kind=CatalogKind.RANDOM_INSPECTION)
    catalog = {i.code: i for i in version.random_inspection_items.all()} if version else {}
    items = []
    for code in dict.fromkeys(c.strip() for c in item_codes or [] if c and c.strip()):
        item = catalog.get(code)
        if item is None:
            _add(errors, "item_codes", _("随机抽查事项清单中没有“%(code)s”。") % {"code": code})
            continue
        items.append({"code": item.code, "name": item.name, "content": item.content})
    for line in (extra_items or "").splitlines():
        if line.strip():
            items.append({"code": "", "name": line.strip()[:200], "content": ""})
    if not items:
        _add(errors, "item_codes", _("检查方案须列明检查事项（《实施办法》四（一）3）。"))
    return items


def _officer_errors(agency: Agency, officers: list[Staff], errors: dict) -> None:
    officers = list(dict.fromkeys(officers))
    if len(officers) < rules.MIN_OFFICERS:
        _add(errors, "officers", _("检查人员不得少于%(n)d人。") % {"n": rules.MIN_OFFICERS})
    for officer in officers:
        if not officer.has_role(Role.OFFICER) or officer.agency is None:
            _add(errors, "officers", _("%(name)s不是执法人员。") % {"name": officer})
        elif not officer.agency.path.startswith(agency.path):
            _add(errors, "officers", _("%(name)s不属于本机构。") % {"name": officer})
        elif problem := rules.certificate_withdrawn_problem(officer, timezone.localdate()):
            _add(errors, "officers", problem)


@transaction.atomic
def inspection_plan_create(
    *,
    actor: Staff,
    agency: Agency,
    mine: CoalMine,
    item_codes: list[str],
    content: str,
    officers: list[Staff],
    planned_start: datetime.date,
    planned_end: datetime.date,
    extra_items: str = "",
    legal_basis: str = "",
    enforcement_plan: EnforcementPlan | None = None,
    draw_task: DrawTask | None = None,
) -> InspectionPlan:
    """Draft the inspection plan (检查方案): items and content, officers, dates (JL-TXT-3a)."""
    require_role(actor, OFFICERS, _("制作检查方案"))
    require_scope(actor, agency)
    errors = _errors()
    items = _plan_items(agency, item_codes, extra_items, errors)
    _officer_errors(agency, officers, errors)
    if not mine.supervising_agency.path.startswith(agency.path):
        _add(errors, "mine", _("该煤矿不在本机构监管范围内。"))
    if planned_start and planned_end and planned_end < planned_start:
        _add(errors, "planned_end", _("计划结束日期不能早于开始日期。"))
    if enforcement_plan is not None and enforcement_plan.agency_id != agency.pk:
        _add(errors, "enforcement_plan", _("所选执法计划不是本机构的计划。"))
    if draw_task is not None:
        if draw_task.draw.status not in (DrawStatus.DRAWN, DrawStatus.PUBLISHED):
            _add(errors, "draw_task", _("该抽查任务所属的抽取尚未完成。"))
        if draw_task.mine_id != mine.pk:
            _add(errors, "mine", _("抽查任务的煤矿由随机抽取确定，不能更换。"))
        drawn = set(draw_task.inspectors.values_list("pk", flat=True))
        if drawn != {o.pk for o in officers}:
            _add(errors, "officers", _("抽查任务的检查人员由随机抽取确定，不能更换。"))
        if InspectionPlan.objects.filter(draw_task=draw_task).exists():
            _add(errors, "draw_task", _("该抽查任务已制作检查方案。"))
        enforcement_plan = enforcement_plan or draw_task.draw.enforcement_plan
    plan = InspectionPlan(
        agency=agency,
        mine=mine,
        items=items,
        content=_text(content),
        legal_basis=_text(legal_basis),
        planned_start=planned_start,
        planned_end=planned_end,
        enforcement_plan=enforcement_plan,
        draw_task=draw_task,
        created_by=actor,
    )
    clean_and_save(plan, extra_errors=errors)
    plan.officers.set(officers)
    ledger_append(
        actor=actor,
        action="inspection_plan.create",
        obj=plan,
        details={"officers": sorted(o.pk for o in officers)},
    )
    return plan


def _require_plan(actor: Staff, plan: InspectionPlan, roles, doing: str) -> InspectionPlan:
    if roles == HEADS:
        require_role(actor, HEADS, doing)
        require_scope(actor, plan.agency)
    else:
        _require_team(actor, plan.agency, plan.officers.values_list("pk", flat=True), doing)
    return InspectionPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def inspection_plan_submit(*, actor: Staff, plan: InspectionPlan) -> InspectionPlan:
    plan = _require_plan(actor, plan, OFFICERS, _("提交检查方案"))
    if plan.status != PlanStatus.DRAFT:
        raise _wrong_state(plan.get_status_display(), _("提交审批"))
    errors = _errors()
    _officer_errors(plan.agency, list(plan.officers.all()), errors)
    if not plan.items:
        _add(errors, "item_codes", _("检查方案须列明检查事项（《实施办法》四（一）3）。"))
    _raise_if(errors)
    plan.status, plan.return_reason = PlanStatus.SUBMITTED, ""
    plan.save()
    ledger_append(actor=actor, action="inspection_plan.submit", obj=plan)
    return plan


@transaction.atomic
def inspection_plan_return(*, actor: Staff, plan: InspectionPlan, reason: str) -> InspectionPlan:
    plan = _require_plan(actor, plan, HEADS, _("退回检查方案"))
    if plan.status != PlanStatus.SUBMITTED:
        raise _wrong_state(plan.get_status_display(), _("退回"))
    if not _text(reason):
        raise ValidationError({"reason": [_("请说明退回理由。")]})
    plan.status, plan.return_reason = PlanStatus.DRAFT, _text(reason)[:500]
    plan.save()
    ledger_append(actor=actor, action="inspection_plan.return", obj=plan)
    return plan


@in_legal_language
def _plan_document_content(plan: InspectionPlan, opinion: str) -> dict[str, Any]:
    officers = list(plan.officers.all())
    return {
        "party": paperwork.party_lines(mine=plan.mine),
        "table": [
            {
                "label": _("检查时间"),
                "value": f"{paperwork.cn_date(plan.planned_start)} 至 {paperwork.cn_date(plan.planned_end)}",
            },
            {"label": _("检查人员"), "value": paperwork.officer_line(officers, plan.planned_start)},
            {"label": _("检查依据"), "value": plan.legal_basis or "—"},
        ],
        "inspection_items": [
            {"name": i["name"], "content": i.get("content", ""), "code": i.get("code", "")}
            for i in plan.items
        ],
        "sections": [{"heading": _("检查内容和重点"), "paragraphs": plan.content.splitlines()}],
        "opinions": [{"label": _("负责人审批意见"), "value": opinion}],
    }


@transaction.atomic
def inspection_plan_approve(
    *, actor: Staff, plan: InspectionPlan, opinion: str = ""
) -> InspectionPlan:
    """The head approves the plan; the numbered 检查方案 is issued (JL-TXT-3a)."""
    plan = _require_plan(actor, plan, HEADS, _("批准检查方案"))
    if plan.status != PlanStatus.SUBMITTED:
        raise _wrong_state(plan.get_status_display(), _("批准"))
    with in_legal_language():  # the head's opinion is printed and recorded as it stands
        opinion = _text(opinion) or _("同意。")
    plan.document = paperwork.issue_document(
        actor=actor,
        agency=plan.agency,
        type_code="inspection_plan",
        content=_plan_document_content(plan, opinion),
        subject=plan,
    )
    plan.status = PlanStatus.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    ledger_append(
        actor=actor,
        action="inspection_plan.approve",
        obj=plan,
        details={"document": plan.document.number.text, "opinion": opinion[:200]},
    )
    return plan


# --- on-site inspections -------------------------------------------------------------------------


def plan_approval_entry(plan: InspectionPlan) -> LedgerEntry | None:
    """The ledger entry that approved ``plan`` (JL-TXT-3a: it must precede the inspection)."""
    return (
        LedgerEntry.objects.filter(
            object_type=object_type_of(plan),
            object_id=str(plan.pk),
            action="inspection_plan.approve",
        )
        .order_by("-seq")
        .first()
    )


def inspection_checklists(
    inspection: Inspection | None, *, plan: InspectionPlan | None = None
) -> list[paperwork.StageChecklist]:
    """JL-TXT-3b for an inspection: plan, on-site record, and one document per measure taken."""
    plan = plan or inspection.plan
    agency = plan.agency
    documents = paperwork.documents_of(plan, *([inspection] if inspection else []))
    checklists = [
        paperwork.stage_checklist(agency=agency, stage=Stage.INSPECTION_PLAN, documents=documents)
    ]
    if inspection is None:
        return checklists
    triggered = {MEASURE_DOCUMENTS[m.kind] for m in inspection.measures.all()}
    checklists.append(
        paperwork.stage_checklist(agency=agency, stage=Stage.ONSITE_INSPECTION, documents=documents)
    )
    checklists.append(
        paperwork.stage_checklist(
            agency=agency, stage=Stage.ONSITE_MEASURE, documents=documents, triggered=triggered
        )
    )
    return checklists


@transaction.atomic
def inspection_open(
    *,
    actor: Staff,
    plan: InspectionPlan,
    officers: list[Staff],
    inspected_on: datetime.date,
    location: str,
    identity_shown: bool,
    party_present: str = "",
    started_at: datetime.datetime | None = None,
    showings: list[dict[str, Any]] | None = None,
) -> Inspection:
    """Open the on-site inspection record: only on an approved plan that precedes it in the
    ledger (JL-TXT-3a), with ≥ 2 officers whose certificates are valid that day (GS-MID-1).

    GS-MID-1 (ADR 0210): each officer's showing of his certificate is recorded — ``showings``
    as {officer, shown_at, shown_to}, or, when the form's box ``identity_shown`` is ticked
    without details, every officer at the start to the mine's people present."""
    _require_team(actor, plan.agency, plan.officers.values_list("pk", flat=True), _("开始现场检查"))
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    errors = _errors()
    if plan.status != PlanStatus.APPROVED or plan_approval_entry(plan) is None:
        raise ValidationError(
            {
                "plan": [
                    _(
                        "没有经批准的检查方案，不能开始现场检查（《实施办法》四（一）3）：现场检查前必须"
                        "制作检查方案并经负责人批准。当前方案状态：%(state)s。"
                    )
                    % {"state": plan.get_status_display()}
                ]
            }
        )
    if Inspection.objects.filter(plan=plan).exists():
        raise ValidationError({"plan": [_("该检查方案已开始现场检查。")]})
    paperwork.require_complete(inspection_checklists(None, plan=plan), doing=_("开始现场检查"))
    today = timezone.localdate()
    if inspected_on is None:
        _add(errors, "inspected_on", _("请填写检查日期。"))
    else:
        if not plan.planned_start <= inspected_on <= plan.planned_end:
            _add(
                errors,
                "inspected_on",
                _("检查日期应在检查方案的期限内（%(a)s 至 %(b)s）。")
                % {"a": plan.planned_start, "b": plan.planned_end},
            )
        if inspected_on > today:
            _add(errors, "inspected_on", _("检查日期不能晚于今天。"))
        for problem in rules.officers_present_problems(officers, inspected_on):
            _add(errors, "officers", problem)
    started_at = started_at or timezone.now()
    drafts = []
    if not identity_shown and not showings:
        _add(
            errors,
            "identity_shown",
            _(
                "检查时须出示执法证、表明身份、说明检查依据和理由，并在记录中确认（《实施办法》三（二）1）。"
            ),
        )
    elif inspected_on is not None:
        if showings is None:
            to = _text(party_present) or str(plan.mine)
            showings = showing_rules.showings_for_all(officers, shown_at=started_at, shown_to=to)
        drafts = showing_rules.showings_check(
            showings, officers=officers, start=started_at, errors=errors
        )
    if not (
        is_superuser(actor) or actor.has_role(Role.HEAD) or actor.pk in {o.pk for o in officers}
    ):
        _add(errors, "officers", _("开始检查的执法人员本人应在到场人员中。"))
    inspection = Inspection(
        plan=plan,
        agency=plan.agency,
        mine=plan.mine,
        inspected_on=inspected_on,
        started_at=started_at,
        location=_text(location),
        party_present=_text(party_present),
        identity_shown=bool(drafts),
        opened_by=actor,
    )
    clean_and_save(inspection, extra_errors=errors)
    inspection.officers.set(officers)
    showing_rules.showings_record(
        actor=actor,
        subject=inspection,
        rows=showing_rules.showing_rows(
            drafts, agency=plan.agency, act=ShowingAct.INSPECTION, actor=actor
        ),
    )
    approval = plan_approval_entry(plan)
    ledger_append(
        actor=actor,
        action="inspection.open",
        obj=inspection,
        details={
            "plan": plan.pk,
            "plan_approval_seq": approval.seq,
            "officers": sorted(o.pk for o in officers),
        },
    )
    return inspection


def _require_inspection(
    actor: Staff, inspection: Inspection, doing: str, *, status: str | None = None
) -> Inspection:
    _require_team(actor, inspection.agency, inspection.officers.values_list("pk", flat=True), doing)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if status is not None and inspection.status != status:
        raise _wrong_state(inspection.get_status_display(), doing)
    return inspection


@transaction.atomic
def finding_add(
    *,
    actor: Staff,
    inspection: Inspection,
    entry: ViolationEntry,
    facts: str,
    location: str = "",
    is_major_hazard: bool = False,
) -> Finding:
    """JL-TXT-3c: describe a hazard or violation with the compendium entry in force that day
    plus the concrete facts; the entry's wording and provisions are copied into the finding."""
    inspection = _require_inspection(
        actor, inspection, _("记录检查发现的问题"), status=InspectionStatus.OPEN
    )
    errors = _errors()
    in_force = compendium_search(agency=inspection.agency, on=inspection.inspected_on)
    if entry is None or not in_force.filter(pk=entry.pk).exists():
        raise ValidationError(
            {
                "entry": [
                    _(
                        "请从检查当日（%(day)s）适用的违法违规行为描述汇编中选择条目（《实施办法》四（一）3）。"
                    )
                    % {"day": inspection.inspected_on}
                ]
            }
        )
    if not _text(facts):
        _add(errors, "facts", _("请写明具体事实：时间、地点、部位、现象等。"))
    finding = Finding(
        inspection=inspection,
        entry=entry,
        compendium_version_id=entry.version_id,
        entry_code=entry.code,
        kind=entry.kind,
        description=entry.description,
        violated_provision=entry.violated_provision,
        penalty_provision=entry.penalty_provision,
        facts=_text(facts),
        location=_text(location),
        is_major_hazard=bool(is_major_hazard),
        created_by=actor,
    )
    clean_and_save(finding, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="finding.create",
        obj=finding,
        details={"inspection": inspection.pk, "entry": entry.code, "version": entry.version_id},
    )
    return finding


def measure_major_matches(agency: Agency, kind: str):
    """SH-SCOPE-2: whether an on-site measure is a major decision in the agency's catalog."""
    return classify(
        DecisionFacts(party_kind=PartyKind.MINE, measures=frozenset({kind})),
        major_items_for(agency=agency),
    )


@in_legal_language
def _measure_document_content(
    inspection: Inspection,
    finding: Finding | None,
    legal_basis: str,
    content: str,
    days: int | None,
    due,
) -> dict[str, Any]:
    """The on-site measure's document (现场处理措施决定书, 责令限期整改指令书, …). The measure is
    taken during the inspection, where the officers showed their certificates: the document
    prints those showings from the inspection's rows (GS-MID-1, ADR 0210, 0231)."""
    return {
        "party": paperwork.party_lines(mine=inspection.mine),
        "table": [
            {
                "label": _("出示证件"),
                "value": "；".join(
                    showing_rules.showing_lines(showing_rules.showings_of(inspection))
                )
                or "—",
            }
        ],
        "sections": [
            {
                "heading": _("检查发现的问题"),
                "paragraphs": [f"{finding.description}（{finding.facts}）"]
                if finding
                else [_("见现场检查记录。")],
            },
            {"heading": _("依据"), "paragraphs": [legal_basis]},
            {
                "heading": _("处理决定"),
                "paragraphs": [content]
                + (
                    [
                        _("整改期限：自本指令书送达之日起%(days)d日内（至%(due)s）完成整改。")
                        % {"days": days, "due": paperwork.cn_date(due.date)}
                    ]
                    if due
                    else []
                ),
            },
        ],
        "remedies": paperwork.remedies_text(agency=inspection.agency),
        "signatures": [_("被检查单位负责人（签名）"), _("执法人员（签名）")],
    }


def _onsite_time_problems(
    inspection: Inspection, made_on_site_at: datetime.datetime | None
) -> list[str]:
    return made_on_site_problems(
        made_on_site_at, not_before=inspection.started_at, act=_("检查开始时间")
    )


@transaction.atomic
def onsite_measure_take(
    *,
    actor: Staff,
    inspection: Inspection,
    kind: str,
    content: str,
    finding: Finding | None = None,
    days: int | None = None,
    legal_basis: str = ONSITE_MEASURE_BASIS,
    made_on_site_at: datetime.datetime | None = None,
) -> OnsiteMeasure:
    """Take an on-site measure and issue its document at once (order to rectify within a time
    limit, withdraw workers, stop using equipment, …). A measure the unit's catalog lists as a
    major decision is refused here: it goes through legal review, or — for a major hazard — the
    case's emergency path (SH-SCOPE-1). ``made_on_site_at``: the decision was made on site or
    underground, where nothing can be signed, and is signed now on return (ADR 0226)."""
    inspection = _require_inspection(
        actor, inspection, _("采取现场处理措施"), status=InspectionStatus.OPEN
    )
    errors = _errors()
    if kind not in OnsiteMeasureKind.values:
        raise ValidationError({"kind": [_("未知的现场处理措施。")]})
    if finding is not None and finding.inspection_id != inspection.pk:
        _add(errors, "finding", _("所选问题不属于本次检查。"))
    matches = measure_major_matches(inspection.agency, kind)
    if matches:
        _add(
            errors,
            "kind",
            _(
                "“%(kind)s”属于本单位重大执法决定（%(items)s），须经法制审核后作出；"
                "存在重大事故隐患需要立即执行的，请立案后按紧急措施办理（先执行、后审核，《实施办法》五（二）1）。"
            )
            % {
                "kind": OnsiteMeasureKind(kind).label,
                "items": "；".join(m.title for m in matches),
            },
        )
    if not _text(content):
        _add(errors, "content", _("请写明措施的具体内容。"))
    for problem in citation_problems(
        agency=inspection.agency, text=legal_basis or "", on=inspection.inspected_on
    ):
        _add(errors, "legal_basis", problem)
    if not _text(legal_basis):
        _add(errors, "legal_basis", _("请写明采取措施的法律依据。"))
    due = None
    if kind == OnsiteMeasureKind.RECTIFY_WITHIN_LIMIT:
        if not isinstance(days, int) or not 1 <= days <= MAX_RECTIFICATION_DAYS:
            _add(
                errors,
                "days",
                _("责令限期整改须给出1至%(n)d日的整改期限。") % {"n": MAX_RECTIFICATION_DAYS},
            )
        else:
            due = add_days(inspection.inspected_on, days, for_party=True)
    elif days not in (None, ""):
        _add(errors, "days", _("只有限期整改需要整改期限。"))
        days = None
    for problem in _onsite_time_problems(inspection, made_on_site_at):
        _add(errors, "made_on_site_at", problem)
    _raise_if(errors)
    document = paperwork.issue_document(
        actor=actor,
        agency=inspection.agency,
        type_code=MEASURE_DOCUMENTS[kind],
        content=_measure_document_content(
            inspection, finding, _text(legal_basis), _text(content), days, due
        ),
        subject=inspection,
        made_on_site_at=made_on_site_at,
    )
    measure = OnsiteMeasure(
        inspection=inspection,
        finding=finding,
        kind=kind,
        content=_text(content),
        days=days if due else None,
        due_on=due.date if due else None,
        due_provisional=bool(due and due.provisional),
        document=document,
        created_by=actor,
    )
    clean_and_save(measure)
    ledger_append(
        actor=actor,
        action="measure.create",
        obj=measure,
        details={"kind": kind, "document": document.number.text, "due_on": measure.due_on},
    )
    measure_id = measure.pk
    transaction.on_commit(
        lambda: onsite_measure_taken.send(sender=OnsiteMeasure, measure_id=measure_id)
    )
    return measure


@in_legal_language
def _record_document_content(
    inspection: Inspection,
    findings: list[Finding],
    measures: list[OnsiteMeasure],
    officers: list[Staff],
    showings: list | None = None,
) -> dict[str, Any]:
    """The 现场检查记录: officers, the showing of their certificates as recorded (GS-MID-1),
    items, what was found and the measures taken."""
    if showings is None:
        showings = showing_rules.showings_of(inspection)
    return {
        "party": paperwork.party_lines(mine=inspection.mine),
        "table": [
            {
                "label": _("检查时间"),
                "value": f"{timezone.localtime(inspection.started_at):%Y-%m-%d %H:%M} 至 "
                f"{timezone.localtime(inspection.ended_at):%Y-%m-%d %H:%M}",
            },
            {"label": _("检查地点"), "value": inspection.location},
            {
                "label": _("检查人员"),
                "value": paperwork.officer_line(officers, inspection.inspected_on),
            },
            {"label": _("煤矿陪同人员"), "value": inspection.party_present or "—"},
            {"label": _("出示证件"), "value": "\n".join(showing_rules.showing_lines(showings))},
            {
                "label": _("检查事项"),
                "value": "；".join(i["name"] for i in inspection.plan.items),
            },
        ],
        "sections": [
            {"heading": _("检查情况"), "paragraphs": inspection.summary.splitlines()},
            {
                "heading": _("发现的问题"),
                "paragraphs": [
                    f"{n}. {f.description}（{f.entry_code}）具体事实：{f.facts}"
                    f"{'（重大事故隐患）' if f.is_major_hazard else ''}"
                    for n, f in enumerate(findings, start=1)
                ]
                or [_("未发现事故隐患和违法违规行为。")],
            },
            {
                "heading": _("现场处理措施"),
                "paragraphs": [
                    f"{m.get_kind_display()}：{m.content}（{m.document.number.text}）"
                    for m in measures
                ]
                or [_("无。")],
            },
        ],
        "page_signature": _("被检查单位负责人签名："),
        "signatures": [_("被检查单位负责人（签名）"), _("检查人员（签名）")],
    }


@transaction.atomic
def inspection_complete(
    *,
    actor: Staff,
    inspection: Inspection,
    summary: str,
    ended_at: datetime.datetime | None = None,
    made_on_site_at: datetime.datetime | None = None,
) -> Inspection:
    """End the on-site inspection and issue the 现场检查记录 listing officers, items and findings
    (made on site at ``made_on_site_at`` and signed now, on return: ADR 0226)."""
    inspection = _require_inspection(
        actor, inspection, _("结束现场检查"), status=InspectionStatus.OPEN
    )
    ended_at = ended_at or timezone.now()
    errors = _errors()
    if not _text(summary):
        _add(errors, "summary", _("请写明检查情况。"))
    if ended_at < inspection.started_at:
        _add(errors, "ended_at", _("结束时间不能早于开始时间。"))
    for problem in _onsite_time_problems(inspection, made_on_site_at):
        _add(errors, "made_on_site_at", problem)
    showings = showing_rules.showings_of(inspection)
    if not showings:
        _add(
            errors,
            "showings",
            _("本次检查没有出示执法证件的记录，不能制作现场检查记录（《实施办法》三（二）1）。"),
        )
    _raise_if(errors)
    inspection.summary = _text(summary)
    inspection.ended_at = ended_at
    findings = list(inspection.findings.all())
    measures = list(inspection.measures.all())
    officers = list(inspection.officers.all())
    inspection.record_document = paperwork.issue_document(
        actor=actor,
        agency=inspection.agency,
        type_code="onsite_record",
        content=_record_document_content(inspection, findings, measures, officers, showings),
        subject=inspection,
        made_on_site_at=made_on_site_at,
    )
    inspection.status = InspectionStatus.COMPLETED
    inspection.save()
    ledger_append(
        actor=actor,
        action="inspection.complete",
        obj=inspection,
        details={
            "document": inspection.record_document.number.text,
            "findings": len(findings),
            "measures": len(measures),
        },
    )
    return inspection


@transaction.atomic
def onsite_measure_verify(
    *,
    actor: Staff,
    measure: OnsiteMeasure,
    verification: str,
    verified_on: datetime.date,
    note: str,
) -> OnsiteMeasure:
    """Record the follow-up (整改复查) of a measure with a time limit."""
    inspection = measure.inspection
    _require_team(
        actor, inspection.agency, inspection.officers.values_list("pk", flat=True), _("整改复查")
    )
    measure = OnsiteMeasure.objects.select_for_update().get(pk=measure.pk)
    errors = _errors()
    if inspection.status == InspectionStatus.CLOSED:
        raise _wrong_state(inspection.get_status_display(), _("整改复查"))
    if measure.due_on is None:
        raise ValidationError({"measure": [_("该措施没有整改期限，无需复查。")]})
    if measure.verification:
        raise ValidationError({"measure": [_("该措施已复查。")]})
    if verification not in Verification.values:
        _add(errors, "verification", _("请选择复查结果。"))
    if verified_on is None:
        _add(errors, "verified_on", _("请填写复查日期。"))
    elif verified_on < inspection.inspected_on or verified_on > timezone.localdate():
        _add(errors, "verified_on", _("复查日期应在检查日期之后、今天之前。"))
    if not _text(note):
        _add(errors, "note", _("请写明复查情况。"))
    _raise_if(errors)
    measure.verification = verification
    measure.verified_on = verified_on
    measure.verification_note = _text(note)
    measure.verified_by = actor
    measure.save()
    ledger_append(
        actor=actor,
        action="measure.verify",
        obj=measure,
        details={"verification": verification, "verified_on": verified_on},
    )
    return measure


@transaction.atomic
def inspection_close(*, actor: Staff, inspection: Inspection, result_summary: str) -> Inspection:
    """Close the inspection once every time-limited measure was followed up and the documents of
    every stage are complete (JL-TXT-3b); the result summary is what may be published."""
    inspection = _require_inspection(
        actor, inspection, _("办结检查"), status=InspectionStatus.COMPLETED
    )
    pending = [m for m in inspection.measures.all() if m.needs_follow_up]
    errors = _errors()
    if pending:
        _add(
            errors,
            "measures",
            _("还有%(n)d项限期整改措施未复查，不能办结。") % {"n": len(pending)},
        )
    if not _text(result_summary):
        _add(errors, "result_summary", _("请填写可公开的检查结果。"))
    _raise_if(errors)
    paperwork.require_complete(inspection_checklists(inspection), doing=_("办结检查"))
    inspection.result_summary = _text(result_summary)
    inspection.status = InspectionStatus.CLOSED
    inspection.closed_at = timezone.now()
    inspection.save()
    ledger_append(actor=actor, action="inspection.close", obj=inspection)
    inspection_closing.send(sender=Inspection, inspection=inspection, actor=actor)
    inspection_id = inspection.pk
    transaction.on_commit(
        lambda: inspection_closed.send(sender=Inspection, inspection_id=inspection_id)
    )
    return inspection
