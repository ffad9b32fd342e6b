"""涉密件登记 (ADR 0128): registering a state-secret item by reference, never by content.

A document or recording at the state-secret level is not made, uploaded or stored here. What
the system keeps is where the classified original is (register number, custodian unit,
location), its digest, and who registered it — enough for the archive to list the item in its
case's or inspection's file and for a later check against the original held elsewhere.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.services import ledger_append, object_type_of
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .models import ClassifiedRegistration, DigestAlgorithm, ItemKind

REGISTRAR_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.CUSTODIAN})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
LIMITS = {"title": 200, "register_number": 80, "custodian_unit": 200, "location": 200}


@transaction.atomic
def classified_register(
    *,
    actor: Staff,
    subject: models.Model,
    item_kind: str,
    title: str,
    register_number: str,
    custodian_unit: str,
    location: str,
    digest: str,
    digest_algorithm: str = DigestAlgorithm.SM3,
    type_code: str = "",
) -> ClassifiedRegistration:
    """Register one state-secret item of ``subject`` (a case or an inspection) by reference."""
    require_role(actor, REGISTRAR_ROLES, _("办理涉密件登记"))
    agency = subject.agency
    require_scope(actor, agency)
    values = {
        "title": (title or "").strip(),
        "register_number": (register_number or "").strip(),
        "custodian_unit": (custodian_unit or "").strip(),
        "location": (location or "").strip(),
    }
    errors: dict[str, list[str]] = {}
    labels = {
        "title": _("请填写题名。"),
        "register_number": _("请填写涉密件登记编号。"),
        "custodian_unit": _("请填写保管原件的单位。"),
        "location": _("请填写原件的存放位置。"),
    }
    for name, value in values.items():
        if not value:
            errors[name] = [labels[name]]
        elif len(value) > LIMITS[name]:
            errors[name] = [_("内容过长，最多 %(n)s 个字符。") % {"n": LIMITS[name]}]
    if item_kind not in ItemKind.values:
        errors["item_kind"] = [_("请选择材料类别。")]
    if digest_algorithm not in DigestAlgorithm.values:
        errors["digest_algorithm"] = [_("请选择摘要算法。")]
    digest = (digest or "").strip().lower()
    if not _HEX64.match(digest):
        errors["digest"] = [_("摘要值应为64位十六进制数字（SM3或SHA-256）。")]
    if (
        values["register_number"]
        and ClassifiedRegistration.objects.filter(
            agency=agency, register_number=values["register_number"]
        ).exists()
    ):
        errors["register_number"] = [_("该登记编号已登记过。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = ClassifiedRegistration.objects.create(
                agency=agency,
                subject_type=object_type_of(subject),
                subject_id=str(subject.pk),
                item_kind=item_kind,
                type_code=(type_code or "")[:40],
                digest_algorithm=digest_algorithm,
                digest=digest,
                registered_by=actor,
                **values,
            )
    except IntegrityError:
        raise ValidationError({"register_number": [_("该登记编号已登记过。")]}) from None
    ledger_append(
        actor=actor,
        action="classified.register",
        obj=item,
        details={
            "subject": f"{item.subject_type}:{item.subject_id}",
            "register_number": item.register_number,
            "custodian_unit": item.custodian_unit,
            "digest_algorithm": item.digest_algorithm,
            "digest": item.digest,
        },
    )
    return item


def classified_items_of(*subjects: models.Model) -> list[ClassifiedRegistration]:
    """The state-secret items registered for these subjects, oldest first (for the archive)."""
    query = models.Q(pk__in=[])
    for subject in subjects:
        query |= models.Q(subject_type=object_type_of(subject), subject_id=str(subject.pk))
    return list(ClassifiedRegistration.objects.filter(query).order_by("registered_at", "pk"))
