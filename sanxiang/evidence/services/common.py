"""What the evidence services share: who may upload, register devices and keep custody, the
subjects a recording may be linked to, and the acting person's own agency.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

UPLOADER_ROLES = frozenset({Role.OFFICER, Role.CUSTODIAN, Role.HEAD})


DEVICE_ROLES = frozenset({Role.CUSTODIAN, Role.HEAD, Role.SYSTEM_ADMIN})


CUSTODY_ROLES = frozenset({Role.CUSTODIAN, Role.HEAD})


# Subjects a recording may be linked to (app_label.model); the case workflow adds its own.
LINKABLE_SUBJECTS = ["registry.coalmine", "inspections.inspection", "cases.case"]


def _require_agency(actor: Staff) -> Agency:
    if actor.agency_id is None:
        raise PermissionDenied(_("只有所属执法机构的工作人员可以登记音像记录。"))
    return actor.agency
