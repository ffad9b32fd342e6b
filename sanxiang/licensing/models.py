"""The online licensing window (行政许可网上办理): applications, their steps, licences and
consultations (issue 15, GS-MID-3, GS-PRE-2.4, GS-POST-1).

An application snapshots the periods of its licensing item from the power list in force when it
was received (catalog data per item: 行政许可法 arts. 32, 42, 44, or the item's own rule), so a
later catalog change never moves a running clock. Every step is one ``ApplicationStep`` row —
the progress timeline the applicant reads — written by the service of one transition row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import PowerItem
from sanxiang.core.querysets import RestrictedManager
from sanxiang.documents.models import Document
from sanxiang.org.models import Agency
from sanxiang.registry.models import CoalMine

from .workflow import ApplicationStatus, LicenceStatus, Outcome, PauseKind


class Application(models.Model):
    """One licensing application of a coal mine (行政许可申请)."""

    scope_path_lookup = "agency__path"
    ledger_secret_fields = ("query_code_hash", "contact")

    number = models.CharField(_("申请编号"), max_length=30, unique=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("许可机关"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="licensing_applications",
    )
    item = models.ForeignKey(
        PowerItem, verbose_name=_("许可事项"), on_delete=models.PROTECT, related_name="+"
    )
    item_name = models.CharField(_("许可事项"), max_length=200)
    request = models.TextField(_("申请内容"))
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    status = models.CharField(
        _("办理状态"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    query_code_hash = models.CharField(max_length=128)
    # Who brought it in: an enterprise account (by reference, that app owns it) or staff.
    submitted_by_type = models.CharField(max_length=60, blank=True)
    submitted_by_id = models.CharField(max_length=64, blank=True)
    submitted_by_name = models.CharField(_("提交人"), max_length=100, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为登记人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("收到申请材料日期"))
    # The item's periods, as the catalog gave them on receipt (working days).
    acceptance_days = models.PositiveSmallIntegerField(_("受理期限（工作日）"))
    decision_days = models.PositiveSmallIntegerField(_("决定期限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("可延长（工作日）"), default=0)
    issue_days = models.PositiveSmallIntegerField(_("发证期限（工作日）"))
    period_basis = models.CharField(_("期限依据"), max_length=300, blank=True)
    complete_on = models.DateField(_("收到补正材料日期"), null=True, blank=True)
    acceptance_due = models.DateField(_("受理决定期限"))
    acceptance_due_provisional = models.BooleanField(_("受理决定期限为暂定"), default=False)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    paused_days = models.PositiveSmallIntegerField(_("不计入期限的工作日"), default=0)
    paused_on = models.DateField(_("暂停计时日期"), null=True, blank=True)
    pause_kind = models.CharField(
        _("暂停计时事由"), max_length=20, choices=PauseKind.choices, blank=True
    )
    extended = models.BooleanField(_("已延长决定期限"), default=False)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    decision_due = models.DateField(_("许可决定期限"), null=True, blank=True)
    decision_due_provisional = models.BooleanField(_("许可决定期限为暂定"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    outcome = models.CharField(_("决定结果"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("许可内容或理由"), blank=True)
    valid_to = models.DateField(_("许可有效期至"), null=True, blank=True)
    licence_due = models.DateField(_("发证期限"), null=True, blank=True)
    licence_due_provisional = models.BooleanField(_("发证期限为暂定"), default=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("行政许可申请")
        verbose_name_plural = _("行政许可申请")
        indexes = [models.Index(fields=["status", "acceptance_due"])]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"


class ApplicationStep(models.Model):
    """One step of an application as the applicant's progress timeline shows it."""

    scope_path_lookup = "application__agency__path"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="steps", verbose_name=_("申请")
    )
    action = models.CharField(_("环节"), max_length=30)
    label = models.CharField(_("办理环节"), max_length=100)
    status = models.CharField(_("办理状态"), max_length=20, choices=ApplicationStatus.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)
    actor_name = models.CharField(_("办理人"), max_length=100, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("文书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_label = models.CharField(_("下一环节"), max_length=100, blank=True)
    next_due = models.DateField(_("下一环节法定期限"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["application", "on", "pk"]
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")

    def __str__(self) -> str:
        return f"{self.on} {self.label}"


class ApplicationMaterial(models.Model):
    """A file the applicant handed in, stored write-once in the blob store."""

    scope_path_lookup = "application__agency__path"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials", verbose_name=_("申请")
    )
    name = models.CharField(_("材料名称"), max_length=200)
    file_name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    correction = models.BooleanField(_("补正材料"), default=False)
    uploaded_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    """A licence granted on an application; its number and validity feed the mine's record."""

    scope_path_lookup = "agency__path"

    number = models.CharField(_("许可证编号"), max_length=50, unique=True)
    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="licence"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("许可机关"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("持证煤矿"), on_delete=models.PROTECT, related_name="licences"
    )
    item_name = models.CharField(_("许可事项"), max_length=200)
    scope = models.TextField(_("许可范围"))
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")

    def __str__(self) -> str:
        return self.number


class LicenceChange(models.Model):
    """A later step on a licence: change, extension, suspension, restoration, revocation."""

    scope_path_lookup = "licence__agency__path"

    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="changes", verbose_name=_("许可证")
    )
    action = models.CharField(_("事项"), max_length=20)
    label = models.CharField(_("事项"), max_length=50)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("理由或内容"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    actor_name = models.CharField(_("办理人"), max_length=100)

    objects = RestrictedManager()

    class Meta:
        ordering = ["licence", "on", "pk"]
        verbose_name = _("许可证变更记录")
        verbose_name_plural = _("许可证变更记录")

    def __str__(self) -> str:
        return f"{self.on} {self.label}"


class Consultation(models.Model):
    """A question put to the licensing window (咨询) and its answer; published only with the
    asker's consent. The asker's contact is personal data: it enters the ledger as a keyed MAC."""

    scope_path_lookup = "agency__path"
    ledger_secret_fields = ("contact",)

    agency = models.ForeignKey(
        Agency, verbose_name=_("咨询机构"), on_delete=models.PROTECT, related_name="+"
    )
    item_name = models.CharField(_("咨询事项"), max_length=200, blank=True)
    question = models.TextField(_("咨询内容"))
    asker_name = models.CharField(_("称呼"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    publish_consent = models.BooleanField(_("同意公开问答"), default=False)
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("许可咨询")
        verbose_name_plural = _("许可咨询")

    def __str__(self) -> str:
        return self.question[:30]

    @property
    def is_public(self) -> bool:
        return self.publish_consent and bool(self.answer)
