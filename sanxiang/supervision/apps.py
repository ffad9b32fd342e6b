"""Supervision (执法监督): case-file evaluation, enforcement statistics, training and
certificates, supervision notices, annual assessment and risk signals (issue 16; JL-USE-1, BZ-1,
BZ-3, BZ-5, BZ-6). Reads the other apps through their selectors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "sanxiang.supervision"
    label = "supervision"
    verbose_name = _("执法监督")

    def ready(self) -> None:
        from .evaluation import access as evaluation_access

        evaluation_access.register()  # 案卷评查 grounds and reading rules (ADR 0160)
        from .evaluation import statistics as evaluation_statistics

        evaluation_statistics.register()  # 案卷评查 in the enforcement statistics (ADR 0228)
        from . import ready_training  # noqa: F401  培训、督办、考核：读取规则与督办事项类别
        from .statistics import counts

        counts.connect()  # the statistics count rows (ADR 0172)
