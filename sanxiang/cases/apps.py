from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("行政处罚案件")

    def ready(self) -> None:
        from sanxiang.core.grounds import register_subject_ground, register_subject_team

        from .selectors import case_head_approval, case_team_ids

        register_subject_team("cases.case", case_team_ids)

        from sanxiang.registry.timeline import register_mine_subjects, register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
        register_mine_subjects("cases.case", minefile.cases_of)
        register_subject_ground("cases.case", "head-approval", case_head_approval)
