"""Read-only admin views: every change goes through the services (and so the ledger)."""

from django.contrib import admin

from .models import Opinion, Review, ReviewAlert


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "reviewing_agency", "status", "round", "reviewer", "due_on")
    list_filter = ("status", "kind", "post_review")


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ("review", "kind", "reviewer", "issued_on", "working_days", "overdue")
    list_filter = ("kind", "overdue")


@admin.register(ReviewAlert)
class ReviewAlertAdmin(ReadOnlyAdmin):
    list_display = ("message", "kind", "due_on", "raised_on", "resolved_at")
    list_filter = ("kind",)
