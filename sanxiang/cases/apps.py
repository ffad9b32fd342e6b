from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("行政处罚案件")

    def ready(self) -> None:
        from sanxiang.evidence.access import register_subject_team

        from .selectors import case_team_ids

        register_subject_team("cases.case", case_team_ids)
