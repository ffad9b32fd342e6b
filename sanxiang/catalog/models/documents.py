"""Enforcement document types with their numbering short codes, and per-stage rules of which
documents and recordings are required (JL-TXT-3b, JL-AV-2; domain reference §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..stages import Obligation, RequirementKind, Stage
from .versions import CatalogVersion


class DocumentType(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="document_types"
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("文书代码"), max_length=40)
    name = models.CharField(_("文书名称"), max_length=100)
    short_code = models.CharField(
        _("编号简称"), max_length=10, help_text=_("文号 A+(B)煤安+C〔YYYY〕D号 中的 C，如“罚”")
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("执法文书种类")
        verbose_name_plural = _("执法文书种类")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_document_type_code"),
            models.UniqueConstraint(
                fields=["version", "short_code"], name="uniq_document_type_short_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StageRule(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="stage_rules"
    )
    position = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("环节"), max_length=30, choices=Stage.choices)
    requirement = models.CharField(_("要求类别"), max_length=20, choices=RequirementKind.choices)
    document_code = models.CharField(
        _("文书代码"), max_length=40, blank=True, help_text=_("要求类别为执法文书时填写")
    )
    obligation = models.CharField(_("要求程度"), max_length=20, choices=Obligation.choices)
    condition = models.CharField(_("适用情形"), max_length=300, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("环节要求")
        verbose_name_plural = _("环节要求")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_requirement_display()} {self.document_code}"
