"""Read-only admin views: every change goes through the services (and the ledger)."""

from django.contrib import admin

from .models import AnnualReport, Publication, PublicationVersion, Redaction


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnly):
    list_display = ("title", "category", "agency", "status", "decided_on", "due_on")
    list_filter = ("category", "status")


@admin.register(PublicationVersion)
class PublicationVersionAdmin(ReadOnly):
    list_display = ("publication", "number", "published_at", "superseded_at")


@admin.register(Redaction)
class RedactionAdmin(ReadOnly):
    list_display = ("publication", "revision", "field", "kind", "ground", "origin", "withheld")


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnly):
    list_display = ("agency", "year", "status", "published_at")
