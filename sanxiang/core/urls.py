from django.contrib.auth import views as auth_views
from django.urls import path

from sanxiang.org.account_views import LoginView

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/deadline/", views.deadline_calculator, name="deadline_calculator"),
    path("calendar/overrides/", views.calendar_override_add, name="calendar_override_add"),
    path("calendar/notices/", views.holiday_notice_add, name="holiday_notice_add"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("notices/<int:pk>/read/", views.staff_notice_read, name="staff_notice_read"),
]
