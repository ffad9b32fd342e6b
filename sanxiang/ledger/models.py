"""The append-only ledger: entries, the perfect-subtree hashes of its Merkle tree, checkpoints.

None of these rows is ever updated or deleted; database triggers (``triggers.py``) refuse
it. Entries hold no foreign keys, so the log stays self-contained and readable even after
the rows it speaks about are gone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .actions import action_label


class LedgerEntry(models.Model):
    """One event. ``body`` is the canonical JSON that is hashed; the columns mirror it for queries."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    recorded_at = models.DateTimeField(_("时间"))
    actor_id = models.BigIntegerField(_("操作人ID"), null=True)
    actor_name = models.CharField(_("操作人"), max_length=150)
    agency_id = models.BigIntegerField(_("机构ID"), null=True)
    action = models.CharField(_("事项"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象ID"), max_length=64)
    object_digest = models.CharField(_("对象摘要"), max_length=128)
    body = models.TextField()
    leaf_hash = models.BinaryField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("账本记录")
        verbose_name_plural = _("账本记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class TreeNode(models.Model):
    """A complete perfect subtree hash ``(level, index)``; written once, read for proofs."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="uniq_ledger_tree_node")
        ]

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class Checkpoint(models.Model):
    """A signed tree head in the C2SP signed-note format, as published to the public."""

    tree_size = models.BigIntegerField(_("树大小"))
    root_hash = models.BinaryField(max_length=64)
    note = models.TextField(_("签名检查点"))
    created_at = models.DateTimeField(_("签署时间"), auto_now_add=True)

    class Meta:
        ordering = ["-tree_size", "-id"]
        # The newest checkpoint and the one of a given size are read on every proof, every
        # signing and every 四性检测 run; without this index each read scanned and sorted all
        # checkpoints, so filing got slower the more units were already filed (ADR 0239).
        indexes = [models.Index(fields=["tree_size", "id"], name="ledger_checkpoint_size")]
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


from .models_witness import Cosignature, WitnessConflict, WitnessedLog  # noqa: E402

__all__ = [
    "Checkpoint",
    "Cosignature",
    "LedgerEntry",
    "TreeNode",
    "WitnessConflict",
    "WitnessedLog",
]
