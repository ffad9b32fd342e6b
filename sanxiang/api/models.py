"""API tokens for machine clients; only a digest of the token is stored (ADR 0075)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("个人令牌")
    DEVICE = "device", _("采集站设备令牌")


class RevokeReason(models.TextChoices):
    BY_HOLDER = "holder", _("持有人吊销")
    BY_ADMIN = "admin", _("管理员吊销")
    PASSWORD_CHANGE = "password", _("持有人修改或重置了密码")


class ApiToken(models.Model):
    """A named bearer token with scopes and an expiry.

    A personal token acts as ``staff`` and dies with his password, account or lockout. A
    device token is issued by a custodian (``staff``) for one registered recording device and
    acts, for uploads only, as that device's keeper; it survives the keeper's password change.
    """

    # Stamped on every authenticated request, outside any service: not ledger content.
    ledger_excluded_fields = ("last_used_at",)

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(
        _("类别"), max_length=10, choices=TokenKind.choices, default=TokenKind.PERSONAL
    )
    device = models.ForeignKey(
        "evidence.RecordingDevice",
        verbose_name=_("绑定的执法记录仪"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    scopes = models.JSONField(_("权限范围"), default=list)
    prefix = models.CharField(max_length=8, db_index=True)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(
        _("吊销原因"), max_length=10, choices=RevokeReason.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="personal", device__isnull=True)
                | models.Q(kind="device", device__isnull=False),
                name="api_token_device_iff_device_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"
