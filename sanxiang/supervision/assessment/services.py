"""Writes of the annual target assessment (BZ-5, ADR 0167): compute a unit's sheet from the
indicators and the weights catalog, score the manual items, approve (the unit's head, with a
fresh second factor: ``assessment.approve`` is on the step-up list), report to the superior."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import in_scope, is_superuser, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role

from .. import catalogs
from ..models_notices import AssessmentLine, AssessmentSheet, AssessmentStatus
from .indicators import INDICATORS

CENT = Decimal("0.01")


def _score(weight: Decimal, rate: Decimal) -> Decimal:
    return (weight * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _require_unit_head(actor: Staff, sheet: AssessmentSheet, doing: str) -> None:
    if not (
        is_superuser(actor) or (actor.has_role(Role.HEAD) and actor.agency_id == sheet.agency_id)
    ):
        raise PermissionDenied(_("只有被考核单位的负责人可以%(d)s。") % {"d": doing})


def _lines(actor: Staff, sheet: AssessmentSheet, today: datetime.date) -> None:
    weights = catalogs.assessment_weights()
    kept = {line.code: line for line in sheet.lines.filter(manual=True)}
    sheet.lines.filter(manual=False).delete()
    for item in weights["indicators"]:
        compute = INDICATORS.get(item["code"])
        if compute is None:
            continue
        weight = Decimal(item["weight"])
        result = compute(actor, sheet.agency, sheet.year, today)
        AssessmentLine.objects.create(
            sheet=sheet,
            code=item["code"],
            label=item["label"],
            weight=weight,
            rate=result.rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            score=_score(weight, result.rate),
            basis=result.basis[:300],
        )
    for item in weights["manual"]:
        if item["code"] not in kept:
            AssessmentLine.objects.create(
                sheet=sheet,
                code=item["code"],
                label=item["label"],
                manual=True,
                weight=Decimal(item["weight"]),
                score=Decimal(0),
                basis=_("人工评分"),
            )
    sheet.total = sum((line.score for line in sheet.lines.all()), Decimal(0))
    sheet.weights_version = str(weights["version"])
    sheet.computed_at = timezone.now()
    sheet.save()


@transaction.atomic
def assessment_compute(*, actor: Staff, agency: Agency, year: int) -> AssessmentSheet:
    """Make or recompute the unit's draft sheet for ``year`` (its head or administrator)."""
    if not (is_superuser(actor) or actor.has_role(Role.HEAD, *ORG_ADMIN_ROLES)):
        raise PermissionDenied(_("只有单位负责人或管理员可以制作考核表。"))
    if agency is None:
        raise ValidationError({"agency": [_("请选择被考核单位。")]})
    require_scope(actor, agency)
    if not is_superuser(actor) and actor.agency_id != agency.pk:
        raise ValidationError({"agency": [_("考核表由被考核单位自行制作，报上级查看。")]})
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        raise ValidationError({"year": [_("考核年度应在2000年至今年之间。")]})
    sheet = AssessmentSheet.objects.select_for_update().filter(agency=agency, year=year).first()
    if sheet is not None and sheet.status != AssessmentStatus.DRAFT:
        raise ValidationError({"year": [_("该年度考核表已批准，不能重新计算。")]})
    created = sheet is None
    if created:
        sheet = AssessmentSheet.objects.create(
            agency=agency, year=year, created_by=actor, weights_version=""
        )
    _lines(actor, sheet, today)
    ledger_append(
        actor=actor,
        action="assessment.compute",
        obj=sheet,
        details={"total": str(sheet.total), "weights": sheet.weights_version},
    )
    return sheet


@transaction.atomic
def assessment_manual_score(
    *, actor: Staff, sheet: AssessmentSheet, code: str, score: Any, note: str
) -> AssessmentSheet:
    """Score a manual item (at most its weight) with the reason, on a draft sheet."""
    sheet = AssessmentSheet.objects.select_for_update().get(pk=sheet.pk)
    if not (is_superuser(actor) or actor.has_role(Role.HEAD, *ORG_ADMIN_ROLES)):
        raise PermissionDenied(_("只有单位负责人或管理员可以评分。"))
    require_scope(actor, sheet.agency)
    errors: dict[str, list[str]] = {}
    if sheet.status != AssessmentStatus.DRAFT:
        errors["status"] = [_("考核表已批准，不能再评分。")]
    line = sheet.lines.filter(code=str(code or ""), manual=True).first()
    if line is None:
        errors["code"] = [_("请选择人工评分项目。")]
    try:
        value = Decimal(str(score))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        value = None
        errors["score"] = [_("请填写得分。")]
    if value is not None and line is not None and not (0 <= value <= line.weight):
        errors["score"] = [_("得分应在0到%(w)s分之间。") % {"w": line.weight}]
    elif value is not None and value != value.quantize(CENT):
        errors["score"] = [_("得分最多保留两位小数。")]
    note = str(note or "").strip()
    if not note:
        errors["note"] = [_("请写明评分理由。")]
    elif len(note) > 300:
        errors["note"] = [_("评分说明最多300个字符。")]
    if errors:
        raise ValidationError(errors)
    line.score, line.note = value, note
    line.save()
    sheet.total = sum((row.score for row in sheet.lines.all()), Decimal(0))
    sheet.save()
    ledger_append(
        actor=actor,
        action="assessment.score",
        obj=sheet,
        details={"code": line.code, "score": str(value)},
    )
    return sheet


@transaction.atomic
def assessment_approve(*, actor: Staff, sheet: AssessmentSheet) -> AssessmentSheet:
    """The unit's head approves the sheet (step-up); nothing changes on it afterwards."""
    sheet = AssessmentSheet.objects.select_for_update().get(pk=sheet.pk)
    _require_unit_head(actor, sheet, _("批准考核表"))
    if sheet.status != AssessmentStatus.DRAFT:
        raise ValidationError({"status": [_("考核表已批准。")]})
    unscored = [line.label for line in sheet.lines.filter(manual=True, note="")]
    if unscored:
        raise ValidationError(
            {"status": [_("尚有人工评分项目未评分：%(l)s。") % {"l": "、".join(unscored)}]}
        )
    sheet.status, sheet.approved_by, sheet.approved_at = (
        AssessmentStatus.APPROVED,
        actor,
        timezone.now(),
    )
    sheet.save()
    ledger_append(actor=actor, action="assessment.approve", obj=sheet)
    return sheet


@transaction.atomic
def assessment_publish(*, actor: Staff, sheet: AssessmentSheet) -> AssessmentSheet:
    """Report the approved sheet to the superior agency, which sees it from now on."""
    sheet = AssessmentSheet.objects.select_for_update().get(pk=sheet.pk)
    _require_unit_head(actor, sheet, _("报送考核表"))
    if sheet.status != AssessmentStatus.APPROVED:
        raise ValidationError({"status": [_("考核表经负责人批准后才能报送上级。")]})
    sheet.status, sheet.published_at = AssessmentStatus.PUBLISHED, timezone.now()
    sheet.save()
    ledger_append(actor=actor, action="assessment.publish", obj=sheet)
    return sheet


def may_read_sheet(user: Staff, sheet: AssessmentSheet) -> bool:
    return (
        is_superuser(user)
        or (user.agency_id == sheet.agency_id)
        or (sheet.status == AssessmentStatus.PUBLISHED and in_scope(user, sheet.agency))
    )
