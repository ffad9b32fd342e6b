from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("all/", views.case_list, name="list"),
    path("new/", views.case_file, name="file"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.case_step, name="step"),
]
