"""The retention schedule of enforcement archives (档案保管期限表, JL-ARC-3).

One row per kind of archive unit and seriousness: how long the unit is kept (永久 / 30年 /
10年, GB/T 18894, DA/T 22), within how many days of closure it must be filed, and how its
archival code (档号, DA/T 13) is written. Rows are matched in order: the first row of the
unit's kind whose conditions (penalty kinds, fine amount) the unit meets decides. The shipped
values are samples (示例) that an agency replaces with its own schedule.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .versions import CatalogVersion


class UnitKind(models.TextChoices):
    """The three kinds of archive unit (一案一卷; 检查案卷; 建议书案卷)."""

    PENALTY = "penalty", _("行政处罚案卷")
    INSPECTION = "inspection", _("现场检查案卷")
    LETTER = "letter", _("安全监管建议书案卷")


class RetentionPeriod(models.TextChoices):
    PERMANENT = "permanent", _("永久")
    YEARS_30 = "30y", _("30年")
    YEARS_10 = "10y", _("10年")


RETENTION_YEARS = {
    RetentionPeriod.PERMANENT: None,
    RetentionPeriod.YEARS_30: 30,
    RetentionPeriod.YEARS_10: 10,
}

#: The placeholders an archival-code pattern may use (DA/T 13: 全宗号-门类·年度-保管期限-机构-件号).
CODE_PLACEHOLDERS = ("fonds", "category", "year", "period", "agency", "number")


class RetentionRule(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="retention_rules"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("编码"), max_length=40)
    unit_kind = models.CharField(_("案卷类别"), max_length=20, choices=UnitKind.choices)
    penalty_kinds = models.JSONField(_("处罚种类（任一即适用）"), default=list, blank=True)
    fine_at_least = models.DecimalField(
        _("罚款金额不低于（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("保管期限"), max_length=20, choices=RetentionPeriod.choices)
    period_code = models.CharField(_("保管期限代码"), max_length=10)
    category_code = models.CharField(_("门类代码"), max_length=10)
    fonds_code = models.CharField(_("全宗号"), max_length=20)
    code_pattern = models.CharField(_("档号格式"), max_length=120)
    filing_days = models.PositiveIntegerField(_("归档期限（办结后日数）"))
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("保管期限规则")
        verbose_name_plural = _("保管期限规则")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_retention_rule_code")
        ]

    def __str__(self) -> str:
        return f"{self.get_unit_kind_display()} {self.get_period_display()}"
