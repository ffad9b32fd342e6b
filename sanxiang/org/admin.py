from django.contrib import admin

from sanxiang.core.admin import ReadOnlyAdmin

from .models import Agency, Certificate, LegalAdviser, Staff


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "level", "parent", "credit_code")
    search_fields = ("name", "credit_code")


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "agency", "is_active", "last_login")
    search_fields = ("username", "full_name")
    exclude = ("password",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "holder", "expires_on", "status")
    search_fields = ("number",)


@admin.register(LegalAdviser)
class LegalAdviserAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "agency", "shared_pool")
