from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "sanxiang.documents"
    label = "documents"
    verbose_name = _("执法文书")

    def ready(self) -> None:
        from sanxiang.registry.timeline import register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
