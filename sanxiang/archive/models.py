"""Archive records (ADR 0110): units (案卷), their items (件), the 档号 counter, check runs.

A unit is assembled from a finished case or inspection as a draft; its items point at the
stored originals (documents' PDFs, recordings, record sheets) with their digests — never a
copy. The custodian submits it, the head approves it, and only then is its archival code
(档号) taken, gapless per agency, year and kind. Written only by ``services.py`` and
``assembly.py``; every write is a ledger event (items are listed in their unit's events).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import CatalogVersion, RetentionPeriod, UnitKind
from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency

User = settings.AUTH_USER_MODEL


class UnitStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    FILED = "filed", _("已归档")
    RETURNED = "returned", _("退回")
    DESTROYED = "destroyed", _("已销毁")  # disposal (ADR 0130)


class ArchiveUnit(models.Model):
    """One 案卷 (一案一卷): a penalty case, an inspection without a case, or a letter."""

    scope_path_lookup = "agency__path"

    kind = models.CharField(_("案卷类别"), max_length=20, choices=UnitKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("立卷单位"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("现场检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("建议书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    mine = models.ForeignKey(
        "registry.CoalMine",
        verbose_name=_("煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("案卷题名"), max_length=300)
    year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.DRAFT
    )
    status_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    closed_on = models.DateField(_("办结日期"))
    filing_due = models.DateField(_("归档期限至"), null=True, blank=True)
    retention_period = models.CharField(
        _("保管期限"), max_length=20, choices=RetentionPeriod.choices, blank=True
    )
    retention_rule_code = models.CharField(_("保管期限规则"), max_length=40, blank=True)
    schedule_version = models.ForeignKey(
        CatalogVersion,
        verbose_name=_("保管期限表版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    retention_starts = models.DateField(_("保管期限起算日"), null=True, blank=True)
    retention_due = models.DateField(_("保管期满日"), null=True, blank=True)
    confidentiality = models.CharField(
        _("密级"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.ORDINARY
    )
    # 档号 (DA/T 13): its parts as taken at approval, and the text they make.
    fonds_code = models.CharField(_("全宗号"), max_length=20, blank=True)
    category_code = models.CharField(_("门类代码"), max_length=10, blank=True)
    period_code = models.CharField(_("保管期限代码"), max_length=10, blank=True)
    agency_code = models.CharField(_("机构代码"), max_length=20, blank=True)
    code_number = models.PositiveIntegerField(_("案卷号"), null=True, blank=True)
    code_pattern = models.CharField(_("档号格式"), max_length=120, blank=True)
    archival_code = models.CharField(_("档号"), max_length=120, blank=True)
    # The volume (卷): one paginated PDF derived from the items, itself ledgered.
    volume_path = models.CharField(max_length=200, blank=True)
    volume_sha256 = models.CharField(max_length=64, blank=True)
    volume_sm3 = models.CharField(max_length=64, blank=True)
    volume_size = models.PositiveBigIntegerField(null=True, blank=True)
    volume_pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    date_from = models.DateField(_("起始日期"), null=True, blank=True)
    date_to = models.DateField(_("终止日期"), null=True, blank=True)
    assembled_at = models.DateTimeField(_("组卷时间"))
    assembled_by = models.ForeignKey(
        User, verbose_name=_("组卷人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交归档时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("立卷人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准归档时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_on = models.DateField(_("归档日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("档案案卷")
        verbose_name_plural = _("档案案卷")
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "filing_due"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["archival_code"],
                condition=~Q(archival_code=""),
                name="uniq_archive_unit_code",
            ),
            models.UniqueConstraint(
                fields=["agency", "year", "kind", "code_number"],
                condition=Q(code_number__isnull=False),
                name="uniq_archive_unit_number",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="uniq_archive_unit_case"
            ),
            models.UniqueConstraint(
                fields=["letter"],
                condition=Q(letter__isnull=False),
                name="uniq_archive_unit_letter",
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(inspection__isnull=False, kind="inspection"),
                name="uniq_archive_unit_inspection",
            ),
        ]

    def __str__(self) -> str:
        return self.archival_code or self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (UnitStatus.DRAFT, UnitStatus.RETURNED)


class Stage(models.TextChoices):
    """The arrangement stages of ``spec.Stage``, as choices (labels for people)."""

    FILING = "filing", _("立案/受理")
    INVESTIGATION = "investigation", _("调查取证")
    REVIEW = "review", _("审查")
    NOTICE = "notice", _("告知")
    HEARING = "hearing", _("听证")
    DECISION = "decision", _("决定")
    SERVICE = "service", _("送达")
    EXECUTION = "execution", _("执行")
    CLOSURE = "closure", _("结案")


class ItemKind(models.TextChoices):
    DOCUMENT = "document", _("执法文书")
    RECORDING = "recording", _("音像记录")
    RECORD = "record", _("记录单")
    CLASSIFIED = "classified", _("涉密件登记")


class ArchiveItem(models.Model):
    """One 件 of a unit, in volume order: a reference to a stored original and its digests."""

    scope_path_lookup = "unit__agency__path"

    unit = models.ForeignKey(ArchiveUnit, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField(_("件号"))
    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("题名"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    responsible = models.CharField(_("责任者"), max_length=200, blank=True)
    date = models.DateField(_("日期"))
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recording = models.ForeignKey(
        "evidence.Recording", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(_("记录来源类型"), max_length=60, blank=True)
    record_id = models.CharField(_("记录来源编号"), max_length=64, blank=True)
    file_path = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_sm3 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    ledger_type = models.CharField(max_length=60, blank=True)
    ledger_id = models.CharField(max_length=64, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    remarks = models.CharField(_("备注"), max_length=300, blank=True)
    page_from = models.PositiveIntegerField(_("起始页"), null=True, blank=True)
    page_to = models.PositiveIntegerField(_("终止页"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "seq"]
        verbose_name = _("卷内文件")
        verbose_name_plural = _("卷内文件")
        constraints = [
            models.UniqueConstraint(fields=["unit", "seq"], name="uniq_archive_item_seq")
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.title}"


class ArchivalCodeSequence(models.Model):
    """The gapless 案卷号 counter per agency, year and unit kind (like documents' numbers)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "year"], name="uniq_archival_code_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.kind}/{self.year}: {self.last_value}"


class CheckTrigger(models.TextChoices):
    FILING = "filing", _("归档时")
    EXPORT = "export", _("移交时")
    PERIODIC = "periodic", _("定期")


class CheckRun(models.Model):
    """One run of the four-property check (四性检测, DA/T 70) on a unit, with its report."""

    scope_path_lookup = "unit__agency__path"

    unit = models.ForeignKey(ArchiveUnit, on_delete=models.PROTECT, related_name="check_runs")
    ran_at = models.DateTimeField(_("检测时间"))
    trigger = models.CharField(_("检测时机"), max_length=20, choices=CheckTrigger.choices)
    passed = models.BooleanField(_("通过"))
    report = models.JSONField(_("检测报告"), default=dict)
    run_by = models.ForeignKey(
        User,
        verbose_name=_("检测人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("四性检测记录")
        verbose_name_plural = _("四性检测记录")

    def __str__(self) -> str:
        return f"{self.unit} {self.ran_at:%Y-%m-%d %H:%M}"


from .models_disposal import *  # noqa: E402, F403  (disposal, ADR 0130)
