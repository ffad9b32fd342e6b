"""Public pages of 投诉举报 on the portal (/public/complaints/), no login."""

from django.urls import path

from . import public_tus, public_views

app_name = "complaints_public"
urlpatterns = [
    path("", public_views.report_new, name="new"),
    path("grant/", public_views.grant, name="grant"),
    path("progress/", public_views.progress, name="progress"),
    path("tus/", public_tus.tus_collection, name="tus_collection"),
    path("tus/<str:upload_id>", public_tus.tus_upload, name="tus_upload"),
]
