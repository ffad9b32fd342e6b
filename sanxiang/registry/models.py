"""Regulated parties: coal mines and natural persons."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.identifiers import mask_id_card
from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency


class MineType(models.TextChoices):
    UNDERGROUND = "underground", _("井工煤矿")
    OPEN_PIT = "open_pit", _("露天煤矿")


class MineStatus(models.TextChoices):
    PRODUCING = "producing", _("正常生产")
    CONSTRUCTING = "constructing", _("基本建设")
    RECTIFYING = "rectifying", _("停产整顿")
    SUSPENDED = "suspended", _("长期停产停建")
    CLOSED = "closed", _("已关闭")


class CoalMine(models.Model):
    """A coal mine under supervision; the supervising agency decides who sees it."""

    scope_path_lookup = "supervising_agency__path"

    name = models.CharField(_("煤矿名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6)
    address = models.CharField(_("地址"), max_length=200)
    mine_type = models.CharField(_("类型"), max_length=20, choices=MineType.choices)
    status = models.CharField(_("状态"), max_length=20, choices=MineStatus.choices)
    licence_number = models.CharField(_("安全生产许可证号"), max_length=50, blank=True)
    licence_valid_until = models.DateField(_("许可证有效期至"), null=True, blank=True)
    capacity_10kt = models.DecimalField(
        _("核定生产能力（万吨/年）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    person_in_charge = models.CharField(_("主要负责人"), max_length=50, blank=True)
    is_key = models.BooleanField(_("重点监管"), default=False)
    supervising_agency = models.ForeignKey(
        Agency, verbose_name=_("监管机构"), on_delete=models.PROTECT, related_name="mines"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("煤矿")
        verbose_name_plural = _("煤矿")
        indexes = [models.Index(fields=["supervising_agency", "name"])]

    def __str__(self) -> str:
        return self.name

    def licence_is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return bool(
            self.licence_number and self.licence_valid_until and day <= self.licence_valid_until
        )


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Person(models.Model):
    """A natural person who can be a party. The ID number is personal data (see selectors)."""

    scope_path_lookup = "agency__path"

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, unique=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    employer = models.ForeignKey(
        CoalMine,
        verbose_name=_("工作单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
    )
    job_title = models.CharField(_("职务"), max_length=50, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("登记机构"), on_delete=models.PROTECT, related_name="persons"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_card(self.id_number)

    @property
    def gender(self) -> str:
        return Gender.MALE.label if int(self.id_number[16]) % 2 else Gender.FEMALE.label
