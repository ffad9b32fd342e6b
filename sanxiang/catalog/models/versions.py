"""The one version mechanism shared by every catalog kind (GS-PRE-3, GS-REQ-2).

A catalog of one kind belonging to one agency is a series of numbered versions. Each
version holds a complete set of items (copied forward when a new version is started), goes
through the approval workflow of ``sanxiang.catalog.workflow`` and, once published, is never
edited again: a change is a new version with a later effective date. The version in force
on a day is the published one with the latest ``effective_from`` on or before that day.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedQuerySet
from sanxiang.org.models import Agency

from ..workflow import OPEN_STATUSES, VersionStatus


class CatalogKind(models.TextChoices):
    LEGAL_BASIS = "legal_basis", _("执法依据")
    POWER_LIST = "power_list", _("权责清单")
    VIOLATION_COMPENDIUM = "violation_compendium", _("违法违规行为描述汇编")
    RANDOM_INSPECTION = "random_inspection", _("随机抽查事项清单")
    PROCEDURE_GUIDE = "procedure_guide", _("执法程序与服务指南")
    REMEDY = "remedy", _("救济途径")
    MAJOR_DECISION = "major_decision", _("重大执法决定法制审核目录清单")
    DOCUMENT_TYPE = "document_type", _("执法文书种类")
    STAGE_RULE = "stage_rule", _("各环节必备文书和音像记录")
    RETENTION_SCHEDULE = "retention_schedule", _("执法档案保管期限表")


# Kinds the public portal shows (GS-PRE-2.2 … 2.6); the others are internal working catalogs.
PUBLIC_KINDS = frozenset(
    {
        CatalogKind.LEGAL_BASIS,
        CatalogKind.POWER_LIST,
        CatalogKind.RANDOM_INSPECTION,
        CatalogKind.PROCEDURE_GUIDE,
        CatalogKind.REMEDY,
    }
)


class CatalogVersionQuerySet(RestrictedQuerySet):
    def published(self) -> CatalogVersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)

    def in_force_on(self, day: datetime.date) -> CatalogVersionQuerySet:
        """Published versions that had taken effect by ``day``, newest first."""
        return (
            self.published().filter(effective_from__lte=day).order_by("-effective_from", "-number")
        )


class CatalogVersionManager(models.Manager.from_queryset(CatalogVersionQuerySet)):
    pass


class CatalogVersion(models.Model):
    scope_path_lookup = "agency__path"

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("编制机构"),
        on_delete=models.PROTECT,
        related_name="catalog_versions",
    )
    kind = models.CharField(_("目录类别"), max_length=30, choices=CatalogKind.choices)
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("版本名称"), max_length=200)
    change_note = models.TextField(_("修订说明"), blank=True)
    effective_from = models.DateField(_("生效日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    is_sample = models.BooleanField(
        _("示例数据"), default=False, help_text=_("演示用示例内容，须由本单位替换为正式内容")
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content_digest = models.CharField(_("内容摘要值"), max_length=64, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogVersionManager()

    class Meta:
        ordering = ["agency__path", "kind", "-number"]
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number"], name="uniq_catalog_version_number"
            ),
            # At most one version of a catalog is being worked on at a time.
            models.UniqueConstraint(
                fields=["agency", "kind"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="uniq_catalog_open_version",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_kind_display()} 第{self.number}版"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED
