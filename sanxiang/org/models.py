"""Agencies (a hierarchy), their staff and roles, enforcement certificates, legal advisers."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.querysets import RestrictedManager, RestrictedQuerySet

from .roles import Role


class AgencyLevel(models.TextChoices):
    NATIONAL = "national", _("国家局")
    PROVINCIAL = "provincial", _("省级局")
    SUB_BUREAU = "sub_bureau", _("监察分局")


class Agency(models.Model):
    """A supervising agency. ``path`` (``/1/4/``) makes "this agency and below" one index scan."""

    scope_path_lookup = "path"

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    short_name = models.CharField(
        _("文书简称"), max_length=20, help_text=_("执法文书编号中的机构简称，如“晋”")
    )
    level = models.CharField(_("层级"), max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    enforcement_scope = models.TextField(_("执法范围"), blank=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("执法机构")
        verbose_name_plural = _("执法机构")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def document_prefix(self) -> str:
        """The ``A+(B)`` part of a document number: province short name plus own short name."""
        if self.level == AgencyLevel.SUB_BUREAU and self.parent_id:
            return f"{self.parent.short_name}（{self.short_name}）"
        return self.short_name


class StaffQuerySet(RestrictedQuerySet):
    def with_role(self, role: str) -> StaffQuerySet:
        return self.filter(role_grants__role=role).distinct()


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    pass


class Staff(AbstractUser):
    """A person who signs in. The agency decides what he sees; roles decide what he may do.

    The ledger digest of a staff row covers every column but ``last_login`` (Django records the
    login time). The password hash is covered by its own keyed digest (ADR 0061): it enters the
    row's canonical content as an HMAC under the ledger's MAC key, kept beside the checkpoint
    keys, so a hash written straight into the column — copied from another account, say — makes
    ``ledger_verify`` report the row, while the ledger never shows the hash or a plain function
    of it. Each legitimate change of the hash is an event with the row's new digest:
    :func:`sanxiang.org.services.staff_password_set` (``staff.password_change``), Django's own
    tools through :meth:`save` (``manage.py changepassword``, an auth view or form), and the
    re-encoding Django does inside :meth:`check_password` at login when the hasher's
    parameters change (``staff.password_rehash``, written by :meth:`check_password`). An
    account made by Django's ``createsuperuser`` is recorded by :meth:`save` as well. The
    account's roles (``StaffRole``) and group and permission links are listed in every staff
    event (``ledger.coverage.CHILDREN``).
    """

    scope_path_lookup = "agency__path"
    ledger_excluded_fields = ("last_login",)
    ledger_secret_fields = ("password",)

    full_name = models.CharField(_("姓名"), max_length=50)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    has_legal_qualification = models.BooleanField(_("具有法律职业资格"), default=False)

    objects = StaffManager()

    class Meta:
        ordering = ["agency__path", "username"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        """Save; an account created or a password set by Django's own tools is a ledger event.

        Django marks a password set by ``set_password`` (and not a hash upgrade at login, which
        it clears) in ``_password`` until the save, the same mark it uses to tell the password
        validators; ``staff_password_set`` stores its hash without that mark and writes its own
        event. Setting the first password of a new account is not a change: ``staff_create``
        records the account (it sets ``_ledger_by_service``); an account created any other way
        (``createsuperuser``) is recorded here as ``staff.create``.
        """
        fields = kwargs.get("update_fields")
        created = self._state.adding and not getattr(self, "_ledger_by_service", False)
        changed = (
            self._password is not None
            and not self._state.adding
            and (fields is None or "password" in fields)
        )
        if not (changed or created):
            super().save(*args, **kwargs)
            return
        from .services import staff_password_record_outside, staff_record_outside

        with transaction.atomic():
            super().save(*args, **kwargs)
            if created:
                staff_record_outside(staff=self)
            else:
                staff_password_record_outside(staff=self)

    def check_password(self, raw_password: str) -> bool:
        """Django's check, with the hash upgrade it may do recorded as ``staff.password_rehash``."""

        def setter(raw: str) -> None:
            from .services import staff_password_record_rehash

            with transaction.atomic():
                self.set_password(raw)
                self._password = None
                super(Staff, self).save(update_fields=["password"])
                staff_password_record_rehash(staff=self)

        return check_password(raw_password, self.password, setter)

    async def acheck_password(self, raw_password: str) -> bool:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.check_password)(raw_password)

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = (
                frozenset(self.role_grants.values_list("role", flat=True))
                if self.pk
                else frozenset()
            )
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    def role_labels(self) -> list[str]:
        return [Role(code).label for code in sorted(self.role_codes)]


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="uniq_staff_role")]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return f"{self.staff} {self.get_role_display()}"


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("已注销")


class CertificateValidity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    NOT_YET_VALID = "not_yet_valid", _("尚未生效")
    SUSPENDED = "suspended", _("已暂扣")
    REVOKED = "revoked", _("已注销")


class Certificate(models.Model):
    """An enforcement certificate (执法证). Validity is a function of the date, never a stored flag."""

    scope_path_lookup = "holder__agency__path"

    number = models.CharField(_("执法证号"), max_length=30, unique=True)
    holder = models.ForeignKey(
        Staff, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.ACTIVE,
    )
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")

    def __str__(self) -> str:
        return self.number

    def validity_on(self, day: datetime.date | None = None) -> CertificateValidity:
        day = day or timezone.localdate()
        if self.status == CertificateStatus.REVOKED:
            return CertificateValidity.REVOKED
        if self.status == CertificateStatus.SUSPENDED:
            return CertificateValidity.SUSPENDED
        if day < self.issued_on:
            return CertificateValidity.NOT_YET_VALID
        if day > self.expires_on:
            return CertificateValidity.EXPIRED
        return CertificateValidity.VALID

    @property
    def validity(self) -> CertificateValidity:
        return self.validity_on()

    @property
    def is_valid(self) -> bool:
        return self.validity == CertificateValidity.VALID


class AdviserKind(models.TextChoices):
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    PUBLIC_LAWYER = "public_lawyer", _("公职律师")


class LegalAdviser(models.Model):
    """A legal adviser or public lawyer; ``shared_pool`` ones serve agencies short of staff (SH-ORG-4)."""

    scope_path_lookup = "agency__path"

    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=AdviserKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("聘用机构"), on_delete=models.PROTECT, related_name="advisers"
    )
    organisation = models.CharField(_("工作单位"), max_length=100, blank=True)
    licence_number = models.CharField(_("执业证号"), max_length=40, blank=True)
    specialties = models.CharField(_("擅长领域"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    shared_pool = models.BooleanField(_("纳入共享库"), default=False)
    engaged_from = models.DateField(_("聘用起始"), null=True, blank=True)
    engaged_until = models.DateField(_("聘用截止"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["agency__path", "name"]
        verbose_name = _("法律顾问")
        verbose_name_plural = _("法律顾问")

    def __str__(self) -> str:
        return self.name


class PrivilegeKind(models.TextChoices):
    GRANT = "grant", _("授予角色")
    PASSWORD_RESET = "password_reset", _("重置密码")
    SECOND_FACTOR_RESET = "second_factor_reset", _("重置动态口令")


class PrivilegeState(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class PrivilegeRequest(models.Model):
    """A change to a privileged account waiting for a head's approval (ADR 0070).

    Granting head, legal reviewer, custodian or administrator — also on a new account — and
    resetting the password or second factor of an account that holds one of them take effect
    only when a head of the staff's agency or a superior agency approves; the requester, and
    the account holder, cannot. The new password waits here as a hash, left out of the ledger
    digest and cleared once applied or refused.
    """

    scope_path_lookup = "staff__agency__path"
    ledger_secret_fields = ("password_hash",)

    staff = models.ForeignKey(
        Staff,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        related_name="privilege_requests",
    )
    kind = models.CharField(_("变更事项"), max_length=30, choices=PrivilegeKind.choices)
    roles = models.JSONField(_("申请授予的角色"), default=list, blank=True)
    password_hash = models.CharField(max_length=255, blank=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=20, choices=PrivilegeState.choices, default=PrivilegeState.PENDING
    )
    requested_by = models.ForeignKey(
        Staff, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        Staff,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("账号权限变更申请")
        verbose_name_plural = _("账号权限变更申请")

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()}"

    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.roles if code in Role.values]
