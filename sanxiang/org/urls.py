from django.urls import path

from . import privilege_views, views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", views.staff_password_reset, name="staff_password_reset"),
    path("password/", views.password_change, name="password_change"),
    path("staff/<int:pk>/certificates/", views.certificate_issue, name="certificate_issue"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/status/", views.certificate_set_status, name="certificate_status"),
    path("privileges/", privilege_views.privilege_list, name="privilege_list"),
    path("privileges/<int:pk>/decide/", privilege_views.privilege_decide, name="privilege_decide"),
    path(
        "staff/<int:pk>/second-factor/reset/", views.second_factor_reset, name="second_factor_reset"
    ),
    path("advisers/", views.adviser_list, name="adviser_list"),
    path("advisers/new/", views.adviser_create, name="adviser_create"),
]
