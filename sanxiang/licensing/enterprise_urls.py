"""The licensing section of a mine's account, under /enterprise/licensing/ (ADR 0146)."""

from django.urls import path

from . import enterprise_views

app_name = "licensing_enterprise"

urlpatterns = [
    path("", enterprise_views.application_list, name="list"),
    path("apply/", enterprise_views.apply, name="apply"),
    path("<int:pk>/", enterprise_views.application_detail, name="detail"),
    path("documents/<int:pk>/", enterprise_views.document_pdf, name="document"),
]
