from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from .models import CalendarOverride, HolidayNotice, StaffNotice
        from .readable import register_readable

        # The working-day calendar is the same for every agency and every member of staff.
        for model in (HolidayNotice, CalendarOverride):
            register_readable(
                model._meta.label_lower,
                lambda user, model=model: (
                    model.objects.all()
                    if user is not None and user.is_authenticated
                    else model.objects.none()
                ),
            )
        # A notice the system sends is its recipient's alone.
        register_readable(
            "core.staffnotice", lambda user: StaffNotice.objects.filter(recipient_id=user.pk)
        )
