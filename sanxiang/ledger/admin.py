from django.contrib import admin

from sanxiang.core.admin import ReadOnlyAdmin

from .models import Checkpoint, LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "recorded_at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    exclude = ("leaf_hash",)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("tree_size", "created_at")
    exclude = ("root_hash",)
