from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/deadline/", views.deadline_calculator, name="deadline_calculator"),
    path("calendar/overrides/", views.calendar_override_add, name="calendar_override_add"),
    path("calendar/notices/", views.holiday_notice_add, name="holiday_notice_add"),
]
