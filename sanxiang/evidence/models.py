"""Audio/video and file evidence: devices, recordings and their write-once originals, derived
files, resumable uploads, mandatory-recording requirements, retrieval approvals and alerts.

An original is stored once under its SHA-256 (``sanxiang.core.blobstore``) and never changed;
a recording row only points at it. Derived files (thumbnails, redacted copies, transcodes)
are separate objects pointing to the recording they come from.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.querysets import (
    CHANGE,
    VIEW,
    RestrictedManager,
    RestrictedQuerySet,
    user_scope_path,
)
from sanxiang.org.models import Agency


class Activity(models.TextChoices):
    """What a recording records (JL-AV-1, JL-AV-2)."""

    INSPECTION = "inspection", _("现场检查")
    INVESTIGATION = "investigation", _("调查取证")
    HEARING = "hearing", _("听证")
    SERVICE = "service", _("文书送达")
    EVIDENCE_PRESERVATION = "evidence_preservation", _("证据先行登记保存")
    SEALING_SEIZURE = "sealing_seizure", _("查封、扣押")
    SAMPLING = "sampling", _("抽样取证")
    OPINION_NOTIFICATION = "opinion_notification", _("告知执法意见")
    OTHER = "other", _("其他")


class MediaKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    PHOTO = "photo", _("照片")
    SCAN = "scan", _("扫描件")


class RecordingDevice(models.Model):
    """A registered recording device (执法记录仪 and the like), JL-AV-1 / JL-AV-5."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="devices"
    )
    serial_number = models.CharField(_("设备序列号"), max_length=60, unique=True)
    model_name = models.CharField(_("品牌型号"), max_length=100)
    explosion_proof = models.BooleanField(_("防爆型"), default=False)
    mine_safety_certificate = models.CharField(
        _("煤安标志证书编号"),
        max_length=60,
        blank=True,
        help_text=_("井下使用的设备须取得矿用产品安全标志（煤安证）"),
    )
    mine_safety_valid_until = models.DateField(_("煤安证有效期至"), null=True, blank=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保管人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("在用"), default=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency__path", "serial_number"]
        verbose_name = _("执法记录仪")
        verbose_name_plural = _("执法记录仪")

    def __str__(self) -> str:
        return f"{self.model_name}（{self.serial_number}）"

    def underground_ready_on(self, day: datetime.date | None = None) -> bool:
        """JL-AV-1: usable underground only if explosion-proof with a valid 煤安 certificate."""
        day = day or timezone.localdate()
        return bool(
            self.explosion_proof
            and self.mine_safety_certificate
            and self.mine_safety_valid_until
            and day <= self.mine_safety_valid_until
        )


class Recording(models.Model):
    """One piece of AV or file evidence: metadata plus a pointer to its write-once original."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="recordings"
    )
    title = models.CharField(_("名称"), max_length=200)
    media_kind = models.CharField(_("类别"), max_length=10, choices=MediaKind.choices)
    activity = models.CharField(
        _("记录的执法活动"), max_length=30, choices=Activity.choices, blank=True
    )
    device = models.ForeignKey(
        RecordingDevice,
        verbose_name=_("记录设备"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recordings",
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("执法人员"),
        blank=True,
        related_name="recordings",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    underground = models.BooleanField(_("井下记录"), default=False)
    subject_type = models.CharField(_("关联对象类型"), max_length=60, blank=True)
    subject_id = models.CharField(_("关联对象ID"), max_length=64, blank=True)
    stage = models.CharField(_("关联环节"), max_length=60, blank=True)
    confidentiality = models.CharField(
        _("密级"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.ORDINARY,
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保管人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="custody_recordings",
    )
    notes = models.TextField(_("备注"), blank=True)
    original_name = models.CharField(_("原始文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    blob_path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "stage"]),
            models.Index(fields=["sha256"]),
        ]
        verbose_name = _("音像记录")
        verbose_name_plural = _("音像记录")

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"YX{self.pk:08d}"

    @staticmethod
    def pk_from_number(text: str) -> int | None:
        """``YX00000012`` (or ``yx12``) → 12; ``None`` when ``text`` is not a recording number."""
        text = text.strip()
        if len(text) > 2 and text[:2].upper() == "YX" and text[2:].isdigit() and len(text) <= 14:
            return int(text[2:])
        return None

    @property
    def is_secret(self) -> bool:
        return self.confidentiality in (Confidentiality.TRADE_SECRET, Confidentiality.STATE_SECRET)


class DerivedKind(models.TextChoices):
    THUMBNAIL = "thumbnail", _("缩略图")
    PREVIEW = "preview", _("预览")
    TRANSCODE = "transcode", _("转码副本")
    REDACTED = "redacted", _("脱敏副本")


class DerivedFile(models.Model):
    """A file made from an original (never in place of it): thumbnail, redacted copy, transcode."""

    scope_path_lookup = "recording__agency__path"

    recording = models.ForeignKey(
        Recording, verbose_name=_("原始记录"), on_delete=models.PROTECT, related_name="derived"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=DerivedKind.choices)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    blob_path = models.CharField(max_length=200)
    tool = models.CharField(_("生成方式"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["recording", "kind", "id"]
        verbose_name = _("派生文件")
        verbose_name_plural = _("派生文件")

    def __str__(self) -> str:
        return f"{self.recording} · {self.get_kind_display()}"


class UploadStatus(models.TextChoices):
    UPLOADING = "uploading", _("上传中")
    COMPLETE = "complete", _("已存储并校验")
    REJECTED = "rejected", _("已拒收")
    TERMINATED = "terminated", _("已取消")
    EXPIRED = "expired", _("已过期")


class Upload(models.Model):
    """A resumable (tus 1.0) upload: who sends what, how far it got, and its signed receipt.

    ``offset`` moves with every PATCH and is progress, not a business state: it is left out of
    the ledger digest. Every status change is a ledger event.
    """

    scope_path_lookup = "owner__agency__path"
    ledger_excluded_fields = ("offset", "updated_at")

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="evidence_uploads",
    )
    length = models.BigIntegerField(_("文件大小（字节）"))
    offset = models.BigIntegerField(_("已接收（字节）"), default=0)
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    declared_sha256 = models.CharField(_("申报 SHA-256"), max_length=64, blank=True)
    declared_sm3 = models.CharField(_("申报 SM3"), max_length=64, blank=True)
    metadata = models.JSONField(_("记录信息"), default=dict)
    status = models.CharField(
        _("状态"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.UPLOADING
    )
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    failure_reason = models.CharField(_("拒收原因"), max_length=200, blank=True)
    recording = models.OneToOneField(
        Recording,
        verbose_name=_("音像记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upload",
    )
    receipt = models.TextField(_("签名回执"), blank=True)
    receipt_sm3 = models.CharField(_("回执 SM3"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(_("过期时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("上传任务")
        verbose_name_plural = _("上传任务")

    def __str__(self) -> str:
        return f"{self.filename} ({self.id[:8]})"


class RecordingRequirement(models.Model):
    """Which activity must be recorded in full for a stage kind (JL-AV-2), as data.

    The statutory rows are loaded from ``data/recording_requirements.json``; an agency may add
    rows, but not deactivate a statutory one. To be merged with the catalog's per-stage rules.
    """

    stage_kind = models.CharField(_("环节类型"), max_length=60)
    activity = models.CharField(_("须记录的活动"), max_length=30, choices=Activity.choices)
    statutory = models.BooleanField(_("法定"), default=False)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["stage_kind", "activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage_kind", "activity"], name="uniq_recording_requirement"
            )
        ]
        verbose_name = _("全过程记录要求")
        verbose_name_plural = _("全过程记录要求")

    def __str__(self) -> str:
        return f"{self.stage_kind}: {self.get_activity_display()}"


class RetrievalScope(models.TextChoices):
    VIEW = "view", _("查看（在线播放）")
    DOWNLOAD = "download", _("查看并下载")


class RetrievalStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class RetrievalQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> RetrievalQuerySet:
        """Requests naming a recording in the user's agency scope (by the number asked for: a
        request is linked to its recording only when it is decided, ADR 0065)."""
        if action not in (VIEW, CHANGE):
            raise ValueError(f"unknown action {action!r}")
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        if user_scope_path(user) is None:
            return self.none()
        return self.filter(requested_id__in=Recording.objects.restrict(user, action).values("pk"))


class RetrievalRequest(models.Model):
    """A retrieval request (调阅审批, JL-USE-2): who, which record, why, how, until when.

    A request names a record by its number (``requested_id``), whether or not such a record
    exists or the requester may know of it; the request looks exactly the same either way, and
    is linked to the recording (``recording``) only by the decision of an approver in the
    recording's scope (ADR 0065). Approval is valid only inside ``[valid_from, valid_until]``;
    expiry needs no action, it is a function of the time (like a certificate's validity).
    """

    requested_id = models.BigIntegerField(_("申请调阅的记录号"), db_index=True)
    recording = models.ForeignKey(
        Recording,
        verbose_name=_("音像记录"),
        on_delete=models.PROTECT,
        related_name="retrievals",
        null=True,
        blank=True,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="retrieval_requests",
    )
    purpose = models.CharField(_("调阅事由"), max_length=300)
    scope = models.CharField(_("调阅方式"), max_length=10, choices=RetrievalScope.choices)
    valid_from = models.DateTimeField(_("调阅起始"))
    valid_until = models.DateTimeField(_("调阅截止"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RetrievalStatus.choices,
        default=RetrievalStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    objects = models.Manager.from_queryset(RetrievalQuerySet)()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("调阅申请")
        verbose_name_plural = _("调阅申请")

    def __str__(self) -> str:
        return f"{self.requester} → {self.number}"

    @property
    def number(self) -> str:
        """The record number asked for, as people write it (YX00000012)."""
        return f"YX{self.requested_id:08d}"

    def is_active_at(self, moment: datetime.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return (
            self.status == RetrievalStatus.APPROVED
            and self.valid_from <= moment <= self.valid_until
        )

    @property
    def is_expired(self) -> bool:
        return self.status == RetrievalStatus.APPROVED and timezone.now() > self.valid_until


class AlertKind(models.TextChoices):
    BULK = "bulk", _("短时间内大量调阅")
    OFF_HOURS = "off_hours", _("非工作时间调阅")


class AccessAlert(models.Model):
    """An unusual access pattern, raised to the custodians of the record's agency."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("访问人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
    recording = models.ForeignKey(
        Recording, verbose_name=_("音像记录"), on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("说明"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledgement = models.CharField(_("处理意见"), max_length=300, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("调阅告警")
        verbose_name_plural = _("调阅告警")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.actor}"
