from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("versions/", views.version_list, name="version_list"),
    path("versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/transition/", views.version_transition, name="version_transition"),
    path("versions/<int:pk>/discard/", views.version_discard, name="version_discard"),
    path("versions/<int:pk>/import/", views.version_import, name="version_import"),
    path("versions/<int:pk>/export.<str:fmt>", views.version_export, name="version_export"),
    path("versions/<int:pk>/items/<slug:entity>/new/", views.item_edit, name="item_create"),
    path(
        "versions/<int:pk>/items/<slug:entity>/<int:item_pk>/edit/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "versions/<int:pk>/items/<slug:entity>/<int:item_pk>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path("templates/<slug:kind>.<str:fmt>", views.template_download, name="template"),
    path("compendium/", views.compendium, name="compendium"),
    path("major-decisions/", views.major_catalog, name="major"),
]
