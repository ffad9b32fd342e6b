"""Officers and reviewers (BZ-3): training records, the annual training-hour requirement,
applications for an enforcement certificate, the certificate's annual review (年审) and the
legal qualification with its evidence. The certificate itself is ``org.Certificate``: issuing,
suspending and revoking go through ``org.services`` (ADR 0165)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager

__all__ = [
    "AnnualReview",
    "CertificateApplication",
    "CertificateApplicationStatus",
    "EvaluationResult",
    "ExamResult",
    "LegalQualification",
    "ReviewOutcome",
    "TrainingRecord",
    "TrainingRequirement",
]


class EvidenceFile(models.Model):
    """An evidence file kept write-once (``core.blobstore``) with its digests in the row."""

    evidence_name = models.CharField(_("证明材料"), max_length=200, blank=True)
    evidence_path = models.CharField(max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_sm3 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class TrainingRequirement(models.Model):
    """The training hours an agency asks of each officer and reviewer in a year; agencies below
    without their own follow it. Without any, the sample default of the data file applies."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年度"))
    hours = models.DecimalField(_("年度培训学时要求"), max_digits=5, decimal_places=1)
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设定时间"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="uniq_training_requirement")
        ]
        verbose_name = _("年度培训学时要求")
        verbose_name_plural = _("年度培训学时要求")

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


class ExamResult(models.TextChoices):
    PASSED = "passed", _("考试合格")
    FAILED = "failed", _("考试不合格")
    NONE = "none", _("未设考试")


class TrainingRecord(EvidenceFile):
    """One course attended: hours count toward the year of ``ended_on`` unless the exam failed."""

    scope_path_lookup = "staff__agency__path"

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("参训人员"), on_delete=models.PROTECT, related_name="trainings"
    )
    course = models.CharField(_("培训课程"), max_length=200)
    organiser = models.CharField(_("组织单位"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    exam_result = models.CharField(
        _("考试结果"), max_length=10, choices=ExamResult.choices, default=ExamResult.NONE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-ended_on", "-pk"]
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")

    def __str__(self) -> str:
        return self.course

    @property
    def counts(self) -> bool:
        return self.exam_result != ExamResult.FAILED


class CertificateApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ISSUED = "issued", _("已发证")
    REFUSED = "refused", _("不予发证")


class CertificateApplication(models.Model):
    """An application for an enforcement certificate (申领): checked against the training
    record, then issued (``org.services.certificate_issue``) or refused with a reason."""

    scope_path_lookup = "applicant__agency__path"

    applicant = models.ForeignKey(
        "org.Staff", verbose_name=_("申领人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("申领事由"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CertificateApplicationStatus.choices,
        default=CertificateApplicationStatus.PENDING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    certificate = models.ForeignKey(
        "org.Certificate",
        verbose_name=_("执法证"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("执法证申领")
        verbose_name_plural = _("执法证申领")

    def __str__(self) -> str:
        return f"{self.applicant} {self.reason}"


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("年审合格")
    FAILED = "failed", _("年审不合格")


class AnnualReview(models.Model):
    """The annual review (年审) of one certificate for one year. ``reasons`` are the checks that
    failed, in words; a failed review suspends the certificate (the officer leaves the draws'
    inspector directory and may not act on site), a later passed one lifts that suspension."""

    scope_path_lookup = "certificate__holder__agency__path"

    certificate = models.ForeignKey(
        "org.Certificate", verbose_name=_("执法证"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年审年度"))
    outcome = models.CharField(_("年审结论"), max_length=10, choices=ReviewOutcome.choices)
    hours_done = models.DecimalField(_("已完成学时"), max_digits=6, decimal_places=1)
    hours_required = models.DecimalField(_("要求学时"), max_digits=5, decimal_places=1)
    evaluation_result = models.CharField(
        _("年度考核结果"), max_length=20, choices=EvaluationResult.choices
    )
    reasons = models.JSONField(_("不合格原因"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "-decided_at", "-pk"]
        verbose_name = _("执法证年审")
        verbose_name_plural = _("执法证年审")

    def __str__(self) -> str:
        return f"{self.certificate} {self.year}"


class LegalQualification(EvidenceFile):
    """The national legal professional qualification (法律职业资格) of a staff member with its
    evidence; recording it sets ``Staff.has_legal_qualification`` through ``org.services``."""

    scope_path_lookup = "staff__agency__path"

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    certificate_number = models.CharField(_("法律职业资格证书编号"), max_length=40)
    granted_on = models.DateField(_("取得日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("法律职业资格")
        verbose_name_plural = _("法律职业资格")

    def __str__(self) -> str:
        return self.certificate_number
