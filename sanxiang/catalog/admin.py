from django.contrib import admin

from sanxiang.core.admin import ReadOnlyAdmin

from .models import CatalogVersion


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyAdmin):
    list_display = ("agency", "kind", "number", "title", "effective_from", "status", "is_sample")
    list_filter = ("kind", "status")
    search_fields = ("title", "agency__name")
