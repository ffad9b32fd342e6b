"""Enforcement documents and their numbers (`A+(B)煤安+C〔YYYY〕D号`).

Numbers are allocated per agency, document-type short code and year without gaps: the
counter row is locked in the issuing transaction, so a failed issuance rolls the number
back with it. An issued number is never deleted; a voided one stays visible as voided.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency


class NumberSequence(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "type_code", "year"], name="uniq_number_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.type_code}/{self.year}: {self.last_value}"


class NumberStatus(models.TextChoices):
    ISSUED = "issued", _("已使用")
    VOIDED = "voided", _("已作废")


class DocumentNumber(models.Model):
    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="document_numbers"
    )
    type_code = models.CharField(_("文书简称"), max_length=10)
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("文号"), max_length=80, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NumberStatus.choices, default=NumberStatus.ISSUED
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    allocated_at = models.DateTimeField(_("取号时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency", "type_code", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "type_code", "year", "sequence"], name="uniq_document_number"
            )
        ]
        verbose_name = _("文号")
        verbose_name_plural = _("文号")

    def __str__(self) -> str:
        return self.text


class DocumentStatus(models.TextChoices):
    ISSUED = "issued", _("已签发")
    VOIDED = "voided", _("已作废")


class Document(models.Model):
    """An issued enforcement document: its number, the data it was filled from, its PDF digest."""

    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency, verbose_name=_("制作机关"), on_delete=models.PROTECT, related_name="documents"
    )
    type_code = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("文书名称"), max_length=100)
    number = models.OneToOneField(
        DocumentNumber,
        verbose_name=_("文号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
    )
    subject_type = models.CharField(_("所属对象类型"), max_length=60, blank=True)
    subject_id = models.CharField(_("所属对象ID"), max_length=64, blank=True)
    content = models.JSONField(_("文书内容"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    pdf_path = models.CharField(max_length=200)
    pdf_sha256 = models.CharField(max_length=64)
    pdf_sm3 = models.CharField(max_length=64)
    pdf_size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")

    def __str__(self) -> str:
        return f"{self.title} {self.number or ''}".strip()
