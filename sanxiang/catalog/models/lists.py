"""The public lists: power list (GS-PRE-2.2), random-inspection items (GS-PRE-2.5),
procedures and service guides (GS-PRE-2.4) and remedies (GS-PRE-2.6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import AgencyLevel

from .versions import CatalogVersion


class PowerCategory(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    INSPECTION = "inspection", _("行政检查")
    COERCION = "coercion", _("行政强制")
    PENALTY = "penalty", _("行政处罚")
    OTHER = "other", _("其他行政权力")


class ProcedureKind(models.TextChoices):
    LICENSING = "licensing", _("行政许可程序")
    INSPECTION = "inspection", _("行政检查程序")
    COERCION = "coercion", _("行政强制程序")
    PENALTY = "penalty", _("行政处罚程序")
    OTHER = "other", _("其他程序")


class PowerItem(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="power_items"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("事项编码"), max_length=40)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("权力类型"), max_length=20, choices=PowerCategory.choices)
    legal_basis = models.TextField(_("设定依据"))
    responsible_levels = models.JSONField(_("实施层级"), default=list)
    procedure = models.CharField(_("适用程序"), max_length=20, choices=ProcedureKind.choices)
    responsibilities = models.TextField(_("责任事项"), blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    # Licensing items only (行政许可法 arts. 32, 42, 44; other rules set their own periods).
    acceptance_days = models.PositiveSmallIntegerField(
        _("受理期限（工作日）"), null=True, blank=True
    )
    decision_days = models.PositiveSmallIntegerField(_("决定期限（工作日）"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        _("经负责人批准可延长（工作日）"), null=True, blank=True
    )
    issue_days = models.PositiveSmallIntegerField(_("发证期限（工作日）"), null=True, blank=True)
    period_basis = models.CharField(_("期限依据"), max_length=300, blank=True)
    required_materials = models.TextField(_("申请材料"), blank=True, help_text=_("每行一项"))
    sample_materials = models.TextField(
        _("申请材料示范文本"), blank=True, help_text=_("每行一项：材料名称：示范内容")
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("权责事项")
        verbose_name_plural = _("权责事项")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_power_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.required_materials.splitlines() if line.strip()]

    @property
    def sample_list(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.sample_materials.splitlines():
            name, _sep, text = line.strip().partition("：")
            if name:
                rows.append((name, text))
        return rows

    @property
    def responsible_level_labels(self) -> str:
        labels = dict(AgencyLevel.choices)
        return "、".join(str(labels.get(level, level)) for level in self.responsible_levels or ())


class InspectionWeight(models.TextChoices):
    KEY = "key", _("重点检查事项")
    GENERAL = "general", _("一般检查事项")


class RandomInspectionItem(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="random_inspection_items"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("事项编码"), max_length=40)
    name = models.CharField(_("抽查事项"), max_length=200)
    content = models.TextField(_("抽查内容"), blank=True)
    subject = models.CharField(_("抽查主体"), max_length=200)
    legal_basis = models.TextField(_("抽查依据"))
    weight = models.CharField(_("事项类别"), max_length=10, choices=InspectionWeight.choices)
    share_percent = models.DecimalField(_("抽查比例（%）"), max_digits=5, decimal_places=2)
    method = models.CharField(_("检查方式"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_random_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureGuide(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="procedure_guides"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("指南编码"), max_length=40)
    kind = models.CharField(_("程序类别"), max_length=20, choices=ProcedureKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("适用范围"), blank=True)
    steps = models.TextField(_("办理流程"), help_text=_("每行一个步骤"))
    time_limit = models.TextField(_("办理时限"), blank=True)
    materials = models.TextField(_("申请材料或当事人须知"), blank=True)
    service_window = models.TextField(_("办理地点、咨询和投诉"), blank=True)
    legal_basis = models.TextField(_("依据"))
    workflow = models.CharField(
        _("流程图"),
        max_length=40,
        blank=True,
        help_text=_("系统执法流程的代码；为空时只有文字说明"),
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("执法程序与服务指南")
        verbose_name_plural = _("执法程序与服务指南")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_procedure_code")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")
    COMPENSATION = "compensation", _("国家赔偿")
    OTHER = "other", _("其他救济")


class RemedyItem(models.Model):
    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="remedies")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("编码"), max_length=40)
    kind = models.CharField(_("救济方式"), max_length=20, choices=RemedyKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    body = models.TextField(_("受理机关"))
    time_limit = models.TextField(_("申请期限"))
    how_to_apply = models.TextField(_("申请方式"))
    legal_basis = models.TextField(_("依据"))
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("救济途径")
        verbose_name_plural = _("救济途径")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_remedy_code")]

    def __str__(self) -> str:
        return self.title
