from django.urls import path

from . import export_views, views

app_name = "archive"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("export/", export_views.agency_year_export, name="agency_year_export"),
    path("mines/<int:pk>/export/", export_views.mine_export, name="mine_export"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/volume.pdf", export_views.unit_volume, name="unit_volume"),
    path("<int:pk>/borrow/", export_views.unit_borrow, name="unit_borrow"),
    path("<int:pk>/export/", export_views.unit_export, name="unit_export"),
    path("<int:pk>/do/<slug:action>/", views.unit_step, name="unit_step"),
]

from .urls_disposal import urlpatterns as _disposal  # noqa: E402  (ADR 0130)

urlpatterns += _disposal
