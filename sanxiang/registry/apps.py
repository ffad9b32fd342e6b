from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "sanxiang.registry"
    label = "registry"
    verbose_name = _("监管对象")

    def ready(self) -> None:
        """Documents and recordings may hang off the mine itself (一矿一档, ADR 0126)."""
        from .models import CoalMine
        from .timeline import register_mine_subjects

        register_mine_subjects(
            "registry.coalmine", lambda mine: CoalMine.objects.filter(pk=mine.pk)
        )
