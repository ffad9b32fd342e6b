import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Signals other apps send on commit, and who listens here. The inspections signals do not exist
# yet (see docs/decisions/0050…); they are connected as soon as the module defines them.
OPTIONAL_SIGNALS = (
    ("sanxiang.inspections.signals", "inspection_closed", "on_inspection_closed"),
    ("sanxiang.inspections.signals", "onsite_measure_taken", "on_measure_taken"),
    ("sanxiang.cases.signals", "coercive_measure_taken", "on_measure_taken"),
)


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("执法结果公示")

    def ready(self) -> None:
        from sanxiang.cases.signals import decision_issued

        from . import handlers

        decision_issued.connect(handlers.on_decision_issued, dispatch_uid="publicity.decision")
        for module_name, signal_name, receiver in OPTIONAL_SIGNALS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            signal = getattr(module, signal_name, None)
            if signal is not None:
                signal.connect(getattr(handlers, receiver), dispatch_uid=f"publicity.{signal_name}")
