"""Staff pages of 行政许可 (/licensing/...)."""

from django.urls import path

from . import views

app_name = "licensing"

urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("register/", views.application_register, name="application_register"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path("<int:pk>/<slug:action>/", views.application_step, name="application_step"),
    path("licences/", views.licence_list, name="licence_list"),
    path("licences/<int:pk>/change/", views.licence_change, name="licence_change"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="consultation_answer"),
]
