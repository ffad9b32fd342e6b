"""The roles a staff member can hold; one person may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    HEAD = "head", _("单位负责人")
    CUSTODIAN = "custodian", _("音像记录/档案管理员")
    PUBLICITY_EDITOR = "publicity_editor", _("公示编辑")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# Roles that may read a natural person's full ID number within their agency scope.
PERSONAL_DATA_ROLES = frozenset({Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD})
# Roles that may maintain the organisation (agencies, staff, certificates, calendar).
ORG_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN})
# Roles that may maintain the register of coal mines and persons.
REGISTRY_EDITOR_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.SYSTEM_ADMIN})
# Roles whose grant (and the creation, password reset or second-factor reset of an account
# holding them) needs a head's approval (ADR 0070).
PRIVILEGED_ROLES = frozenset({Role.HEAD, Role.LEGAL_REVIEWER, Role.CUSTODIAN, Role.SYSTEM_ADMIN})
