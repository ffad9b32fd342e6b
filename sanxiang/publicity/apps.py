from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("执法结果公示")

    def ready(self) -> None:
        """GS-POST-1: decisions other apps take, sent on commit, become publication drafts."""
        from sanxiang.cases.signals import coercive_measure_taken, decision_issued
        from sanxiang.inspections.signals import inspection_closed, onsite_measure_taken

        from . import handlers

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
