from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "sanxiang.registry"
    label = "registry"
    verbose_name = _("监管对象")
