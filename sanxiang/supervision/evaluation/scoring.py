"""Writes of 案卷评查, part 2: the evaluator's work on a file — confirm or override each
pre-filled finding, add his own, score — and the rectification requests sent back to the
handling unit with their replies (ADR 0160)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import is_superuser
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from ..models_evaluation import (
    CampaignStatus,
    EvaluationFile,
    EvaluationFinding,
    FileStatus,
    FindingSource,
    FindingState,
    ItemKind,
    Rectification,
    RectificationStatus,
)
from .rubric import RubricView
from .services import _require_organiser, on_team

ZERO = Decimal("0")


def evaluating(user: Staff, file: EvaluationFile, day: datetime.date | None = None) -> bool:
    """Whether ``user`` is the file's evaluator in a running campaign on ``day`` (the ground
    ``evaluation:<campaign>``, ADR 0065 ground 13)."""
    day = day or timezone.localdate()
    campaign = file.campaign
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and file.evaluator_id == user.pk
        and campaign.status == CampaignStatus.RUNNING
        and campaign.starts_on <= day <= campaign.ends_on
    )


def _require_evaluator(actor: Staff, file: EvaluationFile) -> None:
    if not evaluating(actor, file):
        raise PermissionDenied(_("只有分配的评查人员在评查期间内可以评查该案卷。"))
    if on_team(actor, file):
        raise PermissionDenied(_("您是该案卷的承办人员，应当回避。"))
    if file.status != FileStatus.ASSIGNED:
        raise ValidationError({"status": [_("该案卷已评定，不能再修改。")]})


def _deduction(value: Any, item, errors: dict) -> Decimal:
    if item.kind == ItemKind.BASIC:
        return ZERO
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault("deduction", []).append(_("扣分应为数字。"))
        return ZERO
    if not amount.is_finite() or amount <= ZERO or amount > item.max:
        errors.setdefault("deduction", []).append(
            _("扣分应大于0、不超过该项分值%(m)s分。") % {"m": item.max}
        )
        return ZERO
    return amount.quantize(Decimal("0.1"))


@transaction.atomic
def finding_decide(
    *,
    actor: Staff,
    finding: EvaluationFinding,
    accept: bool,
    reason: str = "",
    deduction: Any = None,
) -> EvaluationFinding:
    """The evaluator confirms a finding (optionally with another deduction within the item's
    points) or overrides it, stating why."""
    finding = (
        EvaluationFinding.objects.select_for_update()
        .select_related("file__campaign")
        .get(pk=finding.pk)
    )
    file = finding.file
    _require_evaluator(actor, file)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not accept and not reason:
        errors["reason"] = [_("不予采纳须说明理由。")]
    item = RubricView(file.campaign.rubric).by_code.get(finding.item_code)
    if accept and deduction not in (None, "") and item is not None:
        finding.deduction = _deduction(deduction, item, errors)
    if errors:
        raise ValidationError(errors)
    finding.state = FindingState.CONFIRMED if accept else FindingState.OVERRIDDEN
    finding.reason = reason[:500] if not accept else ""
    finding.decided_by = actor
    finding.decided_at = timezone.now()
    finding.save()
    ledger_append(
        actor=actor,
        action="evaluation.finding_confirm" if accept else "evaluation.finding_override",
        obj=file,
        details={"finding": finding.pk, "reason": finding.reason},
    )
    return finding


@transaction.atomic
def finding_add(
    *, actor: Staff, file: EvaluationFile, item_code: str, text: str, deduction: Any = None
) -> EvaluationFinding:
    """A defect the evaluator found himself, against one rubric item."""
    file = EvaluationFile.objects.select_for_update().select_related("campaign").get(pk=file.pk)
    _require_evaluator(actor, file)
    errors: dict[str, list[str]] = {}
    item = RubricView(file.campaign.rubric).by_code.get(item_code or "")
    if item is None:
        errors["item_code"] = [_("请选择评查标准中的项目。")]
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("请写明发现的问题。")]
    elif len(text) > 500:
        errors["text"] = [_("问题描述不能超过500字。")]
    amount = _deduction(deduction, item, errors) if item is not None else ZERO
    if errors:
        raise ValidationError(errors)
    finding = EvaluationFinding.objects.create(
        file=file,
        item_code=item.code,
        item_kind=item.kind,
        item_label=item.label[:200],
        source=FindingSource.EVALUATOR,
        text=text,
        deduction=amount,
        state=FindingState.CONFIRMED,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    ledger_append(
        actor=actor, action="evaluation.finding_add", obj=file, details={"finding": finding.pk}
    )
    return finding


@transaction.atomic
def file_score(*, actor: Staff, file: EvaluationFile, opinion: str) -> EvaluationFile:
    """Score the file once every pre-filled finding is confirmed or overridden: a basic
    standard failed makes it 不合格 (一票否决); else points decide the grade."""
    file = EvaluationFile.objects.select_for_update().select_related("campaign").get(pk=file.pk)
    _require_evaluator(actor, file)
    open_count = file.findings.filter(state=FindingState.PROPOSED).count()
    if open_count:
        raise ValidationError(
            {
                "opinion": [
                    _("还有%(n)d项系统预填的问题未确认或说明不予采纳理由。") % {"n": open_count}
                ]
            }
        )
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": [_("请填写评查意见。")]})
    if len(opinion) > 2000:
        raise ValidationError({"opinion": [_("评查意见不能超过2000字。")]})
    score = RubricView(file.campaign.rubric).score(
        file.findings.filter(state=FindingState.CONFIRMED)
    )
    file.basic_failed = score.basic_failed
    file.form_score, file.content_score, file.total = score.form, score.content, score.total
    file.grade = score.grade
    file.opinion = opinion
    file.status = FileStatus.SCORED
    file.scored_at = timezone.now()
    file.save()
    ledger_append(
        actor=actor,
        action="evaluation.file_score",
        obj=file,
        details={"grade": file.grade, "total": str(file.total)},
    )
    return file


@transaction.atomic
def rectification_request(
    *, actor: Staff, file: EvaluationFile, requirements: str, due_on: datetime.date | None
) -> Rectification:
    """Send the evaluation's findings back to the handling unit, with a due date."""
    file = EvaluationFile.objects.select_related("campaign", "unit").get(pk=file.pk)
    _require_organiser(actor, file.campaign, _("提出整改要求"))
    errors: dict[str, list[str]] = {}
    if file.status != FileStatus.SCORED:
        errors["requirements"] = [_("案卷评定后才能提出整改要求。")]
    requirements = (requirements or "").strip()
    if not requirements:
        errors.setdefault("requirements", []).append(_("请写明整改要求。"))
    elif len(requirements) > 2000:
        errors.setdefault("requirements", []).append(_("整改要求不能超过2000字。"))
    if due_on is None:
        errors["due_on"] = [_("请填写整改期限。")]
    elif due_on <= timezone.localdate():
        errors["due_on"] = [_("整改期限应晚于今天。")]
    if errors:
        raise ValidationError(errors)
    rectification = Rectification.objects.create(
        file=file,
        unit=file.unit,
        requirements=requirements,
        due_on=due_on,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    ledger_append(actor=actor, action="evaluation.rectification_request", obj=rectification)
    return rectification


def may_reply(actor: Staff, rectification: Rectification) -> bool:
    return is_superuser(actor) or (
        actor.agency_id == rectification.unit_id
        and actor.has_role("head", "officer", "legal_reviewer")
    )


@transaction.atomic
def rectification_reply(*, actor: Staff, rectification: Rectification, reply: str) -> Rectification:
    """The handling unit says what it did."""
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if not may_reply(actor, rectification):
        raise PermissionDenied(_("只有整改单位的人员可以回复整改情况。"))
    if rectification.status != RectificationStatus.OPEN:
        raise ValidationError({"reply": [_("该整改要求已回复。")]})
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": [_("请写明整改情况。")]})
    if len(reply) > 2000:
        raise ValidationError({"reply": [_("整改情况不能超过2000字。")]})
    rectification.reply = reply
    rectification.replied_by = actor
    rectification.replied_at = timezone.now()
    rectification.status = RectificationStatus.REPLIED
    rectification.save()
    ledger_append(
        actor=actor,
        action="evaluation.rectification_reply",
        obj=rectification,
        details={"late": timezone.localdate() > rectification.due_on},
    )
    return rectification
