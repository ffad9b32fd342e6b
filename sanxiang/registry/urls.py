from django.urls import path

from . import file_views, views

app_name = "registry"
urlpatterns = [
    path("mines/", views.mine_list, name="mine_list"),
    path("mines/new/", views.mine_create, name="mine_create"),
    path("mines/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("mines/<int:pk>/edit/", views.mine_edit, name="mine_edit"),
    path("mines/<int:pk>/file/", file_views.mine_file, name="mine_file"),
    path("mines/<int:pk>/file.<str:fmt>", file_views.mine_file_export, name="mine_file_export"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
]
