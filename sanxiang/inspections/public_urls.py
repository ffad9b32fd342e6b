"""Public pages of the double-random draws (GS-PRE-1): no login, mounted at /public/draws/."""

from django.urls import path

from . import views

app_name = "draws_public"
urlpatterns = [
    path("", views.public_draw_list, name="list"),
    path("draw.py", views.public_draw_program, name="program"),
    path("<int:pk>/", views.public_draw_detail, name="detail"),
    path("<int:pk>.json", views.public_draw_json, name="json"),
]
