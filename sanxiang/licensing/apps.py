"""The online licensing window (行政许可网上办理): services, applications, acceptance,
decision and licences with the periods of 行政许可法 (issue 15, GS-MID-3, GS-PRE-2.4, GS-POST-1)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "sanxiang.licensing"
    label = "licensing"
    verbose_name = _("行政许可")

    def ready(self) -> None:
        from sanxiang.registry.timeline import register_mine_subjects, register_timeline_source

        from . import minefile, statistics
        from .models import Application

        statistics.register()

        from django.utils.text import format_lazy

        from sanxiang.ledger.actions import register_labels

        from .workflow import LICENCE_ACTIONS

        register_labels(
            {
                f"licensing.licence.{action}": format_lazy("{}：{}", _("许可证"), label)
                for action, (label, _status) in LICENCE_ACTIONS.items()
            }
        )
        register_timeline_source(minefile.feeds)  # 一矿一档: the mine's applications

        register_mine_subjects(
            "licensing.application", lambda mine: Application.objects.filter(mine=mine)
        )

        from sanxiang.enterprise.sections import register_enterprise_section

        from .selectors import applications_for_mine

        register_enterprise_section(
            key="licensing",
            title=_("行政许可申请"),
            url_name="licensing_enterprise:list",
            summary=lambda account: applications_for_mine(account.mine).count(),
            order=40,
            description=_("网上申请、补正材料、办件进度和许可文书。"),
        )
