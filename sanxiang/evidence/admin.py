"""Read-only admin views: every change goes through the services (and so the ledger)."""

from django.contrib import admin

from .models import RecordingDevice, RecordingRequirement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecordingDevice)
class RecordingDeviceAdmin(ReadOnlyAdmin):
    list_display = ("serial_number", "model_name", "agency", "explosion_proof", "is_active")
    search_fields = ("serial_number", "model_name")


@admin.register(RecordingRequirement)
class RecordingRequirementAdmin(ReadOnlyAdmin):
    list_display = ("stage_kind", "activity", "statutory", "is_active", "basis")
