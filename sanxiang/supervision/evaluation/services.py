"""Writes of 案卷评查, part 1: rubrics and the campaign's life — create, commit, draw, close,
reassign (ADR 0160). Scoring and rectification are in ``scoring.py``.

The draw is the inspections' verifiable draw (``core/draw.py``, ADR 0030): ``campaign_commit``
freezes the file directory per unit, the evaluators and the exclusions (an evaluator on a
file's handling team never evaluates it) and records SM3(seed); ``campaign_draw`` reveals the
seed, runs the sample and creates the files with their pre-filled findings.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import draw as algorithm
from sanxiang.core.grounds import team_ids
from sanxiang.core.permissions import in_scope, is_superuser, require_role
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from ..models_evaluation import (
    Campaign,
    CampaignStatus,
    EvaluationFile,
    EvaluationFinding,
    FileKind,
    FindingSource,
    Rubric,
)
from . import prefill
from .rubric import RubricView, sample_content, validate_content
from .workflow import ORGANISERS, transition_for

EVALUATOR_ROLES = frozenset({Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD})
TEAM_REASON = "承办人员（回避）"


def _sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _agency_line(agency: Agency) -> list[Agency]:
    """The agency and those above it, nearest first."""
    out = []
    while agency is not None:
        out.append(agency)
        agency = agency.parent
    return out


# --- rubrics -------------------------------------------------------------------------------


def rubrics_for(agency: Agency):
    """Rubric versions an agency may use: its own and those of the agencies above it."""
    return Rubric.objects.filter(agency__in=_agency_line(agency)).order_by(
        "agency__path", "-version"
    )


@transaction.atomic
def rubric_create(
    *,
    actor: Staff,
    agency: Agency,
    code: str,
    name: str,
    content: Any,
    effective_from: datetime.date,
    sample: bool = False,
) -> Rubric:
    """A new version of ``agency``'s rubric ``code`` (a catalog: versions are never edited)."""
    require_role(
        actor, frozenset({Role.HEAD, Role.LEGAL_REVIEWER, Role.SYSTEM_ADMIN}), _("制定评查标准")
    )
    if not in_scope(actor, agency):
        raise PermissionDenied(_("该机构不在您的管辖范围内。"))
    content = validate_content(content)
    last = Rubric.objects.filter(agency=agency, code=code).order_by("-version").first()
    rubric = Rubric(
        agency=agency,
        code=code,
        version=(last.version + 1) if last else 1,
        name=name,
        sample=sample,
        effective_from=effective_from,
        content=content,
        created_by=actor,
    )
    rubric.full_clean()
    rubric.save()
    ledger_append(
        actor=actor,
        action="evaluation.rubric_create",
        obj=rubric,
        details={"code": code, "version": rubric.version, "sample": sample},
    )
    return rubric


def rubric_sample_load(
    *, actor: Staff, agency: Agency, today: datetime.date | None = None
) -> Rubric:
    """The shipped sample rubric (示例) as ``agency``'s first version, once."""
    content = sample_content()
    existing = (
        Rubric.objects.filter(agency=agency, code=content["code"]).order_by("-version").first()
    )
    if existing is not None:
        return existing
    return rubric_create(
        actor=actor,
        agency=agency,
        code=content["code"],
        name=content["name"],
        content=content,
        effective_from=today or timezone.localdate(),
        sample=True,
    )


# --- campaigns -----------------------------------------------------------------------------


def may_organise(actor: Staff, agency: Agency) -> bool:
    """A head of ``agency`` or above, or the legal office (法制审核人员) of ``agency`` itself."""
    if is_superuser(actor):
        return True
    if actor.has_role(Role.HEAD) and in_scope(actor, agency):
        return True
    return actor.has_role(Role.LEGAL_REVIEWER) and actor.agency_id == agency.pk


def _require_organiser(actor: Staff, campaign: Campaign, action: str) -> None:
    require_role(actor, ORGANISERS, action)
    if not may_organise(actor, campaign.agency):
        raise PermissionDenied(_("只有组织评查的机构的负责人或法制机构可以%(a)s。") % {"a": action})


def _share(value: Any) -> Decimal | None:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return share if share.is_finite() else None


