from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "sanxiang.evidence"
    label = "evidence"
    verbose_name = _("音像与文件证据")

    def ready(self) -> None:
        from sanxiang.core.readable import register_readable

        from . import selectors
        from .models import DerivedFile, RecordingRequirement

        register_readable("evidence.recording", selectors.visible_recordings)
        register_readable(
            "evidence.derivedfile",
            lambda user: DerivedFile.objects.filter(
                recording__in=selectors.visible_recordings(user).values("pk")
            ),
        )
        register_readable(
            "evidence.retrievalrequest", lambda user: selectors.retrieval_list(user=user)
        )
        register_readable("evidence.upload", lambda user: selectors.upload_list(user=user))
        register_readable("evidence.accessalert", lambda user: selectors.alert_list(user=user))
        # The mandatory-recording rules are the same statutory table for every agency.
        register_readable(
            "evidence.recordingrequirement", lambda user: RecordingRequirement.objects.all()
        )

        from sanxiang.registry.timeline import register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
