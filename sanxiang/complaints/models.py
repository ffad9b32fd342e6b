"""Reports and complaints (投诉举报, 安全生产法 art. 73; GS-MID-3).

The reporter's name and contact are personal secrets: they enter the ledger only as a keyed
MAC (``ledger_secret_fields``, ``ledger/secrets.py``), are shown in clear to the intake officer
and the head only (``selectors.reporter_for``) and are never logged. The query code a reporter
follows his report with is stored as a password hash.

Files sent with an online report are kept in quarantine (``ComplaintFile.original_path``,
seen by no one) until ClamAV passes them; staff then see only the copy with EXIF and other
metadata stripped (``clean_path``); a file becomes evidence only when an officer adopts it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine

from .workflow import ComplaintCategory, ComplaintChannel, ComplaintStatus


class ComplaintVerdict(models.TextChoices):
    TRUE = "true", _("举报属实")
    PARTLY = "partly", _("举报部分属实")
    FALSE = "false", _("举报不属实")


class Complaint(models.Model):
    scope_path_lookup = "agency__path"
    ledger_secret_fields = ("reporter_name", "reporter_contact", "query_code_hash")

    number = models.CharField(_("举报编号"), max_length=30, unique=True)
    query_code_hash = models.CharField(_("查询码摘要"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("受理机构"), on_delete=models.PROTECT, related_name="complaints"
    )
    channel = models.CharField(_("举报渠道"), max_length=10, choices=ComplaintChannel.choices)
    category = models.CharField(_("举报类别"), max_length=10, choices=ComplaintCategory.choices)
    status = models.CharField(
        _("办理状态"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    mine = models.ForeignKey(
        CoalMine,
        verbose_name=_("被举报煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    mine_text = models.CharField(_("被举报单位（未在名录中）"), max_length=200, blank=True)
    complainant_mine = models.ForeignKey(
        CoalMine,
        verbose_name=_("投诉煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_filed",
    )
    description = models.TextField(_("举报内容"), max_length=5000)
    place = models.CharField(_("发生地点"), max_length=200, blank=True)
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)
    involves_deaths = models.BooleanField(_("涉及人员死亡"), default=False)
    anonymous = models.BooleanField(_("匿名举报"), default=True)
    reporter_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    reporter_contact = models.CharField(_("举报人联系方式"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    intake_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_taken",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_assigned",
    )
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    verify_due = models.DateField(_("核查期限"), null=True, blank=True)
    # Counted over a year whose holiday arrangement is not loaded yet (ADR 0096).
    verify_due_provisional = models.BooleanField(_("核查期限为暂定"), default=False)
    verify_rule = models.CharField(_("核查期限依据"), max_length=200, blank=True)
    finding = models.TextField(_("核查结果"), max_length=5000, blank=True)
    substantiated = models.CharField(
        _("核查结论"), max_length=10, choices=ComplaintVerdict.choices, blank=True
    )
    reply = models.TextField(_("答复内容"), max_length=3000, blank=True)
    transfer_to = models.CharField(_("移送部门"), max_length=200, blank=True)
    escalated_at = models.DateTimeField(_("报告负责人时间"), null=True, blank=True)
    inspection_plan = models.ForeignKey(
        "inspections.InspectionPlan",
        verbose_name=_("转入的检查方案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("立案查处的案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_complaints",
    )
    reward_eligible = models.BooleanField(_("符合举报奖励条件"), null=True, blank=True)
    reward_note = models.TextField(_("举报奖励说明"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")

    def __str__(self) -> str:
        return str(_("举报 %(n)s") % {"n": self.number})

    @property
    def target_name(self) -> str:
        return self.mine.name if self.mine_id else self.mine_text


class ComplaintStep(models.Model):
    """One state the report passed through, with its moment: the progress the reporter sees."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("办理状态"), max_length=12, choices=ComplaintStatus.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("办理进度")
        verbose_name_plural = _("办理进度")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d}"


class ComplaintScanStatus(models.TextChoices):
    QUARANTINED = "quarantined", _("隔离待扫描")
    CLEAN = "clean", _("扫描通过")
    INFECTED = "infected", _("发现病毒，已隔离")
    FAILED = "failed", _("未能扫描或处理")


class ComplaintFile(models.Model):
    """A photo or video sent with a report: the original in quarantine, the stripped copy."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.BigIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    original_path = models.CharField(_("原件位置（隔离）"), max_length=300)
    scan_status = models.CharField(
        _("扫描状态"),
        max_length=12,
        choices=ComplaintScanStatus.choices,
        default=ComplaintScanStatus.QUARANTINED,
    )
    scan_detail = models.CharField(_("扫描结果"), max_length=300, blank=True)
    clean_path = models.CharField(_("去除元数据的副本"), max_length=300, blank=True)
    clean_sha256 = models.CharField(_("副本 SHA-256"), max_length=64, blank=True)
    recording = models.ForeignKey(
        "evidence.Recording",
        verbose_name=_("采纳为证据"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_files",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("举报附件")
        verbose_name_plural = _("举报附件")

    def __str__(self) -> str:
        return self.filename


class UploadGrant(models.Model):
    """The upload capability a visitor gets after the proof of work: quotas, one report."""

    token_hash = models.CharField(max_length=64, unique=True)
    address_mac = models.CharField(max_length=80, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("附件上传凭证")
        verbose_name_plural = _("附件上传凭证")

    def __str__(self) -> str:
        return self.token_hash[:8]


class PublicUploadStatus(models.TextChoices):
    UPLOADING = "uploading", _("上传中")
    COMPLETE = "complete", _("已完成")
    REJECTED = "rejected", _("已拒收")
    ATTACHED = "attached", _("已附于举报")


class PublicUpload(models.Model):
    """A resumable (tus 1.0) upload by a visitor under a grant, until it joins a report."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    grant = models.ForeignKey(UploadGrant, on_delete=models.CASCADE, related_name="uploads")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    status = models.CharField(
        max_length=12, choices=PublicUploadStatus.choices, default=PublicUploadStatus.UPLOADING
    )
    sha256 = models.CharField(max_length=64, blank=True)
    blob_path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公众上传任务")
        verbose_name_plural = _("公众上传任务")

    def __str__(self) -> str:
        return self.filename


class IntakeMark(models.Model):
    """One counted request of the public intake (rate limits) or one spent proof of work.

    ``key`` is a keyed MAC of the client address (never the address itself) or, for a spent
    challenge, its signature; rows older than a day are purged."""

    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=128)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=Q(kind="pow"), name="complaints_pow_spent_once"
            )
        ]
        verbose_name = _("公众受理计数")
        verbose_name_plural = _("公众受理计数")

    def __str__(self) -> str:
        return self.kind
