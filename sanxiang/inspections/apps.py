from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "sanxiang.inspections"
    label = "inspections"
    verbose_name = _("监察检查")

    def ready(self) -> None:
        from sanxiang.evidence.access import register_subject_team

        from .selectors import inspection_team_ids

        register_subject_team("inspections.inspection", inspection_team_ids)
