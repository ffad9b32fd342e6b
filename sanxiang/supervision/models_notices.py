"""Supervision notices (督办), accountability records (问责) and the annual target assessment
(年度目标考核) — BZ-1, BZ-5 (ADR 0166, 0167)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager

__all__ = [
    "AccountabilityRecord",
    "AssessmentLine",
    "AssessmentSheet",
    "AssessmentStatus",
    "NoticeStatus",
    "SupervisionNotice",
]


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    REPLIED = "replied", _("已回复")
    CLOSED = "closed", _("已办结")


class SupervisionNotice(models.Model):
    """A 督办 notice: a head or a superior agency tells a unit to act on a record (an overdue
    rectification, a case, an evaluation finding) by a date; the unit replies with what it did;
    the issuer closes it (or sends it back open). The record is a generic reference picked from
    a list (``target_type`` ``app.model``, ``target_id``); ``target_label`` keeps its words."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    issuing_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(_("督办事项类别"), max_length=60)
    target_id = models.CharField(max_length=40)
    target_label = models.CharField(_("督办事项"), max_length=300)
    requirement = models.TextField(_("督办要求"))
    due_on = models.DateField(_("办理期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("督办时间"), auto_now_add=True)
    reply = models.TextField(_("办理情况"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    close_note = models.CharField(_("办结意见"), max_length=300, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")

    def __str__(self) -> str:
        return self.target_label

    @property
    def answered_on_time(self) -> bool | None:
        if self.replied_on is None:
            return None
        return self.replied_on <= self.due_on


class AccountabilityRecord(models.Model):
    """A criticism or accountability measure (批评教育, 通报批评 …, a catalog) against a unit
    or a person, linked to the facts: a notice, or a record picked like a notice's."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被问责单位"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Staff",
        verbose_name=_("被问责人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("问责方式"), max_length=40)
    kind_label = models.CharField(_("问责方式"), max_length=60)
    facts = models.TextField(_("事实和理由"))
    notice = models.ForeignKey(
        SupervisionNotice,
        verbose_name=_("所涉督办"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountability",
    )
    target_type = models.CharField(_("所涉事项类别"), max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(_("所涉事项"), max_length=300, blank=True)
    decided_on = models.DateField(_("决定日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")

    def __str__(self) -> str:
        return self.kind_label


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已报送上级")


class AssessmentSheet(models.Model):
    """A unit's annual target assessment: indicator lines computed from the records plus manual
    items, weighted by a catalog; approved by the unit's head, then reported to the superior,
    which sees it only from then on (ADR 0167)."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("考核年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    weights_version = models.CharField(_("权重目录版本"), max_length=40)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制表人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="uniq_assessment_sheet")
        ]
        verbose_name = _("年度目标考核表")
        verbose_name_plural = _("年度目标考核表")

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


class AssessmentLine(models.Model):
    """One line of a sheet: a computed indicator (``rate`` from 0 to 1 × ``weight``) or a
    manual item (points given, at most ``weight``), with what was counted in words."""

    scope_path_lookup = "sheet__agency__path"

    sheet = models.ForeignKey(AssessmentSheet, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(max_length=40)
    label = models.CharField(_("考核指标"), max_length=100)
    manual = models.BooleanField(_("人工评分"), default=False)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    rate = models.DecimalField(_("完成率"), max_digits=5, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=0)
    basis = models.CharField(_("计算依据"), max_length=300, blank=True)
    note = models.CharField(_("评分说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["sheet", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="uniq_assessment_line")
        ]
        verbose_name = _("考核指标得分")
        verbose_name_plural = _("考核指标得分")

    def __str__(self) -> str:
        return self.label
