"""The complaints section of a mine's account, under /enterprise/complaints/ (ADR 0147)."""

from django.urls import path

from . import enterprise_views

app_name = "complaints_enterprise"

urlpatterns = [
    path("", enterprise_views.complaint_list, name="list"),
]
