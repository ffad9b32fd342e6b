"""The mines' own accounts (企业端, ADR 0150): a realm of its own beside the staff.

An :class:`EnterpriseAccount` is not the ``AUTH_USER_MODEL``: it has no ``is_authenticated``,
no roles and no agency, so nothing written for staff (``request.user``, ``.restrict(user)``,
role checks, the API's authenticators) can ever take it for a staff member. Its session key
is separate (``realm.SESSION_KEY``); a session holds either a staff sign-in or a mine's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager
from sanxiang.documents.models import Document
from sanxiang.inspections.models import OnsiteMeasure
from sanxiang.registry.models import CoalMine

Staff = settings.AUTH_USER_MODEL


class AccountStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    ACTIVE = "active", _("已启用")
    REFUSED = "refused", _("未通过核验")
    DISABLED = "disabled", _("已停用")


class EnterpriseAccount(models.Model):
    """A mine's staff member's account: created by the agency, or self-registered and verified."""

    scope_path_lookup = "mine__supervising_agency__path"
    # Bookkeeping moved at each sign-in or code check, like Staff.last_login (ADR 0060).
    ledger_excluded_fields = ("last_login", "totp_last_t")
    # Secrets enter the ledger digest only as keyed MACs (ADR 0061).
    ledger_secret_fields = ("password", "totp_key")

    mine = models.ForeignKey(
        CoalMine, verbose_name=_("煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    login = models.CharField(_("登录名"), max_length=40, unique=True)
    full_name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    password = models.CharField(max_length=128)
    status = models.CharField(
        _("状态"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.PENDING
    )
    self_registered = models.BooleanField(_("自行注册"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_note = models.CharField(_("说明"), max_length=200, blank=True)
    totp_key = models.CharField(max_length=80, blank=True)
    totp_last_t = models.BigIntegerField(default=-1)
    last_login = models.DateTimeField(_("上次登录"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["mine", "login"]
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.mine.name}）"

    # What the password validators read (ADR 0073): the login name and the mine's names.
    @property
    def username(self) -> str:
        return self.login

    def password_forbidden_names(self) -> list[str]:
        return [self.mine.name, self.full_name]

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    @property
    def is_usable(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_key)

    def axes_username(self) -> str:
        return axes_username(self.login)

    def get_username(self) -> str:
        """For django-axes' sign-in log: the realm-prefixed login (never a staff login name)."""
        return self.axes_username()


def axes_username(login: str) -> str:
    """The name django-axes counts failures under: prefixed so no staff login collides."""
    return f"企业:{(login or '').strip()}"


class ServiceConsent(models.Model):
    """A mine's written consent to electronic service (电子送达), recorded by staff."""

    scope_path_lookup = "mine__supervising_agency__path"

    mine = models.ForeignKey(
        CoalMine, verbose_name=_("煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("签署日期"))
    signatory = models.CharField(_("签署人"), max_length=50)
    file_name = models.CharField(_("同意书文件"), max_length=200)
    file_path = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawal_note = models.CharField(_("撤回说明"), max_length=200, blank=True)
    withdrawn_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["mine", "-recorded_at"]
        verbose_name = _("电子送达同意书")
        verbose_name_plural = _("电子送达同意书")

    def __str__(self) -> str:
        return _("%(mine)s电子送达同意书（%(day)s）") % {"mine": self.mine, "day": self.signed_on}

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


class ElectronicDelivery(models.Model):
    """A document served electronically on a mine's accounts (电子送达).

    Served is the moment it reached the account (``arrived_at``), not when someone opens it
    (``opened_at``, recorded separately). The receipt is the digest of what arrived: the
    document's number and PDF digests, the mine, the consent and the moment.
    """

    scope_path_lookup = "mine__supervising_agency__path"

    document = models.ForeignKey(
        Document, verbose_name=_("送达文书"), on_delete=models.PROTECT, related_name="+"
    )
    mine = models.ForeignKey(
        CoalMine, verbose_name=_("受送达煤矿"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        ServiceConsent, verbose_name=_("电子送达同意书"), on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("送达时间（到达企业账号）"))
    receipt_sm3 = models.CharField(_("送达回执摘要"), max_length=64)
    opened_at = models.DateTimeField(_("首次查阅时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        EnterpriseAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-arrived_at", "-pk"]
        verbose_name = _("电子送达记录")
        verbose_name_plural = _("电子送达记录")
        constraints = [
            models.UniqueConstraint(fields=["document", "mine"], name="uniq_delivery_document_mine")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.mine}"


class RectificationReport(models.Model):
    """A mine's rectification report (整改报告) on an order with a time limit, with evidence."""

    scope_path_lookup = "measure__inspection__agency__path"

    measure = models.ForeignKey(
        OnsiteMeasure,
        verbose_name=_("整改指令"),
        on_delete=models.PROTECT,
        related_name="rectification_reports",
    )
    account = models.ForeignKey(
        EnterpriseAccount, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("整改情况"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["measure", "submitted_at", "pk"]
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")

    def __str__(self) -> str:
        return _("整改报告（%(day)s）") % {"day": self.submitted_at.date()}


class RectificationFile(models.Model):
    """One evidence file of a rectification report (photo, scan), stored write-once."""

    scope_path_lookup = "report__measure__inspection__agency__path"

    report = models.ForeignKey(RectificationReport, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("整改证明材料")
        verbose_name_plural = _("整改证明材料")

    def __str__(self) -> str:
        return self.name
