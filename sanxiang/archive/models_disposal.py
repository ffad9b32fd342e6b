"""Disposal at the end of retention (鉴定销毁, issue 14 item 8; ADR 0130).

* ``LegalHold`` (保全): keeps a unit — or every unit of a case — from being destroyed while
  litigation, reconsideration, a petition, unfinished execution or a reopened case may still
  need it. Holds the system can see for itself (unpaid fine, court enforcement not finished,
  case reopened) are set and released by the system; the others by the head or the legal office.
* ``DisposalAppraisal`` (鉴定) with one ``DisposalLine`` per due unit (销毁 or 延长保管), at
  least two appraisers and the head's approval (step-up).
* ``DisposalTombstone`` (销毁记录): what was destroyed, when, why, on whose approval, and the
  digests of the destroyed originals. Permanent: no service deletes or changes one.

Written only by ``disposal.py``; every write is a ledger event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.org.models import Agency

User = settings.AUTH_USER_MODEL

__all__ = [
    "AppraisalStatus",
    "DisposalAppraisal",
    "DisposalLine",
    "DisposalTombstone",
    "HoldKind",
    "LegalHold",
    "Verdict",
]


class HoldKind(models.TextChoices):
    LITIGATION = "litigation", _("行政诉讼未结")
    RECONSIDERATION = "reconsideration", _("行政复议未结")
    PETITION = "petition", _("信访事项未办结")
    UNPAID_FINE = "unpaid_fine", _("罚款未缴清")
    COURT_ENFORCEMENT = "court_enforcement", _("申请法院强制执行尚未执行完毕")
    REOPENED = "reopened", _("案件重新办理")
    OTHER = "other", _("其他")


#: Holds the system derives from the case's own facts; people set the others.
DERIVED_HOLD_KINDS = frozenset(
    {HoldKind.UNPAID_FINE, HoldKind.COURT_ENFORCEMENT, HoldKind.REOPENED}
)


class LegalHold(models.Model):
    """One hold on a unit or on a case (then on every unit of the case)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "archive.ArchiveUnit",
        verbose_name=_("案卷"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holds",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("保全事由"), max_length=30, choices=HoldKind.choices)
    reason = models.CharField(_("说明"), max_length=500)
    by_system = models.BooleanField(_("系统设置"), default=False)
    set_by = models.ForeignKey(
        User,
        verbose_name=_("设置人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设置时间"))
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        User,
        verbose_name=_("解除人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    release_reason = models.CharField(_("解除理由"), max_length=500, blank=True)

    scope_path_lookup = "agency__path"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("档案保全")
        verbose_name_plural = _("档案保全")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(case__isnull=False),
                name="legal_hold_has_subject",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def active(self) -> bool:
        return self.released_at is None


class AppraisalStatus(models.TextChoices):
    PENDING = "pending", _("待负责人批准")
    APPROVED = "approved", _("已批准，待执行")
    REFUSED = "refused", _("不予批准")
    EXECUTED = "executed", _("已执行")


class DisposalAppraisal(models.Model):
    """One appraisal (鉴定) of units whose retention has run out."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=AppraisalStatus.choices, default=AppraisalStatus.PENDING
    )
    appraised_on = models.DateField(_("鉴定日期"))
    opinion = models.TextField(_("鉴定意见"))
    appraisers = models.ManyToManyField(User, verbose_name=_("鉴定人员"), related_name="+")
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_opinion = models.CharField(_("审批意见"), max_length=500, blank=True)
    executed_by = models.ForeignKey(
        User,
        verbose_name=_("监销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    scope_path_lookup = "agency__path"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("档案鉴定")
        verbose_name_plural = _("档案鉴定")

    def __str__(self) -> str:
        return f"{self.appraised_on:%Y-%m-%d} {self.get_status_display()}"

    @property
    def approved_at(self):
        """When the head approved (``remove_original`` asks for it); None unless approved."""
        if self.status in (AppraisalStatus.APPROVED, AppraisalStatus.EXECUTED):
            return self.decided_at
        return None


class Verdict(models.TextChoices):
    DESTROY = "destroy", _("销毁")
    EXTEND = "extend", _("延长保管")


class DisposalLine(models.Model):
    """The appraisal's verdict on one unit; listed in its appraisal's events."""

    scope_path_lookup = "appraisal__agency__path"  # read as its appraisal is (ADR 0065)

    appraisal = models.ForeignKey(DisposalAppraisal, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(
        "archive.ArchiveUnit", verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("鉴定结论"), max_length=20, choices=Verdict.choices)
    extend_years = models.PositiveSmallIntegerField(_("延长年限"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=500)

    class Meta:
        ordering = ["appraisal", "pk"]
        verbose_name = _("鉴定结论")
        verbose_name_plural = _("鉴定结论")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "unit"], name="uniq_disposal_line_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_verdict_display()}"


class DisposalTombstone(models.Model):
    """The permanent record of a destroyed unit (销毁清册的一条)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.OneToOneField(
        "archive.ArchiveUnit",
        verbose_name=_("案卷"),
        on_delete=models.PROTECT,
        related_name="tombstone",
    )
    mine = models.ForeignKey(
        "registry.CoalMine",
        verbose_name=_("煤矿"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archival_code = models.CharField(_("档号"), max_length=120)
    title = models.CharField(_("案卷题名"), max_length=300)
    retention_period = models.CharField(_("保管期限"), max_length=20)
    filed_on = models.DateField(_("归档日期"), null=True, blank=True)
    retention_due = models.DateField(_("保管期满日"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("销毁时间"))
    reason = models.CharField(_("销毁理由"), max_length=500)
    appraisal = models.ForeignKey(
        DisposalAppraisal, verbose_name=_("鉴定"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        User, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"))
    executed_by = models.ForeignKey(
        User, verbose_name=_("监销人"), on_delete=models.PROTECT, related_name="+"
    )
    #: [{"path", "sha256", "sm3", "size", "what"}] of each original removed from the store.
    destroyed = models.JSONField(_("已销毁的原件"), default=list)
    #: Originals of the unit kept because another live unit or open case still refers to them.
    kept = models.JSONField(_("因他处引用而保留的原件"), default=list)

    scope_path_lookup = "agency__path"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        verbose_name = _("档案销毁记录")
        verbose_name_plural = _("档案销毁记录")

    def __str__(self) -> str:
        return f"{self.archival_code} {self.title}"
