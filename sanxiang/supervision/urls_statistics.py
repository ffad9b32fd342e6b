"""Pages of the enforcement statistics and risk signals (issue 16 items 2 and 6)."""

from django.urls import path

from .risk import views as risk_views
from .statistics import views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("statistics/list/<slug:key>/", views.statistics_list, name="statistics_list"),
    path("risk/", risk_views.watch_list, name="risk_watch_list"),
    path("risk/mines/<int:pk>/key-flag/", risk_views.key_flag, name="risk_key_flag"),
]
