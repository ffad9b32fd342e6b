from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/", views.agencies, name="agencies"),
    path("officers/", views.officers, name="officers"),
    path("certificate-check/", views.certificate_check, name="certificate_check"),
    path("versions/<int:pk>/", views.version_page, name="version"),
    path("data/", views.open_data, name="open_data"),
    path("data/<slug:name>.<str:fmt>", views.dataset, name="dataset"),
    path("<slug:slug>/", views.catalog_page, name="catalog"),
    path("<slug:slug>/history/", views.catalog_history, name="history"),
]
