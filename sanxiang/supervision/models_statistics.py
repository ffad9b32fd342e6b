"""The statistics count rows (ADR 0172, per month since ADR 0243)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency

__all__ = ["StatisticsCount"]


class StatisticsCount(models.Model):
    """The value of one statistics indicator for the records one agency handled in one month
    (count, or the sum for money and durations). Recounted from the records in the transaction
    that writes them (``statistics/counts.py``); never edited by hand. A month, not a day: every
    period the page offers (year, quarter, month) is made of whole months, and a year page then
    sums 24 rows per indicator and agency instead of 730 (ADR 0243)."""

    scope_path_lookup = "agency__path"

    indicator = models.CharField(_("统计指标"), max_length=60)
    agency = models.ForeignKey(
        Agency, verbose_name=_("办理机构"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("执法统计计数")
        verbose_name_plural = _("执法统计计数")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "month"], name="statistics_count_month_unique"
            )
        ]
        indexes = [
            models.Index(fields=["month", "indicator", "agency"], name="statistics_count_month_idx")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m}"
