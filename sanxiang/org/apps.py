from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = _("机构与人员")
