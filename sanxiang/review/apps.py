from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    label = "review"
    verbose_name = _("重大执法决定法制审核")

    def ready(self) -> None:
        from sanxiang.core.grounds import register_subject_review

        from .selectors import review_reviewing_case

        register_subject_review("cases.case", review_reviewing_case)

        from sanxiang.registry.timeline import register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
