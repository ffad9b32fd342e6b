"""Pages of the annual target assessment (BZ-5)."""

from django.urls import path

from .assessment import views

urlpatterns = [
    path("assessment/", views.sheet_list, name="sheet_list"),
    path("assessment/new/", views.sheet_create, name="sheet_create"),
    path("assessment/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("assessment/<int:pk>/recompute/", views.sheet_recompute, name="sheet_recompute"),
    path("assessment/<int:pk>/score/", views.sheet_score, name="sheet_score"),
    path("assessment/<int:pk>/approve/", views.sheet_approve, name="sheet_approve"),
    path("assessment/<int:pk>/publish/", views.sheet_publish, name="sheet_publish"),
]
