from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "sanxiang.inspections"
    label = "inspections"
    verbose_name = _("监察检查")

    def ready(self) -> None:
        from sanxiang.core.grounds import register_subject_team

        from .selectors import inspection_team_ids, plan_team_ids

        register_subject_team("inspections.inspection", inspection_team_ids)
        register_subject_team("inspections.inspectionplan", plan_team_ids)

        from sanxiang.core.readable import register_readable

        from .models import DrawExclusion, DrawTask
        from .selectors import draw_list

        for model in (DrawExclusion, DrawTask):
            register_readable(
                model._meta.label_lower,
                lambda user, model=model: model.objects.filter(
                    draw__in=draw_list(user=user).values("pk")
                ),
            )

        from sanxiang.registry.timeline import register_mine_subjects, register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
        register_mine_subjects("inspections.inspectionplan", minefile.plans_of)
        register_mine_subjects("inspections.inspection", minefile.inspections_of)
