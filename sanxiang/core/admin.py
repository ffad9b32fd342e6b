"""The admin site is a read-only window for system administrators.

Writes go through services (ARCHITECTURE rule 1), so no admin form may add, change or
delete rows; administrators use the application's pages, which call the services.
"""

from django.contrib import admin

from .models import CalendarOverride, HolidayNotice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "document_number", "published_on")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_workday", "name", "notice")
    list_filter = ("is_workday",)
