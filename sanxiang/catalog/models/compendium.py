"""The violation compendium (JL-TXT-3c): standard descriptions of hazards and violations, the
provision violated, the penalty provision, and discretion benchmarks (裁量基准)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .versions import CatalogVersion


class FindingKind(models.TextChoices):
    VIOLATION = "violation", _("违法行为")
    HAZARD = "hazard", _("事故隐患")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class PartyScope(models.TextChoices):
    ANY = "any", _("不限")
    MINE = "mine", _("煤矿（单位）")
    INDIVIDUAL = "individual", _("个人")


class ViolationEntry(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="violation_entries"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("编码"), max_length=40)
    kind = models.CharField(_("类别"), max_length=20, choices=FindingKind.choices)
    specialty = models.CharField(_("专业"), max_length=50, blank=True)
    description = models.TextField(_("标准描述"))
    violated_provision = models.TextField(_("违反条款"))
    penalty_provision = models.TextField(_("处罚依据"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("违法违规行为描述")
        verbose_name_plural = _("违法违规行为描述")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_violation_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"


class DiscretionBenchmark(models.Model):
    entry = models.ForeignKey(ViolationEntry, on_delete=models.CASCADE, related_name="benchmarks")
    position = models.PositiveIntegerField(default=0)
    severity = models.CharField(_("违法情节"), max_length=20, choices=Severity.choices)
    circumstance = models.TextField(_("具体情形"))
    party_scope = models.CharField(
        _("适用对象"), max_length=20, choices=PartyScope.choices, default=PartyScope.ANY
    )
    fine_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measure = models.CharField(_("处罚或措施"), max_length=300, blank=True)

    class Meta:
        ordering = ["entry", "position", "pk"]
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.circumstance[:30]}"
