"""Shared tables: the working-day calendar's administrator-maintained part."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """The State Council's holiday arrangement for one year, as entered by an administrator.

    Its presence tells the calendar that the overrides of that year are complete, so
    deadlines falling in a year the ``chinesecalendar`` package does not know yet are no
    longer provisional once the notice has been loaded.
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarOverride(models.Model):
    """One day whose status differs from what the package says (or that it cannot say)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=100, help_text=_("如：春节、国庆节调休上班"))
    notice = models.ForeignKey(
        HolidayNotice,
        verbose_name=_("依据通知"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overrides",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date} {self.name}（{kind}）"


class TaskLease(models.Model):
    """ADR 0082: a running background task's lease, renewed by its worker's heartbeat.

    A task whose lease lapsed (its worker was killed or lost the database) is put back in the
    queue by any other worker; one whose worker is alive keeps it, however long it runs.
    Bookkeeping of the worker, not a record of the agency's work: not ledgered.
    """

    task_id = models.UUIDField(primary_key=True)
    worker_id = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("后台任务租约")
        verbose_name_plural = _("后台任务租约")

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.worker_id}"


class TaskEffect(models.Model):
    """ADR 0082: the mark, committed together with a task's effect, that the effect is done.

    A task re-run after its worker died between committing its work and marking the task
    finished finds this row and does nothing.
    """

    task_id = models.UUIDField(primary_key=True)
    task_path = models.CharField(max_length=200)
    return_value = models.JSONField(null=True)
    committed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("后台任务完成标记")
        verbose_name_plural = _("后台任务完成标记")

    def __str__(self) -> str:
        return f"{self.task_path} {self.task_id}"


class StaffNotice(models.Model):
    """A message to one member of staff that the system itself sends (a deadline it moved).

    Shown on the recipient's dashboard until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        related_name="staff_notices",
    )
    message = models.CharField(_("内容"), max_length=500)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("系统通知")
        verbose_name_plural = _("系统通知")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class StoredObject(models.Model):
    """Which version of an object in S3-compatible storage is the original (ADR 0180).

    On a versioned, object-locked bucket a key can gain newer versions or a delete marker; the
    application reads, streams and checks fixity only by the version written at ingest, whose
    id is kept here. The local store has no versions and no rows. The content itself is
    vouched for by the owner's ledger event (its digests); this row only locates it.
    """

    class LockMode(models.TextChoices):
        NONE = "", _("无锁定")
        GOVERNANCE = "GOVERNANCE", _("治理模式")
        COMPLIANCE = "COMPLIANCE", _("合规模式")

    path = models.CharField(_("存储路径"), max_length=200, unique=True)
    version_id = models.CharField(_("版本号"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(_("大小（字节）"))
    lock_mode = models.CharField(
        _("锁定模式"), max_length=12, choices=LockMode.choices, blank=True, default=""
    )
    retain_until = models.DateTimeField(_("保留至"), null=True, blank=True)
    removed_at = models.DateTimeField(_("按批准的销毁决定删除于"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("对象存储版本")
        verbose_name_plural = _("对象存储版本")

    def __str__(self) -> str:
        return self.path
