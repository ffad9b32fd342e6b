"""Shared tables: the working-day calendar's administrator-maintained part."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """The State Council's holiday arrangement for one year, as entered by an administrator.

    Its presence tells the calendar that the overrides of that year are complete, so
    deadlines falling in a year the ``chinesecalendar`` package does not know yet are no
    longer provisional once the notice has been loaded.
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarOverride(models.Model):
    """One day whose status differs from what the package says (or that it cannot say)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=100, help_text=_("如：春节、国庆节调休上班"))
    notice = models.ForeignKey(
        HolidayNotice,
        verbose_name=_("依据通知"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overrides",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date} {self.name}（{kind}）"
