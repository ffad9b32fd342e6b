from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = _("机构与人员")

    def ready(self) -> None:
        from sanxiang.core.readable import register_readable

        from . import (
            checks,  # noqa: F401  (registers the deployment check)
            second_factor,  # noqa: F401  (device digest exclusions)
            selectors,
        )
        from .models import StaffRole

        register_readable("org.legaladviser", lambda user: selectors.adviser_list(user=user))
        register_readable(
            "org.staffrole",
            lambda user: StaffRole.objects.filter(
                staff__in=selectors.staff_list(user=user).values("pk")
            ),
        )
