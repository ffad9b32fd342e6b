"""Witnessing between instances (issue 17, item 5; ADR 0191): the logs this instance
witnesses, the split views it refused, and the cosignatures other instances gave ours."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WitnessedLog(models.Model):
    """Another instance's log that this instance cosigns: its keys and the latest size it saw.

    Only the latest cosigned checkpoint is kept (c2sp.org/tlog-witness): a new one must
    extend it by a consistency proof, so the log cannot show two histories.
    """

    origin = models.CharField(_("账本来源"), max_length=200, unique=True)
    name = models.CharField(_("机构名称"), max_length=200)
    verifier_keys = models.TextField(_("验证公钥"))
    hash_name = models.CharField(_("哈希算法"), max_length=16, default="sm3")
    tree_size = models.BigIntegerField(_("已见证的树大小"), default=0)
    root_hash = models.BinaryField(max_length=64, default=b"")
    cosigned_at = models.DateTimeField(_("最近联署时间"), null=True, blank=True)

    class Meta:
        ordering = ["origin"]
        verbose_name = _("见证的账本")
        verbose_name_plural = _("见证的账本")

    def __str__(self) -> str:
        return self.name


class WitnessConflict(models.Model):
    """A checkpoint this witness refused because it contradicts what it saw: evidence kept."""

    class Kind(models.TextChoices):
        SPLIT_VIEW = "split_view", _("同一树大小出现不同的根哈希（分叉视图）")
        BAD_PROOF = "bad_proof", _("一致性证明不成立（历史被改写）")

    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="conflicts")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    seen_size = models.BigIntegerField(_("已见证的树大小"))
    seen_root = models.BinaryField(max_length=64)
    submitted_note = models.TextField(_("提交的检查点"))
    detected_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("见证冲突")
        verbose_name_plural = _("见证冲突")

    def __str__(self) -> str:
        return f"{self.log} {self.get_kind_display()}"


class Cosignature(models.Model):
    """A witness's cosignature line on one of our checkpoints (c2sp.org/tlog-cosignature)."""

    checkpoint = models.ForeignKey(
        "ledger.Checkpoint", on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(_("见证方"), max_length=200)
    key_id = models.CharField(_("密钥标识"), max_length=8)
    line = models.TextField(_("联署签名行"))
    cosigned_at = models.DateTimeField(_("联署时间"))

    class Meta:
        ordering = ["checkpoint", "witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="ledger_one_cosignature_per_witness"
            )
        ]
        verbose_name = _("联署签名")
        verbose_name_plural = _("联署签名")

    def __str__(self) -> str:
        return f"{self.witness} {self.cosigned_at:%Y-%m-%d %H:%M}"
