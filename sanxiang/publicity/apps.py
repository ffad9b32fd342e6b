from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("执法结果公示")

    def ready(self) -> None:
        """GS-POST-1: decisions other apps take, sent on commit, become publication drafts."""
        from sanxiang.cases.signals import coercive_measure_taken, decision_issued
        from sanxiang.core.grounds import register_subject_ground
        from sanxiang.inspections.signals import inspection_closed, onsite_measure_taken

        from . import handlers
        from .selectors import publication_editing

        for subject_type in ("cases.case", "inspections.inspection"):
            register_subject_ground(
                subject_type,
                "publication",
                lambda subject_id, user, t=subject_type: publication_editing(t, subject_id, user),
            )

        decision_issued.connect(handlers.on_decision_issued, dispatch_uid="publicity.decision")
        inspection_closed.connect(
            handlers.on_inspection_closed, dispatch_uid="publicity.inspection_closed"
        )
        onsite_measure_taken.connect(
            handlers.on_measure_taken, dispatch_uid="publicity.onsite_measure_taken"
        )
        coercive_measure_taken.connect(
            handlers.on_measure_taken, dispatch_uid="publicity.coercive_measure_taken"
        )

        from sanxiang.registry.timeline import register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
