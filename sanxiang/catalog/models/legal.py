"""Legal bases (GS-PRE-2.3): laws, regulations, rules and normative documents, with articles.

A law that is amended appears once per revision, each with its own effective dates, so a
case decided on a day cites the revision in force that day (:meth:`LegalBasis.in_force_on`).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..legalrefs import article_label, normalise_title
from .versions import CatalogVersion


class LegalCategory(models.TextChoices):
    LAW = "law", _("法律")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("行政法规")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    RULE = "rule", _("规章")
    NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")
    STANDARD = "standard", _("标准")


class LegalBasis(models.Model):
    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="legal_bases"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("名称"), max_length=200)
    short_title = models.CharField(_("简称"), max_length=100, blank=True)
    category = models.CharField(_("效力层级"), max_length=30, choices=LegalCategory.choices)
    issuing_body = models.CharField(_("制定机关"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    revision = models.CharField(_("版本说明"), max_length=100, blank=True)
    promulgated_on = models.DateField(_("公布日期"))
    effective_from = models.DateField(_("施行日期"))
    repealed_on = models.DateField(
        _("失效日期"),
        null=True,
        blank=True,
        help_text=_("废止或被新修订版本取代之日，当日起不再适用"),
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("执法依据")
        verbose_name_plural = _("执法依据")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "title", "effective_from"], name="uniq_legal_basis_revision"
            )
        ]

    def __str__(self) -> str:
        return f"《{self.title}》{f'（{self.revision}）' if self.revision else ''}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.repealed_on is None or day < self.repealed_on)

    def matches_title(self, title: str) -> bool:
        wanted = normalise_title(title)
        return wanted in {normalise_title(self.title), normalise_title(self.short_title or "")}


class LegalArticle(models.Model):
    basis = models.ForeignKey(LegalBasis, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveIntegerField(_("条"))
    text = models.TextField(_("条文"))

    class Meta:
        ordering = ["basis", "number"]
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        constraints = [
            models.UniqueConstraint(fields=["basis", "number"], name="uniq_legal_article")
        ]

    def __str__(self) -> str:
        return f"{self.basis}{self.label}"

    @property
    def label(self) -> str:
        return article_label(self.number)