@transaction.atomic
def campaign_create(
    *,
    actor: Staff,
    agency: Agency,
    title: str,
    period_from: datetime.date,
    period_to: datetime.date,
    units: list[Agency],
    share: Any,
    evaluators: list[Staff],
    rubric: Rubric,
    starts_on: datetime.date,
    ends_on: datetime.date,
    include_cases: bool = True,
    include_inspections: bool = True,
) -> Campaign:
    """JL-USE-1: a superior agency or an agency's legal office opens a 案卷评查 campaign."""
    require_role(actor, ORGANISERS, _("组织案卷评查"))
    errors: dict[str, list[str]] = {}
    if agency is None or not may_organise(actor, agency):
        raise PermissionDenied(
            _("组织案卷评查须为本机构或上级机构的负责人，或本机构的法制审核人员。")
        )
    today = timezone.localdate()
    title = (title or "").strip()
    if not title:
        _add(errors, "title", _("请填写评查活动名称。"))
    if period_from and period_to and period_from > period_to:
        _add(errors, "period_to", _("案卷办结截止日不能早于起始日。"))
    if period_to and period_to > today:
        _add(errors, "period_to", _("只能评查已经办结的案卷：截止日不能晚于今天。"))
    if starts_on and ends_on and starts_on > ends_on:
        _add(errors, "ends_on", _("评查结束日期不能早于开始日期。"))
    if ends_on and ends_on < today:
        _add(errors, "ends_on", _("评查结束日期不能早于今天。"))
    value = _share(share)
    if value is None or not Decimal("0") < value <= Decimal("1"):
        _add(errors, "share", _("抽取比例应大于0%、不超过100%。"))
    if not include_cases and not include_inspections:
        _add(errors, "include_cases", _("请至少选择一类案卷（行政处罚案卷或检查案卷）。"))
    units = list(units or [])
    if not units:
        _add(errors, "units", _("请选择被评查单位。"))
    elif any(not u.path.startswith(agency.path) for u in units):
        _add(errors, "units", _("被评查单位须为组织机构本身或其下级机构。"))
    evaluators = list(evaluators or [])
    if not evaluators:
        _add(errors, "evaluators", _("请选择评查人员。"))
    for person in evaluators:
        if not person.is_active or not person.has_role(*EVALUATOR_ROLES):
            _add(
                errors,
                "evaluators",
                _("%(n)s不是在职的执法、法制审核人员或负责人。") % {"n": person},
            )
        elif person.agency_id is None or not person.agency.path.startswith(agency.path):
            _add(errors, "evaluators", _("%(n)s不属于组织机构或其下级机构。") % {"n": person})
    if rubric is None or not rubrics_for(agency).filter(pk=rubric.pk).exists():
        _add(errors, "rubric", _("请选择本机构或上级机构制定的评查标准。"))
    _raise_if(errors)
    campaign = Campaign(
        agency=agency,
        title=title[:200],
        period_from=period_from,
        period_to=period_to,
        share=value.quantize(Decimal("0.001")),
        include_cases=include_cases,
        include_inspections=include_inspections,
        rubric=rubric,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    try:
        campaign.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    campaign.save()
    campaign.units.set(units)
    campaign.evaluators.set(evaluators)
    ledger_append(actor=actor, action="evaluation.campaign_create", obj=campaign)
    return campaign


def _candidates(campaign: Campaign) -> list[dict]:
    """The files of the units closed in the period: cases decided or closed in it, inspections
    closed (办结) in it; with the archive unit where the file is archived."""
    from sanxiang.archive.models import ArchiveUnit
    from sanxiang.cases.models import Case
    from sanxiang.inspections.models import Inspection
    from sanxiang.inspections.workflow import InspectionStatus

    units = list(campaign.units.all())
    span = (campaign.period_from, campaign.period_to)
    out = []
    if campaign.include_cases:
        cases = (
            Case.objects.filter(agency__in=units)
            .filter(Q(decided_on__range=span) | Q(closed_on__range=span))
            .select_related("agency")
            .order_by("pk")
        )
        for case in cases:
            out.append(
                {
                    "key": f"case-{case.pk}",
                    "kind": FileKind.CASE,
                    "unit": case.agency_id,
                    "title": str(case),
                    "subject": ("cases.case", case.pk),
                }
            )
    if campaign.include_inspections:
        visits = (
            Inspection.objects.filter(agency__in=units, status=InspectionStatus.CLOSED)
            .filter(closed_at__date__range=span)
            .select_related("mine")
            .order_by("pk")
        )
        for visit in visits:
            out.append(
                {
                    "key": f"inspection-{visit.pk}",
                    "kind": FileKind.INSPECTION,
                    "unit": visit.agency_id,
                    "title": str(visit),
                    "subject": ("inspections.inspection", visit.pk),
                }
            )
    archived = {
        (
            ("cases.case", u.case_id) if u.case_id else ("inspections.inspection", u.inspection_id)
        ): u.pk
        for u in ArchiveUnit.objects.filter(
            Q(case_id__in=[c["subject"][1] for c in out if c["kind"] == FileKind.CASE])
            | Q(
                inspection_id__in=[c["subject"][1] for c in out if c["kind"] == FileKind.INSPECTION]
            )
        ).filter(letter__isnull=True)
    }
    for candidate in out:
        candidate["archive_unit"] = archived.get(candidate["subject"])
    return out


def _inputs(campaign: Campaign, candidates: list[dict]) -> dict:
    evaluators = list(campaign.evaluators.order_by("pk"))
    strata: dict[int, list[str]] = {u.pk: [] for u in campaign.units.order_by("pk")}
    exclusions = []
    for c in candidates:
        strata.setdefault(c["unit"], []).append(c["key"])
        team = team_ids(*map(str, c["subject"]))
        for person in evaluators:
            if person.pk in team:
                exclusions.append({"file": c["key"], "evaluator": person.pk, "reason": TEAM_REASON})
    return {
        "algorithm": algorithm.SAMPLE_ALGORITHM,
        "campaign": campaign.pk,
        "agency": campaign.agency.name,
        "period": [campaign.period_from.isoformat(), campaign.period_to.isoformat()],
        "strata": [
            {"unit": unit, "name": Agency.objects.get(pk=unit).name, "files": sorted(keys)}
            for unit, keys in sorted(strata.items())
        ],
        "files": {
            c["key"]: {"title": c["title"], "archive_unit": c["archive_unit"]} for c in candidates
        },
        "share": float(campaign.share),
        "evaluators": [{"id": p.pk, "name": p.full_name or p.username} for p in evaluators],
        "evaluators_per_file": 1,
        "exclusions": exclusions,
    }


def published_inputs(campaign: Campaign) -> dict:
    """What anyone re-runs (``python3 draw.py campaign.json``): the frozen inputs and the
    commitment; the seed once the draw has been run."""
    data = dict(campaign.inputs, commitment=campaign.commitment)
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.CLOSED):
        data["seed"] = campaign.seed_hex
    return data


