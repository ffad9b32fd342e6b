from django.contrib import admin

from sanxiang.core.admin import ReadOnlyAdmin

from .models import CoalMine


@admin.register(CoalMine)
class CoalMineAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "status", "supervising_agency")
    search_fields = ("name", "credit_code")
    list_filter = ("status", "mine_type")


# Natural persons are not registered: their ID numbers are shown only through the
# application's selectors, which mask them for roles without the right.
