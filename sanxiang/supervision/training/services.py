"""Writes of BZ-3: training records, the hour requirement, certificate applications, the
annual review (年审) and the legal qualification. The certificate is ``org.Certificate``:
issuing, suspending and lifting a suspension go through ``org.services`` (ADR 0165)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import blob_put
from sanxiang.core.permissions import is_superuser, require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org import services as org_services
from sanxiang.org.models import Agency, Certificate, CertificateStatus, Staff
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role

from .. import catalogs
from ..models_notices import AccountabilityRecord
from ..models_people import (
    AnnualReview,
    CertificateApplication,
    CertificateApplicationStatus,
    EvaluationResult,
    ExamResult,
    LegalQualification,
    ReviewOutcome,
    TrainingRecord,
    TrainingRequirement,
)
from .selectors import TRAINED_ROLES, hours_done, requirement_for

EVIDENCE_MAX = 20 * 1024 * 1024
MAX_HOURS = Decimal("500")
REQUIREMENT_ROLES = frozenset({Role.HEAD, *ORG_ADMIN_ROLES})
#: The words that open the reason of a suspension made by a failed annual review: a passed
#: review lifts only such a suspension, never one an administrator made for another reason.
REVIEW_SUSPENSION = "年审不合格"


def _text(value: Any) -> str:
    return str(value or "").strip()


def _hours(value: Any, field: str, errors: dict, *, maximum: Decimal = MAX_HOURS) -> Decimal | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = [_("请填写学时数。")]
        return None
    if not hours.is_finite() or hours <= 0 or hours > maximum:
        errors[field] = [_("学时应大于0且不超过%(m)s。") % {"m": maximum}]
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors[field] = [_("学时最多保留一位小数。")]
        return None
    return hours


def _evidence(data: bytes | None, name: str, errors: dict) -> dict[str, str]:
    if data is None:
        return {}
    if not data:
        errors["evidence"] = [_("证明材料是空文件。")]
        return {}
    if len(data) > EVIDENCE_MAX:
        errors["evidence"] = [_("证明材料不能超过20 MB。")]
        return {}
    return {"name": (_text(name) or _("证明材料"))[:200]}


def _store(instance, data: bytes | None, meta: dict[str, str]) -> None:
    if not data or not meta:
        return
    blob = blob_put(data)
    instance.evidence_name = meta["name"]
    instance.evidence_path = blob.path
    instance.evidence_sha256, instance.evidence_sm3 = blob.sha256, blob.sm3


def _may_manage(actor: Staff, staff: Staff) -> bool:
    return is_superuser(actor) or actor.has_role(Role.HEAD, *ORG_ADMIN_ROLES)


@transaction.atomic
def training_record_create(
    *,
    actor: Staff,
    staff: Staff,
    course: str,
    organiser: str,
    started_on: datetime.date | None,
    ended_on: datetime.date | None,
    hours: Any,
    exam_result: str = ExamResult.NONE,
    evidence: bytes | None = None,
    evidence_name: str = "",
) -> TrainingRecord:
    """BZ-3: one course attended by an officer or a reviewer: the person himself records it, or
    a head or an administrator of his agency or above."""
    if actor.pk != staff.pk:
        if not _may_manage(actor, staff):
            raise ValidationError(
                {"staff": [_("只能登记本人的培训记录，或由负责人、管理员登记。")]}
            )
        require_scope(actor, staff.agency)
    errors: dict[str, list[str]] = {}
    if not staff.has_role(*TRAINED_ROLES):
        errors["staff"] = [_("只登记执法人员和法制审核人员的培训。")]
    value = _hours(hours, "hours", errors)
    today = timezone.localdate()
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = [_("结束日期不能早于开始日期。")]
    if ended_on and ended_on > today:
        errors["ended_on"] = [_("培训尚未结束，结束后再登记。")]
    if exam_result not in ExamResult.values:
        errors["exam_result"] = [_("请选择考试结果。")]
    if not _text(course):
        errors["course"] = [_("请填写培训课程。")]
    if not _text(organiser):
        errors["organiser"] = [_("请填写组织单位。")]
    meta = _evidence(evidence, evidence_name, errors)
    record = TrainingRecord(
        staff=staff,
        course=_text(course),
        organiser=_text(organiser),
        started_on=started_on,
        ended_on=ended_on,
        hours=value,
        exam_result=exam_result,
        recorded_by=actor,
    )
    if errors:
        clean_and_save_check(record, errors)
    _store(record, evidence, meta)
    clean_and_save(record, extra_errors=errors)
    ledger_append(
        actor=actor,
        action="training.record",
        obj=record,
        details={"hours": str(value), "evidence_sm3": record.evidence_sm3},
    )
    return record


def clean_and_save_check(instance, errors: dict) -> None:
    """Raise every error at once: the service's own and the model's (nothing is saved)."""
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    raise ValidationError(errors)


@transaction.atomic
def training_requirement_set(
    *, actor: Staff, agency: Agency, year: int, hours: Any, note: str = ""
) -> TrainingRequirement:
    """Set the hours an agency (and those below without their own) asks in ``year``."""
    require_role(actor, REQUIREMENT_ROLES, _("设定年度培训学时要求"))
    require_scope(actor, agency)
    errors: dict[str, list[str]] = {}
    value = _hours(hours, "hours", errors)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("年度应在2000至2100之间。")]
    if errors:
        raise ValidationError(errors)
    row = TrainingRequirement.objects.filter(agency=agency, year=year).first()
    row = row or TrainingRequirement(agency=agency, year=year)
    row.hours, row.note, row.set_by = value, _text(note)[:200], actor
    clean_and_save(row)
    ledger_append(actor=actor, action="training.requirement", obj=row)
    return row


# --- certificates ------------------------------------------------------------------------


@transaction.atomic
def certificate_apply(*, actor: Staff, applicant: Staff, reason: str) -> CertificateApplication:
    """An officer applies for an enforcement certificate (or an administrator for him)."""
    if actor.pk != applicant.pk:
        require_role(actor, ORG_ADMIN_ROLES, _("代为申领执法证"))
        require_scope(actor, applicant.agency)
    errors: dict[str, list[str]] = {}
    if not applicant.has_role(Role.OFFICER):
        errors["applicant"] = [_("只有执法人员可以申领执法证。")]
    if CertificateApplication.objects.filter(
        applicant=applicant, status=CertificateApplicationStatus.PENDING
    ).exists():
        errors["applicant"] = [_("已有一份待审核的申领。")]
    if not _text(reason):
        errors["reason"] = [_("请写明申领事由（新领、换领等）。")]
    application = CertificateApplication(
        applicant=applicant, reason=_text(reason), submitted_by=actor
    )
    clean_and_save(application, extra_errors=errors)
    ledger_append(actor=actor, action="certificate_application.submit", obj=application)
    return application


def pre_job_training_problem(staff: Staff) -> str | None:
    """BZ-3: a certificate is issued only after pre-job training with an exam passed."""
    if TrainingRecord.objects.filter(staff=staff, exam_result=ExamResult.PASSED).exists():
        return None
    return _("申领人没有考试合格的岗前培训记录，不能发证。")


@transaction.atomic
def certificate_application_decide(
    *,
    actor: Staff,
    application: CertificateApplication,
    issue: bool,
    note: str = "",
    number: str = "",
    issuing_authority: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> CertificateApplication:
    """Issue the certificate (``org.services.certificate_issue``) or refuse with a reason."""
    require_role(actor, ORG_ADMIN_ROLES, _("审核执法证申领"))
    application = CertificateApplication.objects.select_for_update().get(pk=application.pk)
    require_scope(actor, application.applicant.agency)
    if application.status != CertificateApplicationStatus.PENDING:
        raise ValidationError({"status": [_("该申领已审核。")]})
    if issue:
        problem = pre_job_training_problem(application.applicant)
        if problem:
            raise ValidationError({"issue": [problem]})
        application.certificate = org_services.certificate_issue(
            actor=actor,
            holder=application.applicant,
            number=number,
            issuing_authority=issuing_authority,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        application.status = CertificateApplicationStatus.ISSUED
    else:
        if not _text(note):
            raise ValidationError({"note": [_("不予发证须说明理由。")]})
        application.status = CertificateApplicationStatus.REFUSED
    application.decided_by, application.decided_at = actor, timezone.now()
    application.decision_note = _text(note)[:300]
    application.save()
    ledger_append(
        actor=actor,
        action="certificate_application.decide",
        obj=application,
        details={"issued": bool(issue)},
    )
    return application


@dataclass(frozen=True)
class ReviewCheck:
    hours_done: Decimal
    hours_required: Decimal
    reasons: list[str]

    @property
    def passes(self) -> bool:
        return not self.reasons


def annual_review_check(
    *, certificate: Certificate, year: int, evaluation_result: str
) -> ReviewCheck:
    """BZ-3: what the annual review checks — the certificate in force, the year's training hours
    against the requirement, the year's evaluation (考核) result, accountability measures that
    bar the person from enforcement work, and files of his graded 不合格 in the 案卷评查 for a
    defect attributable to him (a sample rule, ADR 0229). Each failed check is a reason in words."""
    holder = certificate.holder
    requirement = requirement_for(holder.agency, year)
    done = hours_done(holder, year)
    reasons = []
    if certificate.status == CertificateStatus.REVOKED:
        reasons.append(_("执法证已注销。"))
    elif certificate.expires_on < timezone.localdate():
        reasons.append(_("执法证已于%(d)s过期，应重新申领。") % {"d": certificate.expires_on})
    if done < requirement.hours:
        reasons.append(
            _("%(y)s年度培训%(d)s学时，未达到%(r)s学时的要求（%(s)s）。")
            % {
                "y": year,
                "d": f"{done.normalize():f}",
                "r": f"{requirement.hours.normalize():f}",
                "s": requirement.source,
            }
        )
    if evaluation_result in catalogs.training_requirement()["evaluation_fails"]:
        reasons.append(
            _("年度考核结果为“%(r)s”。") % {"r": EvaluationResult(evaluation_result).label}
        )
    barred = [
        r
        for r in AccountabilityRecord.objects.filter(person=holder, decided_on__year=year)
        if (catalogs.accountability_kind(r.kind) or {}).get("blocks_review")
    ]
    for record in barred:
        reasons.append(
            _("%(d)s受到“%(k)s”问责。") % {"d": record.decided_on, "k": record.kind_label}
        )
    from ..evaluation.officers import review_reasons  # 案卷评查 (ADR 0229, sample rule)

    reasons.extend(review_reasons(holder, year))
    return ReviewCheck(done, requirement.hours, reasons)


@transaction.atomic
def annual_review_decide(
    *,
    actor: Staff,
    certificate: Certificate,
    year: int,
    outcome: str,
    evaluation_result: str,
    note: str = "",
) -> AnnualReview:
    """BZ-3: the annual review (年审) of a certificate. A pass is refused while any check fails
    (the reasons are the error); a failure records the reasons and suspends the certificate
    (``org.services.certificate_set_status``), which takes the officer out of the draws'
    inspector directory and bars him from on-site work and signing; a later pass lifts that
    suspension."""
    require_role(actor, ORG_ADMIN_ROLES, _("执法证年审"))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    require_scope(actor, certificate.holder.agency)
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year:
        errors["year"] = [_("只能年审本年度或上一年度。")]
    if evaluation_result not in EvaluationResult.values:
        errors["evaluation_result"] = [_("请选择年度考核结果。")]
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("请选择年审结论。")]
    if errors:
        raise ValidationError(errors)
    check = annual_review_check(
        certificate=certificate, year=year, evaluation_result=evaluation_result
    )
    if outcome == ReviewOutcome.PASSED and not check.passes:
        raise ValidationError({"outcome": [_("不能认定年审合格：") + "".join(check.reasons)]})
    if outcome == ReviewOutcome.FAILED and check.passes and not _text(note):
        errors["note"] = [_("各项检查均符合，认定不合格须写明理由。")]
        raise ValidationError(errors)
    reasons = list(check.reasons) if outcome == ReviewOutcome.FAILED else []
    if outcome == ReviewOutcome.FAILED and _text(note):
        reasons.append(_text(note)[:300])
    review = AnnualReview(
        certificate=certificate,
        year=year,
        outcome=outcome,
        hours_done=check.hours_done,
        hours_required=check.hours_required,
        evaluation_result=evaluation_result,
        reasons=reasons,
        note=_text(note)[:300],
        decided_by=actor,
    )
    clean_and_save(review)
    ledger_append(
        actor=actor,
        action="certificate.annual_review",
        obj=review,
        details={"outcome": outcome, "reasons": reasons},
    )
    if outcome == ReviewOutcome.FAILED and certificate.status == CertificateStatus.ACTIVE:
        org_services.certificate_set_status(
            actor=actor,
            certificate=certificate,
            status=CertificateStatus.SUSPENDED,
            reason=(f"{REVIEW_SUSPENSION}（{year}年度）：" + "".join(reasons))[:200],
        )
    elif (
        outcome == ReviewOutcome.PASSED
        and certificate.status == CertificateStatus.SUSPENDED
        and certificate.status_reason.startswith(REVIEW_SUSPENSION)
    ):
        org_services.certificate_set_status(
            actor=actor, certificate=certificate, status=CertificateStatus.ACTIVE, reason=""
        )
    return review


@transaction.atomic
def legal_qualification_record(
    *,
    actor: Staff,
    staff: Staff,
    certificate_number: str,
    granted_on: datetime.date | None,
    evidence: bytes | None = None,
    evidence_name: str = "",
) -> LegalQualification:
    """BZ-3: the legal professional qualification with its evidence; sets the staff flag."""
    require_role(actor, ORG_ADMIN_ROLES, _("登记法律职业资格"))
    require_scope(actor, staff.agency)
    errors: dict[str, list[str]] = {}
    if not _text(certificate_number):
        errors["certificate_number"] = [_("请填写法律职业资格证书编号。")]
    if granted_on and granted_on > timezone.localdate():
        errors["granted_on"] = [_("取得日期不能晚于今天。")]
    if evidence is None:
        errors["evidence"] = [_("请上传证书扫描件作为证明材料。")]
    meta = _evidence(evidence, evidence_name, errors)
    row = LegalQualification(
        staff=staff,
        certificate_number=_text(certificate_number),
        granted_on=granted_on,
        recorded_by=actor,
    )
    if errors:
        clean_and_save_check(row, errors)
    _store(row, evidence, meta)
    clean_and_save(row)
    ledger_append(
        actor=actor,
        action="legal_qualification.record",
        obj=row,
        details={"evidence_sm3": row.evidence_sm3},
    )
    org_services.staff_legal_qualification_set(
        actor=actor, staff=staff, qualified=True, basis=f"supervision.legalqualification:{row.pk}"
    )
    return row