def _step(actor: Staff, campaign: Campaign, action: str) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    transition = transition_for(campaign.status, action)
    label = {"commit": _("公布承诺值"), "draw": _("抽取案卷"), "close": _("结束评查")}[action]
    _require_organiser(actor, campaign, label)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("评查活动当前为“%(s)s”，不能%(a)s。")
                    % {"s": campaign.get_status_display(), "a": label}
                ]
            }
        )
    return campaign


@transaction.atomic
def campaign_commit(*, actor: Staff, campaign: Campaign) -> Campaign:
    """Freeze the directory of files per unit, the evaluators and the exclusions; publish
    SM3(seed) (ADR 0030: the seed comes from the CSPRNG here, no person types it)."""
    campaign = _step(actor, campaign, "commit")
    candidates = _candidates(campaign)
    if not candidates:
        raise ValidationError({"units": [_("评查期间内被评查单位没有办结的案卷，无可抽取。")]})
    campaign.inputs = _inputs(campaign, candidates)
    campaign.inputs_digest = _sm3(canonical_json(campaign.inputs))
    seed = secrets.token_bytes(32)
    campaign.commitment = algorithm.commitment(seed)
    campaign.seed_hex = seed.hex()
    campaign.status = CampaignStatus.COMMITTED
    campaign.committed_at = timezone.now()
    campaign.save()
    ledger_append(
        actor=actor,
        action="evaluation.campaign_commit",
        obj=campaign,
        details={
            "commitment": campaign.commitment,
            "inputs_digest": campaign.inputs_digest,
            "files": len(candidates),
            "exclusions": len(campaign.inputs["exclusions"]),
        },
    )
    return campaign


