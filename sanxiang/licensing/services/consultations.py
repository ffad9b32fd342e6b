"""The consultation service of the licensing window (咨询): questions kept with their answers,
published only where the asker agreed (GS-MID-3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

from ..models import Consultation
from .common import clean_text


@transaction.atomic
def consultation_ask(
    *,
    agency: Agency,
    question: str,
    item_name: str = "",
    asker_name: str = "",
    contact: str = "",
    publish_consent: bool = False,
) -> Consultation:
    """A question from the public; the contact stays with the staff (a keyed MAC in the ledger)."""
    errors: dict[str, list[str]] = {}
    values = {}
    for field, label, required, limit in (
        ("question", _("咨询内容"), True, 2000),
        ("item_name", _("咨询事项"), False, 200),
        ("asker_name", _("称呼"), False, 50),
        ("contact", _("联系方式"), False, 100),
    ):
        try:
            values[field] = clean_text(
                locals()[field], field, required=required, label=label, limit=limit
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        agency=agency, publish_consent=bool(publish_consent), **values
    )
    ledger_append(
        actor=None,
        action="licensing.consultation.ask",
        obj=consultation,
        details={"agency": agency.pk, "publish_consent": consultation.publish_consent},
    )
    return consultation


@transaction.atomic
def consultation_answer(*, actor: Staff, consultation: Consultation, answer: str) -> Consultation:
    require_role(actor, frozenset({Role.OFFICER, Role.HEAD}), _("答复许可咨询"))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_scope(actor, consultation.agency)
    if consultation.answer:
        raise ValidationError({"answer": [_("该咨询已经答复。")]})
    consultation.answer = clean_text(answer, "answer", required=True, label=_("答复"))
    consultation.answered_at = timezone.now()
    consultation.answered_by = actor
    consultation.save()
    ledger_append(
        actor=actor,
        action="licensing.consultation.answer",
        obj=consultation,
        details={"published": consultation.is_public},
    )
    return consultation
