"""JL-ARC-2: changing a case's confidentiality level (密级).

The head decides (ADR 0128): he approves the team's documents anyway, and a level decides who
may read the file later, so one person in charge sets it, with a reason in the ledger. A case
may be marked a state secret; from then on its documents cannot be made here (``document_issue``
refuses them) and its classified originals are registered by reference instead.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.confidentiality import Confidentiality
from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .models import Case


@transaction.atomic
def case_set_confidentiality(*, actor: Staff, case: Case, level: str, reason: str) -> Case:
    """Set the case's level; the head of the case's agency (or above) only, with a reason."""
    require_role(actor, {Role.HEAD}, _("变更案件密级"))
    require_scope(actor, case.agency)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[str]] = {}
    if level not in Confidentiality.values:
        errors["level"] = [_("请选择密级。")]
    elif level == case.confidentiality:
        errors["level"] = [_("密级没有变化。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请说明变更密级的理由。")]
    if errors:
        raise ValidationError(errors)
    before = case.confidentiality
    case.confidentiality = level
    case.save(update_fields=["confidentiality"])
    ledger_append(
        actor=actor,
        action="case.confidentiality",
        obj=case,
        details={"from": before, "to": level, "reason": reason.strip()[:500]},
    )
    return case
