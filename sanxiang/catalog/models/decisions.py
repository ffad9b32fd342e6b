"""The major-decision catalog of a unit (SH-SCOPE-2, SH-SCOPE-3), one row per item."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..major import STATUTORY_BY_CODE, MajorItem, RuleKind
from .versions import CatalogVersion


class MajorDecisionItem(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="major_items"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("事项编码"), max_length=40)
    title = models.CharField(_("审核事项"), max_length=300)
    rule = models.CharField(_("认定方式"), max_length=30, choices=RuleKind.choices)
    threshold = models.DecimalField(
        _("门槛金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measures = models.JSONField(_("决定或措施"), default=list, blank=True)
    circumstance = models.CharField(_("情形代码"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("重大执法决定审核事项")
        verbose_name_plural = _("重大执法决定审核事项")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_major_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_statutory(self) -> bool:
        return self.code in STATUTORY_BY_CODE

    def as_major_item(self) -> MajorItem:
        return MajorItem(
            code=self.code,
            title=self.title,
            rule=self.rule,
            threshold=self.threshold,
            measures=frozenset(self.measures or ()),
            circumstance=self.circumstance,
        )