def _make_findings(file: EvaluationFile, view: RubricView) -> None:
    from sanxiang.cases.models import Case
    from sanxiang.inspections.models import Inspection

    if file.kind == FileKind.CASE:
        proposed = prefill.for_case(Case.objects.get(pk=file.case_id), file.archive_unit)
    else:
        proposed = prefill.for_inspection(
            Inspection.objects.get(pk=file.inspection_id), file.archive_unit
        )
    rows = []
    for p in proposed:
        item = view.by_check.get(p.check)
        if item is None:
            continue
        rows.append(
            EvaluationFinding(
                file=file,
                item_code=item.code,
                item_kind=item.kind,
                item_label=item.label[:200],
                check_code=p.check,
                source=FindingSource.PREFILL,
                text=p.text[:500],
                evidence_label=p.evidence_label[:200],
                evidence_url=p.evidence_url[:300],
                deduction=item.per_defect,
            )
        )
    EvaluationFinding.objects.bulk_create(rows)


@transaction.atomic
def campaign_draw(*, actor: Staff, campaign: Campaign) -> Campaign:
    """Reveal the seed, draw the files and their evaluators, pre-fill what the records prove."""
    campaign = _step(actor, campaign, "draw")
    result = algorithm.sample_from_published(
        {**published_inputs(campaign), "seed": campaign.seed_hex}
    )
    files = campaign.inputs["files"]
    view = RubricView(campaign.rubric)
    for key in result.files:
        kind, pk = key.split("-", 1)
        unit = next(int(s["unit"]) for s in campaign.inputs["strata"] if key in s["files"])
        team = result.assignments.get(key) or []
        file = EvaluationFile.objects.create(
            campaign=campaign,
            key=key,
            kind=kind,
            case_id=int(pk) if kind == FileKind.CASE else None,
            inspection_id=int(pk) if kind == FileKind.INSPECTION else None,
            archive_unit_id=files[key].get("archive_unit"),
            title=files[key]["title"][:300],
            unit_id=unit,
            evaluator_id=team[0] if team else None,
        )
        _make_findings(file, view)
        ledger_append(actor=actor, action="evaluation.file_draw", obj=file)
    campaign.result = {
        "files": result.files,
        "assignments": result.assignments,
        "understaffed": result.understaffed,
    }
    campaign.status = CampaignStatus.RUNNING
    campaign.drawn_at = timezone.now()
    campaign.save()
    ledger_append(
        actor=actor,
        action="evaluation.campaign_draw",
        obj=campaign,
        details={
            "seed": campaign.seed_hex,
            "files": result.files,
            "understaffed": result.understaffed,
        },
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor: Staff, campaign: Campaign) -> Campaign:
    """End the campaign: results are final and the evaluators' ground ends with it."""
    campaign = _step(actor, campaign, "close")
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save()
    ledger_append(
        actor=actor,
        action="evaluation.campaign_close",
        obj=campaign,
        details={
            "scored": campaign.files.filter(status="scored").count(),
            "files": campaign.files.count(),
        },
    )
    return campaign


def on_team(evaluator: Staff, file: EvaluationFile) -> bool:
    if file.kind == FileKind.CASE:
        return evaluator.pk in team_ids("cases.case", str(file.case_id))
    return evaluator.pk in team_ids("inspections.inspection", str(file.inspection_id))


@transaction.atomic
def file_assign(*, actor: Staff, file: EvaluationFile, evaluator: Staff) -> EvaluationFile:
    """Give a file to another evaluator of the campaign — never one of its handling team."""
    file = EvaluationFile.objects.select_for_update().select_related("campaign").get(pk=file.pk)
    _require_organiser(actor, file.campaign, _("调整评查人员"))
    if file.campaign.status != CampaignStatus.RUNNING or file.status != "assigned":
        raise ValidationError({"evaluator": [_("只能在评查期间为未评定的案卷调整评查人员。")]})
    if evaluator is None or not file.campaign.evaluators.filter(pk=evaluator.pk).exists():
        raise ValidationError({"evaluator": [_("请从本次评查活动的评查人员中选择。")]})
    if on_team(evaluator, file):
        raise ValidationError(
            {
                "evaluator": [
                    _("%(n)s是该案卷的承办人员，应当回避，不能评查本案卷。") % {"n": evaluator}
                ]
            }
        )
    file.evaluator = evaluator
    file.save(update_fields=["evaluator"])
    ledger_append(
        actor=actor, action="evaluation.file_assign", obj=file, details={"evaluator": evaluator.pk}
    )
    return file
