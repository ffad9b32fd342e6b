"""JL-ARC-2: the confidentiality level (密级) that recordings, documents and cases carry.

One set of values for every app, so an archive unit can take the strictest level of its items.
State secrets (国家秘密) do not belong in this non-classified system (ADR 0128): an item at that
level holds only a reference to where the classified original is kept and its digest, never
the content — ``documents.classified`` registers such items.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    """JL-ARC-2: records with secrets or personal data are kept under stricter permissions."""

    ORDINARY = "ordinary", _("普通")
    PERSONAL = "personal", _("含个人信息")
    TRADE_SECRET = "trade_secret", _("商业秘密")
    STATE_SECRET = "state_secret", _("国家秘密")


# Strictness order: an archive unit or a document about a case takes the strictest of its parts.
RANK = {
    Confidentiality.ORDINARY: 0,
    Confidentiality.PERSONAL: 1,
    Confidentiality.TRADE_SECRET: 2,
    Confidentiality.STATE_SECRET: 3,
}
SECRET_LEVELS = frozenset({Confidentiality.TRADE_SECRET, Confidentiality.STATE_SECRET})


def strictest(*levels: str) -> str:
    """The strictest of ``levels`` (unknown or empty values count as ordinary)."""
    known = [level for level in levels if level in RANK]
    return max(known, key=RANK.__getitem__, default=Confidentiality.ORDINARY)


def state_secret_refusal() -> str:
    """The one message every app gives when content at the state-secret level would be stored."""
    from django.utils.translation import gettext

    return gettext(
        "涉及国家秘密的内容不得在本系统制作、上传或存储；请将原件交保密部门保管，"
        "并在本系统办理涉密件登记（登记编号、保管单位、存放位置和摘要值）。"
    )
